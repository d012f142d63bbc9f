pub mod policy_allows_all_actions;
pub mod policy_allows_all_resources;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&policy_allows_all_actions::RULE, &policy_allows_all_resources::RULE];
