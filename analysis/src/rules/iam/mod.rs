pub mod login_profile_weak_initial_password;
pub mod password_max_age;
pub mod password_min_length;
pub mod password_reuse_prevention;
mod password_setting;
pub mod policy_attached_to_user;
pub mod policy_full_admin;
pub mod policy_service_wildcard;
pub mod root_access_key;
mod sites;
pub mod user_policy_without_mfa;

use crate::rules::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &root_access_key::RULE,
    &password_min_length::RULE,
    &password_reuse_prevention::RULE,
    &password_max_age::RULE,
    &login_profile_weak_initial_password::RULE,
    &user_policy_without_mfa::RULE,
    &policy_attached_to_user::RULE,
    &policy_full_admin::RULE,
    &policy_service_wildcard::RULE,
];
