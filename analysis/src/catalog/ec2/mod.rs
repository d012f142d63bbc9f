pub mod ami_copy_not_encrypted_cmk;
pub mod ami_copy_unencrypted;
pub mod ami_not_encrypted;
pub mod ami_shared_externally;
pub mod default_security_group;
pub mod default_sg_has_rules;
pub mod default_sg_open_to_world;
pub mod default_vpc_declared;
pub mod detailed_monitoring_disabled;
pub mod ebs_default_encryption_disabled;
pub mod ebs_snapshot_copy_not_encrypted_cmk;
pub mod ebs_snapshot_unencrypted;
pub mod ebs_volume_not_attached;
pub mod ebs_volume_not_encrypted_cmk;
pub mod ebs_volume_unencrypted;
pub mod ec2_public_ip;
pub mod imdsv1_enabled;
pub mod in_default_vpc;
pub mod launch_config_volume_unencrypted;
pub mod launch_template_imds_hop_limit;
pub mod nacl_admin_port_open_to_world;
pub mod nacl_all_traffic_open_to_world;
pub mod nacl_duplicate_rule_number;
pub mod nacl_entry_all_protocols;
pub mod nacl_tcp_udp_all_ports;
pub mod no_iam_instance_profile;
pub mod not_ebs_optimized;
pub mod public_instance_internet_routed;
pub mod public_private_share_instance_profile;
pub mod sg_egress_all_protocols;
pub mod sg_egress_open_to_world;
pub mod sg_egress_port_range;
pub mod sg_http_open_to_world;
pub mod sg_ingress_all_protocols;
pub mod sg_ingress_open_to_world;
pub mod sg_ingress_port_range;
pub mod sg_missing_description;
pub mod sg_not_attached;
pub mod sg_rdp_open_to_world;
pub mod sg_rule_missing_description;
pub mod sg_sensitive_port_open_to_world;
pub mod sg_sensitive_port_small_public_network;
pub mod sg_sensitive_port_wide_private_network;
pub mod sg_ssh_open_to_world;
pub mod sg_without_vpc;
pub mod subnet_auto_public_ip;
pub mod transit_gateway_auto_accept;
pub mod vpc_endpoint_dns_resolution_disabled;
pub mod vpc_endpoint_service_auto_accept;
pub mod vpc_flow_logs_disabled;
pub mod vpc_peering_route_unrestricted;
pub mod vpc_without_network_firewall;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &sg_ssh_open_to_world::RULE,
    &sg_rdp_open_to_world::RULE,
    &sg_ingress_open_to_world::RULE,
    &sg_sensitive_port_open_to_world::RULE,
    &sg_http_open_to_world::RULE,
    &sg_sensitive_port_small_public_network::RULE,
    &sg_sensitive_port_wide_private_network::RULE,
    &sg_ingress_all_protocols::RULE,
    &sg_ingress_port_range::RULE,
    &sg_egress_open_to_world::RULE,
    &sg_egress_all_protocols::RULE,
    &sg_egress_port_range::RULE,
    &sg_rule_missing_description::RULE,
    &sg_not_attached::RULE,
    &default_sg_open_to_world::RULE,
    &default_sg_has_rules::RULE,
    &nacl_admin_port_open_to_world::RULE,
    &nacl_all_traffic_open_to_world::RULE,
    &nacl_entry_all_protocols::RULE,
    &nacl_tcp_udp_all_ports::RULE,
    &nacl_duplicate_rule_number::RULE,
    &subnet_auto_public_ip::RULE,
    &ec2_public_ip::RULE,
    &vpc_flow_logs_disabled::RULE,
    &vpc_peering_route_unrestricted::RULE,
    &vpc_without_network_firewall::RULE,
    &vpc_endpoint_dns_resolution_disabled::RULE,
    &ebs_volume_unencrypted::RULE,
    &ebs_default_encryption_disabled::RULE,
    &ebs_snapshot_unencrypted::RULE,
    &launch_config_volume_unencrypted::RULE,
    &imdsv1_enabled::RULE,
    &ami_shared_externally::RULE,
    &detailed_monitoring_disabled::RULE,
    &not_ebs_optimized::RULE,
    &no_iam_instance_profile::RULE,
    &default_security_group::RULE,
    &in_default_vpc::RULE,
    &public_private_share_instance_profile::RULE,
    &launch_template_imds_hop_limit::RULE,
    &ami_not_encrypted::RULE,
    &ami_copy_unencrypted::RULE,
    &ami_copy_not_encrypted_cmk::RULE,
    &ebs_volume_not_encrypted_cmk::RULE,
    &ebs_snapshot_copy_not_encrypted_cmk::RULE,
    &ebs_volume_not_attached::RULE,
    &default_vpc_declared::RULE,
    &public_instance_internet_routed::RULE,
    &sg_missing_description::RULE,
    &sg_without_vpc::RULE,
    &transit_gateway_auto_accept::RULE,
    &vpc_endpoint_service_auto_accept::RULE,
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
