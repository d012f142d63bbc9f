pub mod not_encrypted_cmk;
pub mod tls_disabled;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&tls_disabled::RULE, &not_encrypted_cmk::RULE];
