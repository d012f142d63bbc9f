pub mod control_plane_logging_incomplete;
pub mod node_group_ssh_open;
pub mod public_endpoint;
pub mod secrets_unencrypted;
pub mod unsupported_version;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &secrets_unencrypted::RULE,
    &control_plane_logging_incomplete::RULE,
    &unsupported_version::RULE,
    &public_endpoint::RULE,
    &node_group_ssh_open::RULE,
];
