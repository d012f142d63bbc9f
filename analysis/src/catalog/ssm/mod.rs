pub mod document_shared_publicly;
pub mod parameter_secret_not_securestring;
pub mod parameter_securestring_default_key;
pub mod session_manager_logging_not_encrypted;
pub mod session_manager_not_encrypted_kms;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &session_manager_not_encrypted_kms::RULE,
    &session_manager_logging_not_encrypted::RULE,
    &parameter_secret_not_securestring::RULE,
    &parameter_securestring_default_key::RULE,
    &document_shared_publicly::RULE,
];
