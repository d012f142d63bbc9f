use serde_json::json;

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::kit::setting::{cfn_lower, set_cfn_path};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "lb-outdated-tls-policy",
    title: "HTTPS/TLS listener accepts TLS versions older than 1.2",
    severity: Severity::High,
    row: Row::NetworkSecurity,
    service: "ELB",
    why: "TLS 1.0 and 1.1 are deprecated (RFC 8996): they rely on weak constructions (CBC with SHA-1, no AEAD) \
          and have known attacks such as BEAST and POODLE variants. PCI DSS forbids them for cardholder data. \
          A listener that accepts them lets a downgrade expose traffic.",
    aws_side: "AWS maintains the predefined security policies and keeps older ones available for old clients. \
               Choosing a policy that drops TLS below 1.2 is the customer's decision.",
    equivalents: Equivalents { checkov: &[], kics: &[], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_103"],
        kics: &[],
        trivy: &["AVD-AWS-0047", "aws-elb-use-secure-tls-policy"],
        how: "Checkov's CKV_AWS_103 also fails every plain HTTP listener and accepts `ELBSecurityPolicy-TLS13-1-1-*` \
              and `-TLS13-1-0-*`, which this rule flags. Trivy's AVD-AWS-0047 flags only a fixed list of policies, \
              so it passes an absent `ssl_policy` (the API default accepts TLS 1.0), and it fails the \
              `TLS13-1-2-Ext1`/`Ext2` policies this rule accepts.",
    },
    matcher: &Custom {
        what: "Flags `aws_lb_listener` / `aws_alb_listener` resources with protocol `HTTPS` or `TLS` whose \
               `ssl_policy` is absent (the API then applies `ELBSecurityPolicy-2016-08`, which accepts TLS 1.0) or \
               names a policy that still accepts TLS 1.0 or 1.1. In CloudFormation, \
               `AWS::ElasticLoadBalancingV2::Listener` with `Protocol: HTTPS` or `TLS` and the same `SslPolicy` \
               (CloudFormation's default is also `ELBSecurityPolicy-2016-08`).",
        fix: "Set `ssl_policy = \"ELBSecurityPolicy-TLS13-1-2-2021-06\"` (TLS 1.3 and 1.2), or another \
              `ELBSecurityPolicy-TLS13-1-2-*` / `-TLS-1-2-*` / `-FS-1-2-*` policy.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_lb_listener", "aws_alb_listener"],
            check,
            example: r#"resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = aws_acm_certificate.web.arn
  ssl_policy        = "ELBSecurityPolicy-2016-08"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}"#,
            fixed_example: r#"resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = aws_acm_certificate.web.arn
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &[CFN_LISTENER],
            check: check_cfn,
            example: r#"Resources:
  Https:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Web
      Port: 443
      Protocol: HTTPS
      SslPolicy: ELBSecurityPolicy-2016-08
"#,
            fixed_example: r#"Resources:
  Https:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Web
      Port: 443
      Protocol: HTTPS
      SslPolicy: ELBSecurityPolicy-TLS13-1-2-2021-06
"#,
        }),
    },
};

const CFN_LISTENER: &str = "AWS::ElasticLoadBalancingV2::Listener";

const SECURE_POLICY: &str = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/// Whether a predefined policy accepts nothing older than TLS 1.2.
fn modern(policy: &str) -> bool {
    [
        "ELBSecurityPolicy-TLS13-1-2-",
        "ELBSecurityPolicy-TLS13-1-3-",
        "ELBSecurityPolicy-TLS-1-2-",
        "ELBSecurityPolicy-FS-1-2-",
    ]
    .iter()
    .any(|p| policy.starts_with(p))
}

