pub mod key_rotation_disabled;

use crate::rules::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&key_rotation_disabled::RULE];
