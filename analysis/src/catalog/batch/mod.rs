pub mod job_privileged_container;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&job_privileged_container::RULE];
