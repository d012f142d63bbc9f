pub mod sg_ssh_open_to_world;

use crate::rules::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[&sg_ssh_open_to_world::RULE];
