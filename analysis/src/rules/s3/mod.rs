pub mod public_acl;

use crate::rules::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&public_acl::RULE];
