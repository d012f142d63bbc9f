pub mod cache_disabled;
pub mod cache_unencrypted;
pub mod data_trace_enabled;
pub mod deployment_stage_without_access_logs;
pub mod domain_outdated_tls;
pub mod method_open_access;
pub mod metrics_disabled;
pub mod not_private;
pub mod rest_api_policy_wildcard;
pub mod stage_logging_disabled;
pub mod stage_no_client_certificate;
pub mod stage_without_usage_plan;
pub mod stage_without_waf;
pub mod v2_route_without_authorization;
pub mod without_authorizer;
pub mod xray_disabled;

use crate::rule::Rule;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &stage_logging_disabled::RULE,
    &deployment_stage_without_access_logs::RULE,
    &xray_disabled::RULE,
    &cache_disabled::RULE,
    &cache_unencrypted::RULE,
    &method_open_access::RULE,
    &without_authorizer::RULE,
    &domain_outdated_tls::RULE,
    &stage_no_client_certificate::RULE,
    &stage_without_waf::RULE,
    &not_private::RULE,
    &stage_without_usage_plan::RULE,
    &metrics_disabled::RULE,
    &data_trace_enabled::RULE,
    &rest_api_policy_wildcard::RULE,
    &v2_route_without_authorization::RULE,
];

#[cfg(test)]
mod tests {
    use crate::kit::testing::{run, run_cfn};

    /// Half-written blocks, wrong types and unresolved references do not panic.
    #[test]
    fn half_written_configurations_do_not_crash() {
        let text = r#"resource "%s" "a" {
  settings {}
  settings = 3
  access_log_settings = "x"
  default_route_settings = [1, { logging_level = 2 }]
  endpoint_configuration { types = "x" }
  api_stages {}
  policy = 3
  stage_name = var.stage
}
resource "%s" "b" {
"#;
        for rule in super::RULES {
            for ty in rule.matcher.terraform_types() {
                let _ = run(rule, &text.replace("%s", ty));
            }
            for ty in rule.matcher.cloudformation_types() {
                let yaml = format!("Resources:\n  A:\n    Type: {ty}\n    Properties:\n      MethodSettings: 3\n      StageDescription: [1]\n      DefaultRouteSettings: x\n      Policy: 1\n      ApiStages: {{}}\n  B:\n    Type: {ty}\n    Properties: 3\n  C:\n    Type: {ty}\n");
                let _ = run_cfn(rule, &yaml);
            }
        }
    }
}
