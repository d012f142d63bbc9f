use crate::cloudformation::check::CfnContext;
use crate::kit::s3;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "s3-cors-allows-any-origin",
    title: "S3 bucket CORS rule allows any origin, any header or every method",
    severity: Severity::Medium,
    row: Row::DataSharing,
    service: "S3",
    why: "A wildcard CORS rule lets scripts on any website call the bucket from a visitor's browser: reading \
          presigned or authenticated content into an attacker's page, or writing to the bucket when PUT and DELETE \
          are allowed.",
    aws_side: "S3 answers preflight requests exactly as the CORS rules say; the rules are the customer's.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["98a8f708-121b-455b-ae2f-da3fb59d17e1", "3609d27c-3698-483a-9402-13af6ae80583"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags CORS rules (legacy `cors_rule` of `aws_s3_bucket`, `aws_s3_bucket_cors_configuration`, the \
               s3-bucket module's `cors_rule` input, `CorsConfiguration.CorsRules`) whose allowed origins include \
               `*` (or a bare scheme with `*`, `https://*`), whose allowed headers include `*`, or whose allowed \
               methods are all of GET, PUT, POST, DELETE and HEAD. Subdomain wildcards (`https://*.example.com`) \
               are fine.",
        fix: "List the origins that need the bucket (`https://app.example.com`), the headers they send and the \
              methods they use.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_s3_bucket", "aws_s3_bucket_cors_configuration"],
            check,
            example: r#"resource "aws_s3_bucket_cors_configuration" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  cors_rule {
    allowed_methods = ["PUT", "POST"]
    allowed_origins = ["*"]
  }
}"#,
            fixed_example: r#"resource "aws_s3_bucket_cors_configuration" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  cors_rule {
    allowed_methods = ["PUT", "POST"]
    allowed_origins = ["https://app.example.com"]
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::S3::Bucket"],
            check: check_cfn,
            example: r#"Resources:
  Uploads:
    Type: AWS::S3::Bucket
    Properties:
      CorsConfiguration:
        CorsRules:
          - AllowedMethods: [PUT, POST]
            AllowedOrigins: ['*']
"#,
            fixed_example: r#"Resources:
  Uploads:
    Type: AWS::S3::Bucket
    Properties:
      CorsConfiguration:
        CorsRules:
          - AllowedMethods: [PUT, POST]
            AllowedOrigins: ['https://app.example.com']
"#,
        }),
    },
};

fn strings(v: Option<Value>) -> Vec<String> {
    v.map(|v| v.one_or_many().into_iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

/// What makes a rule open: `None` when nothing does.
fn openness(origins: &[String], headers: &[String], methods: &[String]) -> Option<String> {
    let any_origin = origins.iter().any(|o| {
        let o = o.trim();
        o == "*" || o.strip_suffix("://*").is_some_and(|scheme| scheme.chars().all(|c| c.is_ascii_alphabetic()))
    });
    if any_origin {
        return Some("allows any origin".into());
    }
    if headers.iter().any(|h| h.trim() == "*") {
        return Some("allows any request header".into());
    }
    let all = ["GET", "PUT", "POST", "DELETE", "HEAD"];
    if all.iter().all(|m| methods.iter().any(|x| x.eq_ignore_ascii_case(m))) {
        return Some("allows every method (GET, PUT, POST, DELETE, HEAD)".into());
    }
    None
}

fn check(ctx: &mut TfContext) {
    let mut subjects: Vec<_> = s3::buckets(ctx);
    subjects.extend(ctx.resources("aws_s3_bucket_cors_configuration"));
    for res in subjects {
        for rule in ctx.nested(res.config(), "cors_rule") {
            let get = |name: &str| ctx.field(rule, name).map(|(_, v)| v);
            let Some(what) = openness(
                &strings(get("allowed_origins")),
                &strings(get("allowed_headers")),
                &strings(get("allowed_methods")),
            ) else {
                continue;
            };
            let message =
                format!("`{}` has a CORS rule that {what}: any website can script requests to it", res.address());
            ctx.report(res, rule.header(), message);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for bucket in ctx.resources("AWS::S3::Bucket").collect::<Vec<_>>() {
        let Some((rules, _)) = ctx.prop(bucket, "CorsConfiguration.CorsRules") else { continue };
        for rule in rules.items() {
            let get = |name: &str| rule.get(name).map(|n| ctx.eval(n));
            let Some(what) = openness(
                &strings(get("AllowedOrigins")),
                &strings(get("AllowedHeaders")),
                &strings(get("AllowedMethods")),
            ) else {
                continue;
            };
            let message =
                format!("`{}` has a CORS rule that {what}: any website can script requests to it", bucket.logical_id);
            ctx.report(bucket, rule.range, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_wildcard_cors_rules() {
        let tf = r#"resource "aws_s3_bucket" "headers" {
  cors_rule {
    allowed_headers = ["*"]
    allowed_methods = ["PUT", "POST"]
    allowed_origins = ["https://s3-website-test.hashicorp.com"]
  }
}
module "all_methods" {
  source = "terraform-aws-modules/s3-bucket/aws"
  cors_rule = [{
    allowed_methods = ["GET", "PUT", "POST", "DELETE", "HEAD"]
    allowed_origins = ["https://app.example.com"]
  }]
}
resource "aws_s3_bucket_cors_configuration" "origin" {
  bucket = "b"
  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = ["https://*"]
  }
  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = ["https://*.example.com"]
  }
  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = var.origins
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 10, 17]);
    }

    #[test]
    fn cloudformation_cors_rules() {
        let yaml = r#"Resources:
  S3Bucket:
    Type: AWS::S3::Bucket
    Properties:
      CorsConfiguration:
        CorsRules:
          - AllowedHeaders: ['*']
            AllowedMethods: [GET]
            AllowedOrigins: ['*']
          - AllowedMethods: [DELETE]
            AllowedOrigins: ['http://www.example.com', 'http://www.example.net']
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [7]);
    }
}
