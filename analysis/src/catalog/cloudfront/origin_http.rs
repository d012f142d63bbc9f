use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::kit::cloudfront::{self, is_s3_website_host};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "cloudfront-origin-http",
    title: "CloudFront connects to a custom origin over plain HTTP",
    severity: Severity::Medium,
    row: Row::NetworkSecurity,
    service: "CloudFront",
    why: "Traffic from the edge to the origin crosses the internet; over HTTP, cookies, tokens and response bodies \
          can be read or altered on the way, whatever the viewer side uses.",
    aws_side: "CloudFront uses the origin protocol the customer configures; the origin's certificate and listener \
               are the customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV2_AWS_72"],
        kics: &[],
        trivy: &[],
        how: "CKV2_AWS_72 flags every `match-viewer` origin and special-cases other domains; onus accepts \
              `match-viewer` when every viewer is forced to HTTPS and leaves S3 website endpoints (HTTP only) to \
              their own message.",
    },
    matcher: &Custom {
        what: "Flags custom origins of `aws_cloudfront_distribution` whose `origin_protocol_policy` is `http-only`, \
               or `match-viewer` while a cache behaviour allows viewers on HTTP (`allow-all`); in CloudFormation, \
               `CustomOriginConfig.OriginProtocolPolicy` likewise. S3 website endpoints, which only speak HTTP, \
               are reported with the advice to use the bucket's REST endpoint with origin access control.",
        fix: "Set `origin_protocol_policy = \"https-only\"` with a certificate on the origin.",
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
      origin_protocol_policy = "http-only"
      origin_ssl_protocols   = ["TLSv1.2"]
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
              OriginProtocolPolicy: http-only
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
"#,
        }),
    },
};

const FIX: &str = "Connect to the origin over HTTPS";

/// What is wrong with an origin's protocol policy, in words (`None`: nothing).
fn problem(policy: &str, domain: Option<&str>, viewers_on_http: bool) -> Option<String> {
    match policy.to_ascii_lowercase().as_str() {
        "http-only" if domain.is_some_and(is_s3_website_host) => Some(
            "connects to an S3 website endpoint, which only speaks HTTP: use the bucket's REST endpoint with origin \
             access control instead"
                .into(),
        ),
        "http-only" => Some("connects to its origin over plain HTTP (`http-only`)".into()),
        "match-viewer" if viewers_on_http => Some(
            "connects to its origin over HTTP for viewers on HTTP (`match-viewer` with an `allow-all` behaviour)"
                .into(),
        ),
        _ => None,
    }
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources(cloudfront::DISTRIBUTION).collect::<Vec<_>>() {
        let viewers_on_http = ["default_cache_behavior", "ordered_cache_behavior"].iter().any(|b| {
            ctx.nested(res.config(), b)
                .iter()
                .any(|c| ctx.field(*c, "viewer_protocol_policy").is_some_and(|(_, v)| v.as_str() == Some("allow-all")))
        });
        for origin in ctx.nested(res.config(), "origin") {
            let domain = ctx.field(origin, "domain_name").and_then(|(_, v)| v.as_str().map(str::to_string));
            for custom in ctx.nested(origin, "custom_origin_config") {
                let Some((field, v)) = ctx.field(custom, "origin_protocol_policy") else { continue };
                let Some(policy) = v.as_str() else { continue };
                let Some(problem) = problem(policy, domain.as_deref(), viewers_on_http) else { continue };
                let website = domain.as_deref().is_some_and(is_s3_website_host);
                let message = format!("`{}` {problem}", res.address());
                let finding = ctx.report(res, field.range, message);
                if !website {
                    finding
                        .fixes
                        .push(Fix::new(FIX, vec![Edit { range: field.expr.range, text: "\"https-only\"".into() }]));
                }
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources(cloudfront::CFN_DISTRIBUTION).collect::<Vec<_>>() {
        let viewers_on_http = cloudfront::cfn_behaviours(ctx, res)
            .iter()
            .any(|(b, _)| b.get("ViewerProtocolPolicy").is_some_and(|p| ctx.eval(p).as_str() == Some("allow-all")));
        for origin in cloudfront::cfn_origins(ctx, res) {
            let Some(entry) = origin.get("CustomOriginConfig").and_then(|c| c.entry("OriginProtocolPolicy")) else {
                continue;
            };
            let domain = origin.get("DomainName").and_then(|d| ctx.eval(d).as_str().map(str::to_string));
            let Some(policy) = ctx.eval(&entry.value).as_str().map(str::to_string) else { continue };
            let Some(problem) = problem(&policy, domain.as_deref(), viewers_on_http) else { continue };
            let website = domain.as_deref().is_some_and(is_s3_website_host);
            let fix = (!website).then(|| {
                Fix::new(FIX, vec![cfn_edit::replace_value(ctx.template, &entry.value, &json!("https-only"))])
            });
            let message = format!("`{}` {problem}", res.logical_id);
            ctx.report(res, entry.range, message).fixes.extend(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn http_origins() {
        let tf = r#"resource "aws_cloudfront_distribution" "a" {
  origin {
    domain_name = "example.com"
    custom_origin_config {
      origin_protocol_policy = "http-only"
    }
  }
  origin {
    domain_name = "site.s3-website-eu-west-1.amazonaws.com"
    custom_origin_config {
      origin_protocol_policy = "http-only"
    }
  }
  origin {
    domain_name = "api.example.com"
    custom_origin_config {
      origin_protocol_policy = "match-viewer"
    }
  }
  default_cache_behavior {
    viewer_protocol_policy = "redirect-to-https"
  }
}
resource "aws_cloudfront_distribution" "b" {
  origin {
    custom_origin_config {
      origin_protocol_policy = "match-viewer"
    }
  }
  ordered_cache_behavior {
    viewer_protocol_policy = "allow-all"
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [5, 11, 27]);
        assert_eq!(check_fixes(&RULE, tf), 2);
        let yaml = "Resources:\n  A:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        Origins:\n          - DomainName: x.example.com\n            CustomOriginConfig:\n              OriginProtocolPolicy: http-only\n          - DomainName: y.example.com\n            CustomOriginConfig:\n              OriginProtocolPolicy: !Ref P\n";
        assert_eq!(cfn_lines(&RULE, yaml), [9]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
