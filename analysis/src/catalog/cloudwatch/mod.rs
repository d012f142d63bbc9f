pub mod log_group_without_cmk;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&log_group_without_cmk::RULE];
