pub mod dnssec_disabled;
pub mod domain_transfer_lock_disabled;
pub mod query_logging_disabled;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] =
    &[&query_logging_disabled::RULE, &dnssec_disabled::RULE, &domain_transfer_lock_disabled::RULE];
