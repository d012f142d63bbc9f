pub mod insights_disabled;
pub mod log_validation_disabled;
pub mod logging_disabled;
pub mod no_sns_topic;
pub mod not_encrypted_cmk;
pub mod not_integrated_with_cloudwatch_logs;
pub mod not_multi_region;
pub mod s3_data_events_not_logged;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &logging_disabled::RULE,
    &not_multi_region::RULE,
    &log_validation_disabled::RULE,
    &not_encrypted_cmk::RULE,
    &not_integrated_with_cloudwatch_logs::RULE,
    &no_sns_topic::RULE,
    &s3_data_events_not_logged::RULE,
    &insights_disabled::RULE,
];
