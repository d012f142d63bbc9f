pub mod access_logging_disabled;
pub mod alb_http_listener;
pub mod classic_weak_ssl_policy;
pub mod lb_deletion_protection_disabled;
pub mod lb_outdated_tls_policy;
pub mod support;

use crate::rules::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &alb_http_listener::RULE,
    &lb_outdated_tls_policy::RULE,
    &classic_weak_ssl_policy::RULE,
    &lb_deletion_protection_disabled::RULE,
    &access_logging_disabled::RULE,
];
