use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::kit::cloudfront;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "cloudfront-origin-outdated-tls",
    title: "CloudFront may connect to its origin with SSLv3, TLS 1.0 or TLS 1.1",
    severity: Severity::Medium,
    row: Row::NetworkSecurity,
    service: "CloudFront",
    why: "Allowing old protocols lets a misconfigured or attacker-influenced origin negotiate TLS 1.0 or SSLv3, \
          whose weaknesses are well known.",
    aws_side: "CloudFront negotiates the highest protocol both sides allow within the customer's list.",
    equivalents: Equivalents::NONE,
    related: Related { checkov: &["CKV2_AWS_54"], kics: &[], trivy: &[], how: "CKV2_AWS_54 flags SSLv3 only." },
    matcher: &Custom {
        what: "Flags custom origins of `aws_cloudfront_distribution` (not `http-only`) whose `origin_ssl_protocols` \
               include `SSLv3`, `TLSv1` or `TLSv1.1`; in CloudFormation, `CustomOriginConfig.OriginSSLProtocols` \
               likewise.",
        fix: "Set `origin_ssl_protocols = [\"TLSv1.2\"]` (the origin must accept TLS 1.2).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_cloudfront_distribution"],
            check,
            example: r#"resource "aws_cloudfront_distribution" "site" {
  enabled = true

  origin {
    domain_name = aws_lb.web.dns_name
    origin_id   = "web"

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1", "TLSv1.1", "TLSv1.2"]
    }
  }
}"#,
            fixed_example: r#"resource "aws_cloudfront_distribution" "site" {
  enabled = true

  origin {
    domain_name = aws_lb.web.dns_name
    origin_id   = "web"

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::CloudFront::Distribution"],
            check: check_cfn,
            example: r#"Resources:
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        Origins:
          - Id: web
            DomainName: !GetAtt Web.DNSName
            CustomOriginConfig:
              OriginProtocolPolicy: https-only
              OriginSSLProtocols: [TLSv1, TLSv1.2]
"#,
            fixed_example: r#"Resources:
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        Origins:
          - Id: web
            DomainName: !GetAtt Web.DNSName
            CustomOriginConfig:
              OriginProtocolPolicy: https-only
              OriginSSLProtocols: [TLSv1.2]
"#,
        }),
    },
};

const OLD: [&str; 3] = ["SSLv3", "TLSv1", "TLSv1.1"];
const FIX: &str = "Allow TLS 1.2 only";

/// The old protocols a list allows.
fn old_protocols(v: &Value) -> Vec<String> {
    v.as_list()
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_str)
        .filter(|p| OLD.iter().any(|o| o.eq_ignore_ascii_case(p)))
        .map(str::to_string)
        .collect()
}

fn http_only(v: Option<Value>) -> bool {
    v.is_some_and(|v| v.as_str().is_some_and(|p| p.eq_ignore_ascii_case("http-only")))
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources(cloudfront::DISTRIBUTION).collect::<Vec<_>>() {
        for origin in ctx.nested(res.config(), "origin") {
            for custom in ctx.nested(origin, "custom_origin_config") {
                if http_only(ctx.field(custom, "origin_protocol_policy").map(|(_, v)| v)) {
                    continue;
                }
                let Some((field, v)) = ctx.field(custom, "origin_ssl_protocols") else { continue };
                let old = old_protocols(&v);
                if old.is_empty() {
                    continue;
                }
                let fix = Fix::new(FIX, vec![Edit { range: field.expr.range, text: "[\"TLSv1.2\"]".into() }]);
                let message =
                    format!("`{}` lets CloudFront connect to its origin with {}", res.address(), old.join(", "));
                ctx.report_with_fix(res, field.range, message, fix);
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources(cloudfront::CFN_DISTRIBUTION).collect::<Vec<_>>() {
        for origin in cloudfront::cfn_origins(ctx, res) {
            let Some(custom) = origin.get("CustomOriginConfig") else { continue };
            if http_only(custom.get("OriginProtocolPolicy").map(|p| ctx.eval(p))) {
                continue;
            }
            let Some(entry) = custom.entry("OriginSSLProtocols") else { continue };
            let old = old_protocols(&ctx.eval(&entry.value));
            if old.is_empty() {
                continue;
            }
            let fix = Fix::new(FIX, vec![cfn_edit::replace_value(ctx.template, &entry.value, &json!(["TLSv1.2"]))]);
            let message = format!("`{}` lets CloudFront connect to its origin with {}", res.logical_id, old.join(", "));
            ctx.report(res, entry.range, message).fixes.push(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn old_origin_protocols() {
        let tf = "resource \"aws_cloudfront_distribution\" \"a\" {\n  origin {\n    custom_origin_config {\n      origin_protocol_policy = \"https-only\"\n      origin_ssl_protocols   = [\"SSLv3\", \"TLSv1.2\"]\n    }\n  }\n  origin {\n    custom_origin_config {\n      origin_protocol_policy = \"http-only\"\n      origin_ssl_protocols   = [\"TLSv1\"]\n    }\n  }\n  origin {\n    custom_origin_config {\n      origin_ssl_protocols = var.protocols\n    }\n  }\n}\n";
        assert_eq!(lines(&RULE, tf), [5]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let yaml = "Resources:\n  A:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        Origins:\n          - CustomOriginConfig:\n              OriginSSLProtocols:\n                - TLSv1.1\n                - TLSv1.2\n";
        assert_eq!(cfn_lines(&RULE, yaml), [8]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
