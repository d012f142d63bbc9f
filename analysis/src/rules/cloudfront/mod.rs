pub mod allows_http;
pub mod logging_disabled;
pub mod outdated_tls;

use crate::rules::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&allows_http::RULE, &outdated_tls::RULE, &logging_disabled::RULE];
