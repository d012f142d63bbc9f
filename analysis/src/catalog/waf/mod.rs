pub mod log4j_rule_missing;
pub mod logging_disabled;
pub mod web_acl_empty;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&logging_disabled::RULE, &web_acl_empty::RULE, &log4j_rule_missing::RULE];
