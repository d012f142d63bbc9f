pub mod audit_logs_parameter_disabled;
pub mod auto_minor_upgrade_disabled;
pub mod backup_retention_below_7_days;
pub mod deletion_protection_disabled;
pub mod logs_not_exported;
pub mod master_password_plaintext;
pub mod not_encrypted_cmk;
pub mod storage_unencrypted;
pub mod tls_disabled;
use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &storage_unencrypted::RULE,
    &not_encrypted_cmk::RULE,
    &tls_disabled::RULE,
    &master_password_plaintext::RULE,
    &logs_not_exported::RULE,
    &audit_logs_parameter_disabled::RULE,
    &backup_retention_below_7_days::RULE,
    &deletion_protection_disabled::RULE,
    &auto_minor_upgrade_disabled::RULE,
];
