pub mod allows_http;
pub mod geo_restriction_disabled;
pub mod hsts_weak;
pub mod logging_disabled;
pub mod no_default_root_object;
pub mod no_response_headers_policy;
pub mod origin_http;
pub mod origin_outdated_tls;
pub mod outdated_tls;
pub mod s3_origin_without_access_control;
pub mod without_waf;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &allows_http::RULE,
    &outdated_tls::RULE,
    &logging_disabled::RULE,
    &without_waf::RULE,
    &geo_restriction_disabled::RULE,
    &origin_http::RULE,
    &origin_outdated_tls::RULE,
    &s3_origin_without_access_control::RULE,
    &no_default_root_object::RULE,
    &no_response_headers_policy::RULE,
    &hsts_weak::RULE,
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
  origin { custom_origin_config = 3 }
  origin = [1, { domain_name = 2 }]
  security_headers_config { strict_transport_security = "x" }
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
