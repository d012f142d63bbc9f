pub mod unencrypted;

use crate::rules::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&unencrypted::RULE];
