pub mod allows_anonymous_access;
pub mod at_rest_unencrypted;
pub mod audit_logs_disabled;
pub mod auto_software_update_disabled;
pub mod domain_not_in_vpc;
pub mod fine_grained_access_control_disabled;
pub mod https_not_enforced;
pub mod logging_disabled;
pub mod no_dedicated_master;
pub mod node_to_node_unencrypted;
pub mod not_encrypted_cmk;
pub mod policy_allows_all_actions;
pub mod slow_logs_disabled;
pub mod zone_awareness_disabled;
use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &at_rest_unencrypted::RULE,
    &node_to_node_unencrypted::RULE,
    &https_not_enforced::RULE,
    &not_encrypted_cmk::RULE,
    &logging_disabled::RULE,
    &slow_logs_disabled::RULE,
    &audit_logs_disabled::RULE,
    &allows_anonymous_access::RULE,
    &policy_allows_all_actions::RULE,
    &fine_grained_access_control_disabled::RULE,
    &domain_not_in_vpc::RULE,
    &no_dedicated_master::RULE,
    &zone_awareness_disabled::RULE,
    &auto_software_update_disabled::RULE,
];
