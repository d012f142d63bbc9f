pub mod all_features_disabled;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&all_features_disabled::RULE];
