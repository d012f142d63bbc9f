pub mod database_not_cmk;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&database_not_cmk::RULE];
