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
];
