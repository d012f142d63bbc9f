pub mod data_catalog_unencrypted;
pub mod job_end_of_support_version;
pub mod job_without_security_configuration;
pub mod resource_policy_public;
pub mod security_configuration_unencrypted;
use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &data_catalog_unencrypted::RULE,
    &security_configuration_unencrypted::RULE,
    &job_without_security_configuration::RULE,
    &resource_policy_public::RULE,
    &job_end_of_support_version::RULE,
];
