pub mod logging_disabled;
pub mod xray_disabled;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&logging_disabled::RULE, &xray_disabled::RULE];
