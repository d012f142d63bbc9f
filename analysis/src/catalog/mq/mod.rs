pub mod broker_auto_minor_upgrade_disabled;
pub mod broker_logging_incomplete;
pub mod broker_not_encrypted_cmk;
pub mod broker_outdated_engine;
pub mod broker_public;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &broker_public::RULE,
    &broker_logging_incomplete::RULE,
    &broker_not_encrypted_cmk::RULE,
    &broker_auto_minor_upgrade_disabled::RULE,
    &broker_outdated_engine::RULE,
];
