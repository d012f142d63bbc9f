pub mod at_rest_unencrypted;
pub mod https_not_enforced;
pub mod node_to_node_unencrypted;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&at_rest_unencrypted::RULE, &node_to_node_unencrypted::RULE, &https_not_enforced::RULE];
