pub mod block_public_access_disabled;
pub mod cluster_no_security_configuration;
pub mod cluster_not_in_vpc;
pub mod security_configuration_encryption_disabled;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &cluster_no_security_configuration::RULE,
    &security_configuration_encryption_disabled::RULE,
    &cluster_not_in_vpc::RULE,
    &block_public_access_disabled::RULE,
];
