pub mod firehose_not_encrypted_cmk;
pub mod firehose_unencrypted;
pub mod stream_not_encrypted_cmk;
pub mod stream_unencrypted;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &stream_unencrypted::RULE,
    &stream_not_encrypted_cmk::RULE,
    &firehose_unencrypted::RULE,
    &firehose_not_encrypted_cmk::RULE,
];
