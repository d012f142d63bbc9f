pub mod encryption_not_enforced;
pub mod logging_disabled;
pub mod not_encrypted_cmk;
pub mod public_access;
pub mod unauthenticated_access;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &public_access::RULE,
    &encryption_not_enforced::RULE,
    &not_encrypted_cmk::RULE,
    &logging_disabled::RULE,
    &unauthenticated_access::RULE,
];
