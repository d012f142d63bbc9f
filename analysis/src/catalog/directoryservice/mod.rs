pub mod password_plaintext;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&password_plaintext::RULE];
