pub mod group_inline_policy;
pub mod group_without_users;
pub mod login_profile_weak_initial_password;
pub mod password_max_age;
pub mod password_min_length;
pub mod password_policy_no_lowercase;
pub mod password_policy_no_numbers;
pub mod password_policy_no_symbols;
pub mod password_policy_no_uppercase;
pub mod password_policy_users_cannot_change;
pub mod password_reuse_prevention;
pub mod policy_allows_assume_any_role;
pub mod policy_attached_to_user;
pub mod policy_full_admin;
pub mod policy_json_malformed;
pub mod policy_service_wildcard;
pub mod privilege_escalation_add_user_to_group;
pub mod privilege_escalation_attach_group_policy;
pub mod privilege_escalation_attach_role_policy;
pub mod privilege_escalation_attach_user_policy;
pub mod privilege_escalation_create_access_key;
pub mod privilege_escalation_create_login_profile;
pub mod privilege_escalation_create_policy_version;
pub mod privilege_escalation_glue_update_dev_endpoint;
pub mod privilege_escalation_lambda_update_function_code;
pub mod privilege_escalation_passrole_cloudformation_create_stack;
pub mod privilege_escalation_passrole_ec2_run_instances;
pub mod privilege_escalation_passrole_glue_dev_endpoint;
pub mod privilege_escalation_passrole_lambda_create_invoke;
pub mod privilege_escalation_put_group_policy;
pub mod privilege_escalation_put_role_policy;
pub mod privilege_escalation_put_user_policy;
pub mod privilege_escalation_set_default_policy_version;
pub mod privilege_escalation_update_assume_role_policy;
pub mod privilege_escalation_update_login_profile;
pub mod resource_policy_statement_without_principal;
pub mod role_cross_account_trust_without_external_id_or_mfa;
pub mod role_trust_any_principal;
pub mod root_access_key;
pub mod user_console_access;
pub mod user_initial_password_short;
pub mod user_multiple_access_keys;
pub mod user_not_in_group;
pub mod user_policy_without_mfa;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &root_access_key::RULE,
    &password_min_length::RULE,
    &password_reuse_prevention::RULE,
    &password_max_age::RULE,
    &login_profile_weak_initial_password::RULE,
    &user_policy_without_mfa::RULE,
    &policy_attached_to_user::RULE,
    &policy_full_admin::RULE,
    &policy_service_wildcard::RULE,
    &role_trust_any_principal::RULE,
    &role_cross_account_trust_without_external_id_or_mfa::RULE,
    &policy_allows_assume_any_role::RULE,
    &resource_policy_statement_without_principal::RULE,
    &user_multiple_access_keys::RULE,
    &user_console_access::RULE,
    &user_not_in_group::RULE,
    &user_initial_password_short::RULE,
    &group_without_users::RULE,
    &group_inline_policy::RULE,
    &password_policy_no_symbols::RULE,
    &password_policy_no_numbers::RULE,
    &password_policy_no_uppercase::RULE,
    &password_policy_no_lowercase::RULE,
    &password_policy_users_cannot_change::RULE,
    &privilege_escalation_create_access_key::RULE,
    &privilege_escalation_create_login_profile::RULE,
    &privilege_escalation_update_login_profile::RULE,
    &privilege_escalation_add_user_to_group::RULE,
    &privilege_escalation_create_policy_version::RULE,
    &privilege_escalation_set_default_policy_version::RULE,
    &privilege_escalation_attach_user_policy::RULE,
    &privilege_escalation_attach_group_policy::RULE,
    &privilege_escalation_attach_role_policy::RULE,
    &privilege_escalation_put_user_policy::RULE,
    &privilege_escalation_put_group_policy::RULE,
    &privilege_escalation_put_role_policy::RULE,
    &privilege_escalation_update_assume_role_policy::RULE,
    &privilege_escalation_passrole_ec2_run_instances::RULE,
    &privilege_escalation_passrole_lambda_create_invoke::RULE,
    &privilege_escalation_passrole_glue_dev_endpoint::RULE,
    &privilege_escalation_passrole_cloudformation_create_stack::RULE,
    &privilege_escalation_glue_update_dev_endpoint::RULE,
    &privilege_escalation_lambda_update_function_code::RULE,
    &policy_json_malformed::RULE,
];

#[cfg(test)]
mod tests {
    use crate::kit::testing::run;

    /// Half-written blocks (missing attributes, wrong types, unterminated policies) raise no panic.
    #[test]
    fn half_written_blocks_do_not_crash_any_rule_of_these_services() {
        let text = r#"resource "aws_iam_user_policy" "a" {
  policy = "{\"Statement\": [1, \"x\", {\"Effect\": 3, \"Action\": {\"a\": 1}}]"
}
resource "aws_iam_user_policy" "b" {
  policy = jsonencode({ Statement = "nope" })
}
resource "aws_iam_role" "c" {
  assume_role_policy = 42
  inline_policy {}
}
resource "aws_iam_account_password_policy" "d" {
  minimum_password_length = "short"
  max_password_age        = []
}
resource "aws_kms_key" "e" {
  customer_master_key_spec = 7
}
resource "aws_cloudtrail" "f" {
  enable_logging = {}
}
resource "aws_config_configuration_aggregator" "g" {
  account_aggregation_source {}
}
resource "aws_lambda_function" "h" {
  environment {
    variables = "x"
  }
}
resource "aws_instance" "i" {
  user_data = 12
  provisioner "remote-exec" {}
  provisioner {}
}
resource "aws_secretsmanager_secret_rotation" "j" {
  rotation_rules {
    automatically_after_days = "soon"
  }
}
provider "aws" {
  access_key = ["x"]
}
resource "aws_iam_access_key" "k" {
  user = "root"
  status =
}
resource "aws_cloudtrail"
"#;
        for rule in crate::catalog::all() {
            if rule.matcher.has_terraform() {
                run(rule, text);
            }
        }
    }
}
