pub mod enhanced_health_disabled;
pub mod log_streaming_disabled;
pub mod managed_updates_disabled;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] =
    &[&managed_updates_disabled::RULE, &enhanced_health_disabled::RULE, &log_streaming_disabled::RULE];
