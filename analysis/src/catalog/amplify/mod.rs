pub mod app_access_token_plaintext;
pub mod app_oauth_token_plaintext;
pub mod basic_auth_password_plaintext;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] =
    &[&app_access_token_plaintext::RULE, &app_oauth_token_plaintext::RULE, &basic_auth_password_plaintext::RULE];
