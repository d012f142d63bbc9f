pub mod hardcoded_credentials;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&hardcoded_credentials::RULE];
