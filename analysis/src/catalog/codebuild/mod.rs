pub mod artifacts_encryption_disabled;
pub mod not_encrypted_cmk;
pub mod privileged_mode;
pub mod s3_logs_encryption_disabled;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &not_encrypted_cmk::RULE,
    &artifacts_encryption_disabled::RULE,
    &s3_logs_encryption_disabled::RULE,
    &privileged_mode::RULE,
];
