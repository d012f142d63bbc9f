pub mod publicly_accessible;
pub mod unencrypted;
pub mod version_upgrade_disabled;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&unencrypted::RULE, &publicly_accessible::RULE, &version_upgrade_disabled::RULE];
