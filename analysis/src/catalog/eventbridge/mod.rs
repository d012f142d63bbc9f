pub mod bus_policy_public;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&bus_policy_public::RULE];
