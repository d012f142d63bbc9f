pub mod github_repository_public;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&github_repository_public::RULE];
