pub mod skill_client_secret_plaintext;
pub mod skill_refresh_token_plaintext;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&skill_client_secret_plaintext::RULE, &skill_refresh_token_plaintext::RULE];
