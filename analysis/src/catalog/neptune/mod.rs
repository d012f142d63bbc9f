pub mod audit_log_not_exported;
pub mod auto_minor_upgrade_disabled;
pub mod backup_retention_below_7_days;
pub mod copy_tags_to_snapshot_disabled;
pub mod deletion_protection_disabled;
pub mod iam_auth_disabled;
pub mod instance_publicly_accessible;
pub mod not_encrypted_cmk;
pub mod storage_unencrypted;
use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &storage_unencrypted::RULE,
    &not_encrypted_cmk::RULE,
    &iam_auth_disabled::RULE,
    &instance_publicly_accessible::RULE,
    &audit_log_not_exported::RULE,
    &backup_retention_below_7_days::RULE,
    &deletion_protection_disabled::RULE,
    &copy_tags_to_snapshot_disabled::RULE,
    &auto_minor_upgrade_disabled::RULE,
];
