pub mod domain_not_encrypted_cmk;
pub mod endpoint_config_not_encrypted;
pub mod notebook_deprecated_platform;
pub mod notebook_direct_internet_access;
pub mod notebook_imdsv1_allowed;
pub mod notebook_not_encrypted_cmk;
pub mod notebook_not_in_vpc;
pub mod notebook_root_access;
use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &notebook_not_encrypted_cmk::RULE,
    &notebook_direct_internet_access::RULE,
    &notebook_root_access::RULE,
    &notebook_not_in_vpc::RULE,
    &notebook_imdsv1_allowed::RULE,
    &endpoint_config_not_encrypted::RULE,
    &domain_not_encrypted_cmk::RULE,
    &notebook_deprecated_platform::RULE,
];
