pub mod aws_managed_key;
pub mod policy_allow_notaction;
pub mod policy_public;
pub mod topic_unencrypted;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] =
    &[&topic_unencrypted::RULE, &policy_public::RULE, &aws_managed_key::RULE, &policy_allow_notaction::RULE];
