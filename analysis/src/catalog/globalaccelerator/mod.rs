pub mod flow_logs_disabled;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&flow_logs_disabled::RULE];
