pub mod auto_minor_upgrade_disabled;
pub mod not_encrypted_cmk;
pub mod tls_disabled;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&tls_disabled::RULE, &not_encrypted_cmk::RULE, &auto_minor_upgrade_disabled::RULE];
