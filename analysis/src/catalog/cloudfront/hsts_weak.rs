use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::{Node, NodeKind};
use crate::fix::{Edit, Fix};
use crate::kit::setting::set_cfn_path;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::terraform::view::Config;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "cloudfront-hsts-weak",
    title: "CloudFront response headers policy does not enforce a strong HSTS header",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "CloudFront",
    why: "Without a long-lived HSTS header a user's first plain-HTTP request can be intercepted and downgraded \
          (SSL stripping), for the site and its subdomains.",
    aws_side: "CloudFront adds the header exactly as the policy says.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_259"],
        kics: &[],
        trivy: &[],
        how: "CKV_AWS_259 also demands `preload`, which onus does not: submitting a domain to the preload list is \
              hard to undo.",
    },
    matcher: &Custom {
        what: "Flags `aws_cloudfront_response_headers_policy` without `security_headers_config.strict_transport_security`, \
               or whose `access_control_max_age_sec` is below one year (31536000), or without \
               `include_subdomains = true` or `override = true`; in CloudFormation, \
               `AWS::CloudFront::ResponseHeadersPolicy` `SecurityHeadersConfig.StrictTransportSecurity` likewise.",
        fix: "Set `strict_transport_security { access_control_max_age_sec = 31536000, include_subdomains = true, \
              override = true }` in `security_headers_config`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_cloudfront_response_headers_policy"],
            check,
            example: r#"resource "aws_cloudfront_response_headers_policy" "security" {
  name = "security"

  security_headers_config {
    strict_transport_security {
      access_control_max_age_sec = 3600
      include_subdomains         = true
      override                   = true
    }
  }
}"#,
            fixed_example: r#"resource "aws_cloudfront_response_headers_policy" "security" {
  name = "security"

  security_headers_config {
    strict_transport_security {
      access_control_max_age_sec = 31536000
      include_subdomains         = true
      override                   = true
    }
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::CloudFront::ResponseHeadersPolicy"],
            check: check_cfn,
            example: r#"Resources:
  Security:
    Type: AWS::CloudFront::ResponseHeadersPolicy
    Properties:
      ResponseHeadersPolicyConfig:
        Name: security
        SecurityHeadersConfig:
          StrictTransportSecurity:
            AccessControlMaxAgeSec: 3600
            IncludeSubdomains: true
            Override: true
"#,
            fixed_example: r#"Resources:
  Security:
    Type: AWS::CloudFront::ResponseHeadersPolicy
    Properties:
      ResponseHeadersPolicyConfig:
        Name: security
        SecurityHeadersConfig:
          StrictTransportSecurity:
            AccessControlMaxAgeSec: 31536000
            IncludeSubdomains: true
            Override: true
"#,
        }),
    },
};

const YEAR: f64 = 31_536_000.0;
const FIX: &str = "Send a one-year HSTS header for the domain and its subdomains";
const HSTS_TF: &str = "strict_transport_security {\n  access_control_max_age_sec = 31536000\n  include_subdomains         = true\n  override                   = true\n}";

/// A setting of the HSTS configuration: its name, what it must be, and what the fix writes.
const SETTINGS: [(&str, &str, &str); 3] = [
    ("access_control_max_age_sec", "AccessControlMaxAgeSec", "31536000"),
    ("include_subdomains", "IncludeSubdomains", "true"),
    ("override", "Override", "true"),
];

/// Whether a value of a setting is weak (`None`: unknown or absent).
fn weak(name: &str, v: &Value) -> Option<bool> {
    if name.contains("max_age") || name.contains("MaxAge") {
        v.as_f64().map(|n| n < YEAR)
    } else {
        v.as_bool().map(|b| !b)
    }
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_cloudfront_response_headers_policy").collect::<Vec<_>>() {
        let file = ctx.file(res);
        let address = res.address();
        let security = ctx.nested(res.config(), "security_headers_config");
        if security.is_empty() {
            let text = format!(
                "security_headers_config {{\n{}\n}}",
                HSTS_TF.lines().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
            );
            let fix = Fix::new(FIX, vec![edit::insert_in_block(file, res.block, &text)]);
            let message = format!("`{address}` has no `security_headers_config`, so it sends no HSTS header");
            ctx.report_with_fix(res, res.block.header, message, fix);
        }
        for config in security {
            let hsts = ctx.nested(config, "strict_transport_security");
            if hsts.is_empty() {
                let fix = config.block().map(|b| Fix::new(FIX, vec![edit::insert_in_block(file, b, HSTS_TF)]));
                let message = format!("`{address}` has no `strict_transport_security`, so it sends no HSTS header");
                ctx.report(res, config.header(), message).fixes.extend(fix);
            }
            for h in hsts {
                check_hsts(ctx, res, h);
            }
        }
    }
}

