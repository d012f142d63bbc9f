pub mod storage_unencrypted;

use crate::rules::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&storage_unencrypted::RULE];
