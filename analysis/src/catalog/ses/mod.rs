pub mod configuration_set_tls_optional;
pub mod identity_policy_public;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&identity_policy_public::RULE, &configuration_set_tls_optional::RULE];
