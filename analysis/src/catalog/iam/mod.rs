pub mod login_profile_weak_initial_password;
pub mod password_max_age;
pub mod password_min_length;
pub mod password_reuse_prevention;
pub mod policy_attached_to_user;
pub mod policy_full_admin;
pub mod policy_service_wildcard;
pub mod role_trust_any_principal;
pub mod root_access_key;
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
