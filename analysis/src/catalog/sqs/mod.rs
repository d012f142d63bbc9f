pub mod encryption_disabled;
pub mod not_encrypted_cmk;
pub mod policy_public;
pub mod policy_wildcard_actions;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] =
    &[&encryption_disabled::RULE, &policy_public::RULE, &not_encrypted_cmk::RULE, &policy_wildcard_actions::RULE];
