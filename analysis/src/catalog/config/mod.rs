pub mod access_key_rotation_rule_too_lax;
pub mod aggregator_not_all_regions;
pub mod encrypted_volumes_rule_missing;
pub mod recorder_disabled;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &recorder_disabled::RULE,
    &aggregator_not_all_regions::RULE,
    &access_key_rotation_rule_too_lax::RULE,
    &encrypted_volumes_rule_missing::RULE,
];
