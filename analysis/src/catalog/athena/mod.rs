pub mod database_unencrypted;
pub mod workgroup_config_not_enforced;
pub mod workgroup_unencrypted;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] =
    &[&database_unencrypted::RULE, &workgroup_unencrypted::RULE, &workgroup_config_not_enforced::RULE];
