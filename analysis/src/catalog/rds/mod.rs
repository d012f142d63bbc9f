pub mod auto_minor_upgrade_disabled;
pub mod backup_disabled;
pub mod backup_retention_below_7_days;
pub mod ca_certificate_outdated;
pub mod cluster_audit_log_not_exported;
pub mod cluster_not_in_backup_plan;
pub mod cluster_snapshot_unencrypted;
pub mod copy_tags_to_snapshot_disabled;
pub mod default_port;
pub mod deletion_protection_disabled;
pub mod enhanced_monitoring_disabled;
pub mod iam_auth_disabled;
pub mod in_public_subnet;
pub mod logging_disabled;
pub mod master_password_plaintext;
pub mod not_encrypted_cmk;
pub mod not_multi_az;
pub mod parameter_group_tls_not_enforced;
pub mod performance_insights_not_encrypted_cmk;
pub mod publicly_accessible;
pub mod security_group_broad_cidr;
pub mod security_group_open_to_world;
pub mod snapshot_public;
pub mod stateful_without_retain;
pub mod storage_unencrypted;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &backup_disabled::RULE,
    &deletion_protection_disabled::RULE,
    &not_multi_az::RULE,
    &storage_unencrypted::RULE,
    &cluster_snapshot_unencrypted::RULE,
    &logging_disabled::RULE,
    &publicly_accessible::RULE,
    &iam_auth_disabled::RULE,
    &auto_minor_upgrade_disabled::RULE,
    &stateful_without_retain::RULE,
    &backup_retention_below_7_days::RULE,
    &not_encrypted_cmk::RULE,
    &performance_insights_not_encrypted_cmk::RULE,
    &ca_certificate_outdated::RULE,
    &parameter_group_tls_not_enforced::RULE,
    &default_port::RULE,
    &in_public_subnet::RULE,
    &security_group_open_to_world::RULE,
    &security_group_broad_cidr::RULE,
    &snapshot_public::RULE,
    &enhanced_monitoring_disabled::RULE,
    &copy_tags_to_snapshot_disabled::RULE,
    &cluster_audit_log_not_exported::RULE,
    &master_password_plaintext::RULE,
    &cluster_not_in_backup_plan::RULE,
];
