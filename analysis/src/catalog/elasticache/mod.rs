pub mod at_rest_unencrypted;
pub mod auto_minor_upgrade_disabled;
pub mod backup_disabled;
pub mod default_port;
pub mod in_transit_unencrypted;
pub mod memcached_single_az;
pub mod no_subnet_group;
pub mod not_encrypted_cmk;
pub mod redis_auth_disabled;
pub mod redis_extended_support;
pub mod redis_outdated_engine;
pub mod replication_group_no_automatic_failover;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &backup_disabled::RULE,
    &at_rest_unencrypted::RULE,
    &in_transit_unencrypted::RULE,
    &auto_minor_upgrade_disabled::RULE,
    &redis_outdated_engine::RULE,
    &redis_extended_support::RULE,
    &not_encrypted_cmk::RULE,
    &redis_auth_disabled::RULE,
    &replication_group_no_automatic_failover::RULE,
    &memcached_single_az::RULE,
    &default_port::RULE,
    &no_subnet_group::RULE,
];
