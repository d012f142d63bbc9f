use crate::cloudformation::check::CfnContext;
use crate::kit::s3;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "s3-static-website-enabled",
    title: "S3 bucket is configured as a static website (plain-HTTP public endpoint)",
    severity: Severity::Medium,
    row: Row::DataSharing,
    service: "S3",
    why: "S3 website endpoints speak only HTTP and serve objects that must be publicly readable: whatever is in the \
          bucket is world-readable without TLS, with no WAF or request logging in front. A redirect-only \
          configuration still exposes the HTTP endpoint.",
    aws_side: "S3 serves website endpoints as configured; putting CloudFront in front, with HTTPS and an origin \
               access control, is the customer's choice.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["42bb6b7f-6d54-4428-b707-666f669d94fb", "90501b1b-cded-4cc1-9e8b-206b85cda317"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags buckets configured as websites: the legacy `website` block of `aws_s3_bucket`, the s3-bucket \
               module's `website` input, an `aws_s3_bucket_website_configuration` naming the bucket (reported on \
               the configuration when its bucket is not in the module), `WebsiteConfiguration` in CloudFormation.",
        fix: "Serve the content through CloudFront with an origin access control on a private bucket, and remove \
              the website configuration.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_s3_bucket", "aws_s3_bucket_website_configuration"],
            check,
            example: r#"resource "aws_s3_bucket_website_configuration" "site" {
  bucket = aws_s3_bucket.site.id
  index_document {
    suffix = "index.html"
  }
}"#,
            fixed_example: r#"resource "aws_cloudfront_origin_access_control" "site" {
  name                              = "site"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::S3::Bucket"],
            check: check_cfn,
            example: r#"Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      WebsiteConfiguration:
        IndexDocument: index.html
"#,
            fixed_example: r#"Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        BlockPublicPolicy: true
        IgnorePublicAcls: true
        RestrictPublicBuckets: true
"#,
        }),
    },
};

const WHAT: &str = "is a static website: its endpoint serves the bucket's objects publicly over plain HTTP";

fn check(ctx: &mut TfContext) {
    // A website configuration of a bucket of the module is reported on the bucket.
    for res in ctx.resources("aws_s3_bucket_website_configuration").collect::<Vec<_>>() {
        if crate::kit::companions::created(ctx, res) != Some(true) {
            continue;
        }
        let id = res.block.attr("bucket").and_then(|a| s3::bucket_id(ctx, &a.expr));
        if id.is_some_and(|id| !ctx.at_address(&id).is_empty()) {
            continue;
        }
        let message = format!(
            "`{}` makes a bucket a static website: its endpoint serves the objects publicly over plain HTTP",
            res.address()
        );
        ctx.report(res, res.block.header, message);
    }
    for bucket in s3::buckets(ctx) {
        let configs = ctx.nested(bucket.config(), "website");
        let empty = |c: &crate::terraform::view::Config| {
            matches!(c, crate::terraform::view::Config::Object(e)
                if matches!(&e.kind, crate::terraform::model::ExprKind::Object(elems) if elems.is_empty()))
        };
        if let Some(config) = configs.iter().find(|c| !empty(c)) {
            ctx.report(bucket, config.header(), format!("`{}` {WHAT}", bucket.address()));
            continue;
        }
        if !bucket.is_module() {
            let configs = s3::companions(ctx, bucket, "aws_s3_bucket_website_configuration");
            if let Some(config) = configs.iter().find(|c| crate::kit::companions::created(ctx, **c) == Some(true)) {
                let message = format!("`{}` {WHAT} (`{}`)", bucket.address(), config.address());
                ctx.report(bucket, bucket.block.header, message);
                continue;
            }
        }
        // `website = local.site`: a map with settings, or unknown.
        if !configs.is_empty() {
            continue;
        }
        if let Some((attr, value)) = ctx.attr(bucket.block, "website") {
            if matches!(&value, Value::Map(m) if !m.is_empty()) {
                ctx.report(bucket, attr.range, format!("`{}` {WHAT}", bucket.address()));
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for bucket in ctx.resources("AWS::S3::Bucket").collect::<Vec<_>>() {
        let Some((node, value)) = ctx.prop(bucket, "WebsiteConfiguration") else { continue };
        if value == Value::Null {
            continue;
        }
        let range = ctx.prop_range(bucket, "WebsiteConfiguration").unwrap_or(node.range);
        ctx.report(bucket, range, format!("`{}` {WHAT}", bucket.logical_id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_website_configurations() {
        let tf = r#"resource "aws_s3_bucket" "legacy" {
  bucket = "s3-website-test.hashicorp.com"
  website {
    index_document = "index.html"
  }
}
module "s3_bucket" {
  source = "terraform-aws-modules/s3-bucket/aws"
  website = {
    index_document = "index.html"
  }
}
module "plain" {
  source = "terraform-aws-modules/s3-bucket/aws"
  website = {}
}
resource "aws_s3_bucket_website_configuration" "example" {
  bucket = aws_s3_bucket.legacy.bucket
  redirect_all_requests_to {
    host_name = "example.com"
  }
}
resource "aws_s3_bucket" "private" {
  bucket = "private"
}
module "unknown" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  website = var.website
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 9]);
        let elsewhere = "resource \"aws_s3_bucket_website_configuration\" \"w\" {\n  bucket = \"not-here\"\n}\n";
        assert_eq!(lines(&RULE, elsewhere), [1]);
        // KICS reports the bucket of a website configuration.
        let (example, _) = crate::kit::testing::tf_example(&RULE);
        let with_bucket = format!("resource \"aws_s3_bucket\" \"site\" {{\n  bucket = \"site\"\n}}\n{example}");
        assert_eq!(lines(&RULE, &with_bucket), [1]);
    }

    #[test]
    fn cloudformation_websites() {
        let (example, fixed) = crate::kit::testing::cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &example), [5]);
        assert!(cfn_lines(&RULE, &fixed).is_empty());
    }
}
