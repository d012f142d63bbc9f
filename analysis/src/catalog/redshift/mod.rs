pub mod audit_logging_disabled;
pub mod automated_snapshots_disabled;
pub mod default_port;
pub mod enhanced_vpc_routing_disabled;
pub mod master_password_plaintext;
pub mod not_encrypted_cmk;
pub mod not_in_vpc_subnet_group;
pub mod publicly_accessible;
pub mod serverless_namespace_not_cmk;
pub mod ssl_not_required;
pub mod unencrypted;
pub mod version_upgrade_disabled;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &unencrypted::RULE,
    &publicly_accessible::RULE,
    &version_upgrade_disabled::RULE,
    &not_encrypted_cmk::RULE,
    &serverless_namespace_not_cmk::RULE,
    &ssl_not_required::RULE,
    &master_password_plaintext::RULE,
    &audit_logging_disabled::RULE,
    &default_port::RULE,
    &not_in_vpc_subnet_group::RULE,
    &enhanced_vpc_routing_disabled::RULE,
    &automated_snapshots_disabled::RULE,
];
