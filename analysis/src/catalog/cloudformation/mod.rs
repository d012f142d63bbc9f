pub mod init_static_credentials;
pub mod stack_without_notifications;
pub mod stack_without_stack_policy;
pub mod stackset_stacks_not_retained;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &stack_without_notifications::RULE,
    &stack_without_stack_policy::RULE,
    &stackset_stacks_not_retained::RULE,
    &init_static_credentials::RULE,
];
