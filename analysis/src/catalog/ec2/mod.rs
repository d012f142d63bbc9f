pub mod ami_shared_externally;
pub mod default_sg_has_rules;
pub mod default_sg_open_to_world;
pub mod ebs_default_encryption_disabled;
pub mod ebs_snapshot_unencrypted;
pub mod ebs_volume_unencrypted;
pub mod ec2_public_ip;
pub mod imdsv1_enabled;
pub mod launch_config_volume_unencrypted;
pub mod nacl_admin_port_open_to_world;
pub mod nacl_all_traffic_open_to_world;
pub mod sg_ingress_open_to_world;
pub mod sg_rdp_open_to_world;
pub mod sg_sensitive_port_open_to_world;
pub mod sg_ssh_open_to_world;
pub mod subnet_auto_public_ip;
pub mod vpc_flow_logs_disabled;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &sg_ssh_open_to_world::RULE,
    &sg_rdp_open_to_world::RULE,
    &sg_ingress_open_to_world::RULE,
    &sg_sensitive_port_open_to_world::RULE,
    &default_sg_open_to_world::RULE,
    &default_sg_has_rules::RULE,
    &nacl_admin_port_open_to_world::RULE,
    &nacl_all_traffic_open_to_world::RULE,
    &subnet_auto_public_ip::RULE,
    &ec2_public_ip::RULE,
    &vpc_flow_logs_disabled::RULE,
    &ebs_volume_unencrypted::RULE,
    &ebs_default_encryption_disabled::RULE,
    &ebs_snapshot_unencrypted::RULE,
    &launch_config_volume_unencrypted::RULE,
    &imdsv1_enabled::RULE,
    &ami_shared_externally::RULE,
];

#[cfg(test)]
mod tests {
    use crate::kit::testing::run;

    /// Half-written blocks, wrong types and unresolved references raise nothing and do not panic.
    #[test]
    fn half_written_configurations_do_not_crash() {
        let text = r#"resource "%s" "a" {
  ingress {}
  egress = "x"
  ingress = [1, "two", { protocol = 6 }]
  metadata_options = 3
  default_action {}
  viewer_certificate {}
  access_logs = null
  policy_attribute { name = 3 }
  root_block_device = "x"
  vpc_id = var.vpc
}
resource "%s" "b" {
"#;
        for rule in super::RULES {
            for ty in rule.matcher.terraform_types() {
                let _ = run(rule, &text.replace("%s", ty));
            }
        }
    }
}
