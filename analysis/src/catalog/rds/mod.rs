pub mod auto_minor_upgrade_disabled;
pub mod backup_disabled;
pub mod cluster_snapshot_unencrypted;
pub mod deletion_protection_disabled;
pub mod iam_auth_disabled;
pub mod logging_disabled;
pub mod not_multi_az;
pub mod publicly_accessible;
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
];
