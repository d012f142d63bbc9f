pub mod key_policy_public;
pub mod key_rotation_disabled;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&key_rotation_disabled::RULE, &key_policy_public::RULE];
