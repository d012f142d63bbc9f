pub mod detector_disabled;
pub mod s3_protection_disabled;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&detector_disabled::RULE, &s3_protection_disabled::RULE];
