pub mod vault_not_cmk;
pub mod vault_policy_public;
pub mod vault_without_lock;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&vault_without_lock::RULE, &vault_policy_public::RULE, &vault_not_cmk::RULE];
