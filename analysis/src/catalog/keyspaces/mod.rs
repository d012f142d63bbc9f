pub mod table_not_cmk;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&table_not_cmk::RULE];
