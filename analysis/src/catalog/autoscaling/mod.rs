pub mod elb_health_check_disabled;
pub mod no_instance_tags;
pub mod no_load_balancer;
pub mod single_az;
pub mod uses_launch_configuration;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &no_load_balancer::RULE,
    &elb_health_check_disabled::RULE,
    &no_instance_tags::RULE,
    &uses_launch_configuration::RULE,
    &single_az::RULE,
];
