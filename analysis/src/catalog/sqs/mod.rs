pub mod encryption_disabled;
pub mod policy_public;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&encryption_disabled::RULE, &policy_public::RULE];
