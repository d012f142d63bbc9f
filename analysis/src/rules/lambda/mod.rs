pub mod deprecated_runtime;
pub(crate) mod lifecycle;
pub mod permission_public;

use crate::rules::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&deprecated_runtime::RULE, &permission_public::RULE];
