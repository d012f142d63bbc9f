pub mod not_encrypted_cmk;
pub mod unencrypted;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&unencrypted::RULE, &not_encrypted_cmk::RULE];
