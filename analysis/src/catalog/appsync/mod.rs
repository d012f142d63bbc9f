pub mod cache_not_encrypted_at_rest;
pub mod cache_not_encrypted_in_transit;
pub mod field_logging_disabled;
pub mod logging_disabled;
pub mod without_waf;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &logging_disabled::RULE,
    &field_logging_disabled::RULE,
    &cache_not_encrypted_at_rest::RULE,
    &cache_not_encrypted_in_transit::RULE,
    &without_waf::RULE,
];
