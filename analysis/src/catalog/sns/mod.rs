pub mod policy_public;
pub mod topic_unencrypted;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&topic_unencrypted::RULE, &policy_public::RULE];
