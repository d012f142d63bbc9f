pub mod at_rest_unencrypted;
pub mod auto_minor_upgrade_disabled;
pub mod backup_disabled;
pub mod in_transit_unencrypted;
pub mod redis_extended_support;
pub mod redis_outdated_engine;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &backup_disabled::RULE,
    &at_rest_unencrypted::RULE,
    &in_transit_unencrypted::RULE,
    &auto_minor_upgrade_disabled::RULE,
    &redis_outdated_engine::RULE,
    &redis_extended_support::RULE,
];
