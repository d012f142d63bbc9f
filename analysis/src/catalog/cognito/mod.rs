pub mod identity_pool_allows_unauthenticated;
pub mod user_pool_advanced_security_off;
pub mod user_pool_mfa_disabled;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &user_pool_mfa_disabled::RULE,
    &user_pool_advanced_security_off::RULE,
    &identity_pool_allows_unauthenticated::RULE,
];
