pub mod unencrypted;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&unencrypted::RULE];
