pub mod rotation_disabled;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&rotation_disabled::RULE];
