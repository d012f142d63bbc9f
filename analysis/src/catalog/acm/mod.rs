pub mod certificate_wildcard;
pub mod transparency_logging_disabled;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&certificate_wildcard::RULE, &transparency_logging_disabled::RULE];
