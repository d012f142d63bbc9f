pub mod key_disabled;
pub mod key_policy_missing_or_full_access;
pub mod key_policy_public;
pub mod key_rotation_disabled;
pub mod key_short_deletion_window;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &key_rotation_disabled::RULE,
    &key_policy_public::RULE,
    &key_policy_missing_or_full_access::RULE,
    &key_disabled::RULE,
    &key_short_deletion_window::RULE,
];
