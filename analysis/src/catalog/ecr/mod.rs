pub mod no_lifecycle_policy;
pub mod not_encrypted_cmk;
pub mod policy_public;
pub mod scan_on_push_disabled;
pub mod tag_mutable;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &scan_on_push_disabled::RULE,
    &tag_mutable::RULE,
    &policy_public::RULE,
    &not_encrypted_cmk::RULE,
    &no_lifecycle_policy::RULE,
];
