pub mod auto_minor_upgrade_disabled;
pub mod endpoint_password_plaintext;
pub mod endpoint_ssl_disabled;
pub mod replication_instance_not_cmk;
pub mod replication_instance_public;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &replication_instance_public::RULE,
    &replication_instance_not_cmk::RULE,
    &auto_minor_upgrade_disabled::RULE,
    &endpoint_ssl_disabled::RULE,
    &endpoint_password_plaintext::RULE,
];
