pub mod encryption_disabled;
pub mod policy_public;
pub(crate) mod resource_policy;

use crate::rules::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&encryption_disabled::RULE, &policy_public::RULE];
