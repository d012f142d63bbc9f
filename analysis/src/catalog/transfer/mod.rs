pub mod server_ftp_enabled;
pub mod server_outdated_security_policy;
pub mod server_public_endpoint;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] =
    &[&server_public_endpoint::RULE, &server_ftp_enabled::RULE, &server_outdated_security_policy::RULE];
