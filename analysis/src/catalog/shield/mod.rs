pub mod resource_unprotected;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&resource_unprotected::RULE];
