pub mod policy_too_open;
pub mod rotation_disabled;
pub mod secret_not_encrypted_cmk;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&rotation_disabled::RULE, &secret_not_encrypted_cmk::RULE, &policy_too_open::RULE];
