pub mod alarm_missing_cloudtrail_changes;
pub mod alarm_missing_config_changes;
pub mod alarm_missing_console_auth_failures;
pub mod alarm_missing_console_signin_without_mfa;
pub mod alarm_missing_iam_policy_changes;
pub mod alarm_missing_kms_key_disable_or_deletion;
pub mod alarm_missing_nacl_changes;
pub mod alarm_missing_network_gateway_changes;
pub mod alarm_missing_organizations_changes;
pub mod alarm_missing_root_usage;
pub mod alarm_missing_route_table_changes;
pub mod alarm_missing_s3_bucket_policy_changes;
pub mod alarm_missing_security_group_changes;
pub mod alarm_missing_unauthorized_api_calls;
pub mod alarm_missing_vpc_changes;
pub mod log_destination_policy_too_open;
pub mod log_group_retention_under_one_year;
pub mod log_group_retention_unlimited;
pub mod log_group_without_cmk;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &log_group_without_cmk::RULE,
    &log_group_retention_unlimited::RULE,
    &log_group_retention_under_one_year::RULE,
    &log_destination_policy_too_open::RULE,
    &alarm_missing_unauthorized_api_calls::RULE,
    &alarm_missing_console_signin_without_mfa::RULE,
    &alarm_missing_root_usage::RULE,
    &alarm_missing_iam_policy_changes::RULE,
    &alarm_missing_cloudtrail_changes::RULE,
    &alarm_missing_console_auth_failures::RULE,
    &alarm_missing_kms_key_disable_or_deletion::RULE,
    &alarm_missing_s3_bucket_policy_changes::RULE,
    &alarm_missing_config_changes::RULE,
    &alarm_missing_security_group_changes::RULE,
    &alarm_missing_nacl_changes::RULE,
    &alarm_missing_network_gateway_changes::RULE,
    &alarm_missing_route_table_changes::RULE,
    &alarm_missing_vpc_changes::RULE,
    &alarm_missing_organizations_changes::RULE,
];
