pub mod fleet_inbound_port_range;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&fleet_inbound_port_range::RULE];