fn check_hsts(ctx: &mut TfContext, res: crate::terraform::check::Resource, h: Config) {
    let file = ctx.file(res);
    for (name, _, secure) in SETTINGS {
        match ctx.field(h, name) {
            None => {
                let fix = h
                    .block()
                    .map(|b| Fix::new(FIX, vec![edit::insert_in_block(file, b, &format!("{name} = {secure}"))]));
                let message = format!(
                    "`{}` does not set `strict_transport_security.{name}`: the HSTS header is weak",
                    res.address()
                );
                ctx.report(res, h.header(), message).fixes.extend(fix);
            }
            Some((field, v)) if weak(name, &v) == Some(true) => {
                let fix = Fix::new(FIX, vec![Edit { range: field.expr.range, text: secure.into() }]);
                let message = format!("`{}` sets a weak `strict_transport_security.{name}`", res.address());
                ctx.report_with_fix(res, field.range, message, fix);
            }
            _ => {}
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::CloudFront::ResponseHeadersPolicy").collect::<Vec<_>>() {
        let id = res.logical_id;
        let path = "ResponseHeadersPolicyConfig.SecurityHeadersConfig.StrictTransportSecurity";
        let Some((hsts, _)) = ctx.prop(res, path) else {
            if ctx.prop(res, "ResponseHeadersPolicyConfig").is_some_and(|(n, _)| n.intrinsic().is_some()) {
                continue;
            }
            let value = json!({"AccessControlMaxAgeSec": 31536000, "IncludeSubdomains": true, "Override": true});
            let fix = Fix::new(FIX, vec![set_cfn_path(ctx.template, res, path, &value)]);
            let range = ctx.header(res);
            ctx.report(res, range, format!("`{id}` has no `StrictTransportSecurity`, so it sends no HSTS header"))
                .fixes
                .push(fix);
            continue;
        };
        if hsts.intrinsic().is_some() || !matches!(hsts.kind, NodeKind::Map(_)) {
            continue;
        }
        check_cfn_hsts(ctx, res, hsts);
    }
}

fn check_cfn_hsts(ctx: &mut CfnContext, res: crate::cloudformation::CfnResource, hsts: &Node) {
    for (_, name, secure) in SETTINGS {
        let value: serde_json::Value = serde_json::from_str(secure).expect("a JSON literal");
        match hsts.entry(name) {
            None => {
                let fix = Fix::new(FIX, vec![cfn_edit::set_key(ctx.template, hsts, name, &value)]);
                let message = format!(
                    "`{}` does not set `StrictTransportSecurity.{name}`: the HSTS header is weak",
                    res.logical_id
                );
                ctx.report(res, hsts.range, message).fixes.push(fix);
            }
            Some(e) if weak(name, &ctx.eval(&e.value)) == Some(true) => {
                let fix = Fix::new(FIX, vec![cfn_edit::replace_value(ctx.template, &e.value, &value)]);
                let message = format!("`{}` sets a weak `StrictTransportSecurity.{name}`", res.logical_id);
                ctx.report(res, e.range, message).fixes.push(fix);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn weak_or_missing_hsts() {
        let tf = r#"resource "aws_cloudfront_response_headers_policy" "cors" {
  cors_config {
    access_control_allow_credentials = false
  }
}
resource "aws_cloudfront_response_headers_policy" "partial" {
  security_headers_config {
    strict_transport_security {
      access_control_max_age_sec = 63072000
      override                   = false
    }
  }
}
resource "aws_cloudfront_response_headers_policy" "no_hsts" {
  security_headers_config {
    frame_options {
      frame_option = "DENY"
      override     = true
    }
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 8, 10, 15]);
        assert_eq!(check_fixes(&RULE, tf), 4);
        let yaml = "Resources:\n  A:\n    Type: AWS::CloudFront::ResponseHeadersPolicy\n    Properties:\n      ResponseHeadersPolicyConfig:\n        Name: a\n  B:\n    Type: AWS::CloudFront::ResponseHeadersPolicy\n    Properties:\n      ResponseHeadersPolicyConfig:\n        SecurityHeadersConfig:\n          StrictTransportSecurity:\n            AccessControlMaxAgeSec: '600'\n            IncludeSubdomains: true\n            Override: !Ref O\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 13]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