fn check(ctx: &mut TfContext) {
    let listeners: Vec<Resource> = ctx.resources("aws_lb_listener").chain(ctx.resources("aws_alb_listener")).collect();
    for res in listeners {
        let Some((_, protocol)) = ctx.attr(res.block, "protocol") else { continue };
        let Some(protocol) = protocol.as_str().map(str::to_ascii_uppercase) else { continue };
        if protocol != "HTTPS" && protocol != "TLS" {
            continue;
        }
        let file = ctx.file(res);
        let fix = Fix::new(
            "Use a TLS 1.2+ security policy",
            vec![edit::set_attribute(file, res.block, "ssl_policy", &format!("\"{SECURE_POLICY}\""))],
        );
        match ctx.attr(res.block, "ssl_policy") {
            None => {
                let message = format!(
                    "`{}` does not set `ssl_policy`, so it gets the API default ELBSecurityPolicy-2016-08, which accepts TLS 1.0 and 1.1",
                    res.address()
                );
                ctx.report_with_fix(res, res.block.header, message, fix);
            }
            Some((attr, v)) => {
                let Some(policy) = v.as_str() else { continue };
                if modern(policy) {
                    continue;
                }
                let message = format!("`{}` uses {policy}, which accepts TLS versions older than 1.2", res.address());
                ctx.report_with_fix(res, attr.range, message, fix);
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources(CFN_LISTENER).collect::<Vec<_>>() {
        let protocol = cfn_lower(ctx, res, "Protocol");
        if !matches!(protocol.as_str(), Some("https" | "tls")) {
            continue;
        }
        let secure = json!(SECURE_POLICY);
        match ctx.prop(res, "SslPolicy") {
            None | Some((_, Value::Null)) => {
                let edit = set_cfn_path(ctx.template, res, "SslPolicy", &secure);
                let range = ctx.header(res);
                let message = format!(
                    "`{}` does not set `SslPolicy`, so it gets the default ELBSecurityPolicy-2016-08, which accepts TLS 1.0 and 1.1",
                    res.logical_id
                );
                ctx.report(res, range, message).fixes.push(Fix::new("Use a TLS 1.2+ security policy", vec![edit]));
            }
            Some((node, Value::String(policy))) if !modern(&policy) => {
                let range = ctx.prop_range(res, "SslPolicy").unwrap_or(node.range);
                let edit = cfn_edit::replace_value(ctx.template, node, &secure);
                let message = format!("`{}` uses {policy}, which accepts TLS versions older than 1.2", res.logical_id);
                ctx.report(res, range, message).fixes.push(Fix::new("Use a TLS 1.2+ security policy", vec![edit]));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_absent_and_old_policies() {
        let text = r#"resource "aws_lb_listener" "a" {
  protocol = "HTTPS"
}
resource "aws_alb_listener" "b" {
  protocol   = "TLS"
  ssl_policy = "ELBSecurityPolicy-TLS-1-1-2017-01"
}
"#;
        assert_eq!(lines(&RULE, text), vec![1, 6]);
        assert_eq!(check_fixes(&RULE, text), 2);
    }

    #[test]
    fn ignores_modern_policies_http_and_unknowns() {
        let text = r#"resource "aws_lb_listener" "a" {
  protocol   = "HTTPS"
  ssl_policy = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"
}
resource "aws_lb_listener" "b" {
  protocol   = "HTTPS"
  ssl_policy = "ELBSecurityPolicy-FS-1-2-Res-2020-10"
}
resource "aws_lb_listener" "c" {
  protocol = "HTTP"
}
resource "aws_lb_listener" "d" {
  protocol   = "HTTPS"
  ssl_policy = var.policy
}
resource "aws_lb_listener" "e" {
  protocol = var.protocol
}
"#;
        assert!(lines(&RULE, text).is_empty());
    }

    #[test]
    fn cloudformation_listeners() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Parameters:
  Policy:
    Type: String
Resources:
  Absent:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      Protocol: HTTPS
  Old:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      Protocol: TLS
      SslPolicy: ELBSecurityPolicy-TLS-1-1-2017-01
  Modern:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      Protocol: HTTPS
      SslPolicy: ELBSecurityPolicy-TLS13-1-2-2021-06
  Plain:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      Protocol: HTTP
  Unknown:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      Protocol: HTTPS
      SslPolicy: !Ref Policy
";
        assert_eq!(cfn_lines(&RULE, yaml), [5, 13]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
