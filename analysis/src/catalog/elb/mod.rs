pub mod access_logging_disabled;
pub mod alb_http_listener;
pub mod alb_invalid_headers_not_dropped;
pub mod alb_without_waf;
pub mod classic_plaintext_listener;
pub mod classic_weak_ssl_policy;
pub mod lb_cross_zone_disabled;
pub mod lb_deletion_protection_disabled;
pub mod lb_desync_mitigation_monitor;
pub mod lb_outdated_tls_policy;
pub mod sg_default_egress;
pub mod sg_without_ingress;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &alb_http_listener::RULE,
    &lb_outdated_tls_policy::RULE,
    &classic_weak_ssl_policy::RULE,
    &lb_deletion_protection_disabled::RULE,
    &access_logging_disabled::RULE,
    &alb_without_waf::RULE,
    &alb_invalid_headers_not_dropped::RULE,
    &lb_desync_mitigation_monitor::RULE,
    &lb_cross_zone_disabled::RULE,
    &classic_plaintext_listener::RULE,
    &sg_default_egress::RULE,
    &sg_without_ingress::RULE,
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
  listener { lb_port = "x" }
  security_groups = 3
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
