pub mod identity_store_user_managed_in_code;
pub mod permission_set_session_too_long;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&permission_set_session_too_long::RULE, &identity_store_user_managed_in_code::RULE];
