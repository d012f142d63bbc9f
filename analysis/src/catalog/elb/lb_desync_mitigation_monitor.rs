use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::kit::elb::cfn_lb_attribute;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "lb-desync-mitigation-monitor",
    title: "Load balancer only monitors HTTP desync attacks instead of blocking them",
    severity: Severity::Medium,
    row: Row::NetworkSecurity,
    service: "ELB",
    why: "In monitor mode, requests that can desynchronise the load balancer and the backend (HTTP request \
          smuggling) are forwarded, enabling cache poisoning and request hijacking.",
    aws_side: "ELB classifies and blocks ambiguous requests in `defensive` and `strictest` mode; the customer \
               chooses the mode.",
    equivalents: Equivalents { checkov: &["CKV_AWS_328"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_lb`, `aws_alb` and `aws_elb` whose `desync_mitigation_mode` is `monitor`; in \
               CloudFormation, `AWS::ElasticLoadBalancingV2::LoadBalancer` whose attribute \
               `routing.http.desync_mitigation_mode` is `monitor`.",
        fix: "Set `desync_mitigation_mode = \"defensive\"` (the default) or `\"strictest\"`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_lb", "aws_alb", "aws_elb"],
            check,
            example: r#"resource "aws_lb" "web" {
  name                   = "web"
  desync_mitigation_mode = "monitor"
}"#,
            fixed_example: r#"resource "aws_lb" "web" {
  name                   = "web"
  desync_mitigation_mode = "defensive"
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ElasticLoadBalancingV2::LoadBalancer"],
            check: check_cfn,
            example: r#"Resources:
  Web:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      LoadBalancerAttributes:
        - Key: routing.http.desync_mitigation_mode
          Value: monitor
"#,
            fixed_example: r#"Resources:
  Web:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      LoadBalancerAttributes:
        - Key: routing.http.desync_mitigation_mode
          Value: defensive
"#,
        }),
    },
};

const FIX: &str = "Block ambiguous requests (`defensive`)";
const MESSAGE: &str = "forwards requests that may smuggle others (`desync_mitigation_mode` is `monitor`)";

fn check(ctx: &mut TfContext) {
    for ty in ["aws_lb", "aws_alb", "aws_elb"] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let Some((attr, v)) = ctx.attr(res.block, "desync_mitigation_mode") else { continue };
            if v.as_str().is_some_and(|m| m.eq_ignore_ascii_case("monitor")) {
                let fix = Fix::new(FIX, vec![Edit { range: attr.expr.range, text: "\"defensive\"".into() }]);
                ctx.report_with_fix(res, attr.range, format!("`{}` {MESSAGE}", res.address()), fix);
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ElasticLoadBalancingV2::LoadBalancer").collect::<Vec<_>>() {
        let Some((node, v)) = cfn_lb_attribute(ctx, res, "routing.http.desync_mitigation_mode") else { continue };
        if v.as_str().is_some_and(|m| m.eq_ignore_ascii_case("monitor")) {
            let fix = Fix::new(FIX, vec![cfn_edit::replace_value(ctx.template, node, &json!("defensive"))]);
            ctx.report(res, node.range, format!("`{}` {MESSAGE}", res.logical_id)).fixes.push(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn monitor_mode() {
        let tf = "resource \"aws_elb\" \"a\" {\n  desync_mitigation_mode = \"monitor\"\n}\nresource \"aws_lb\" \"b\" {\n  desync_mitigation_mode = \"strictest\"\n}\nresource \"aws_lb\" \"c\" {\n}\n";
        assert_eq!(lines(&RULE, tf), [2]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let yaml = "Resources:\n  A:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      LoadBalancerAttributes:\n        - {Key: routing.http.desync_mitigation_mode, Value: monitor}\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
