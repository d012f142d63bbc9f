pub mod log_validation_disabled;
pub mod logging_disabled;
pub mod not_encrypted_cmk;
pub mod not_multi_region;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] =
    &[&logging_disabled::RULE, &not_multi_region::RULE, &log_validation_disabled::RULE, &not_encrypted_cmk::RULE];
