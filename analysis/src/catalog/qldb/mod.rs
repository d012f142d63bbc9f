pub mod deletion_protection_disabled;
pub mod permissions_mode_allow_all;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&permissions_mode_allow_all::RULE, &deletion_protection_disabled::RULE];
