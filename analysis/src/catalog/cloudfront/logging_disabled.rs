use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;

pub static RULE: Rule = Rule {
    id: "cloudfront-logging-disabled",
    title: "CloudFront distribution does not log requests",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "CloudFront",
    why: "Viewer request logs are the record of who fetched what from the edge: client IPs, URIs, status codes, \
          TLS versions. Without them, abuse, scraping, credential stuffing against the origin or data \
          exfiltration through the CDN cannot be investigated, and audits cannot show request logging.",
    aws_side: "AWS can deliver a log line for every viewer request, to S3 or CloudWatch, but delivers none until \
               the customer configures logging. Enabling, retaining and reviewing the logs is the customer's \
               duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_86"],
        kics: &["94690d79-b3b0-43de-b656-84ebef5753e5", "de77cd9f-0e8b-46cc-b4a4-b6b436838642"],
        trivy: &["AVD-AWS-0010", "aws-cloudfront-enable-logging"],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_cloudfront_distribution` resources without a `logging_config` block (standard logging to \
               S3) and without a CloudWatch log delivery source (`aws_cloudwatch_log_delivery_source`) for the \
               distribution.",
        fix: "Add `logging_config { bucket = <bucket>.bucket_domain_name  prefix = \"cloudfront/\" }` (the bucket \
              needs ACLs enabled for CloudFront's log delivery), or set up CloudWatch log delivery.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_cloudfront_distribution"],
            check,
            example: r#"resource "aws_cloudfront_distribution" "site" {
  enabled = true
}"#,
            fixed_example: r#"resource "aws_cloudfront_distribution" "site" {
  enabled = true

  logging_config {
    bucket = aws_s3_bucket.logs.bucket_domain_name
    prefix = "cloudfront/"
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
"#,
            fixed_example: r#"Resources:
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        Logging:
          Bucket: my-logs.s3.amazonaws.com
          Prefix: cloudfront/
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::CloudFront::Distribution").collect::<Vec<_>>() {
        let Some((config, _)) = ctx.prop(res, "DistributionConfig") else { continue };
        if config.intrinsic().is_some() || config.entries().is_empty() {
            continue;
        }
        if let Some(logging) = config.get("Logging") {
            check_cfn_bucket(ctx, res, logging);
            continue;
        }
        let logging = serde_json::json!({"Bucket": "TODO-your-log-bucket.s3.amazonaws.com", "Prefix": "cloudfront/"});
        let edit = cfn_edit::set_key(ctx.template, config, "Logging", &logging);
        let fix = Fix::unsafe_("Log viewer requests to S3 (choose the bucket)", vec![edit]);
        let range = ctx.prop_range(res, "DistributionConfig").unwrap_or(config.range);
        let message = format!("`{}` has no `Logging`, so viewer requests are not logged", res.logical_id);
        ctx.report(res, range, message).fixes.push(fix);
    }
}

/// CloudFront delivers logs only to an S3 bucket named by its domain (`bucket.s3.amazonaws.com`).
fn check_cfn_bucket(
    ctx: &mut CfnContext,
    res: crate::cloudformation::CfnResource,
    logging: &crate::cloudformation::tree::Node,
) {
    let Some(entry) = logging.entry("Bucket") else { return };
    let Some(bucket) = ctx.eval(&entry.value).as_str().map(str::to_string) else { return };
    let host = bucket.trim_end_matches('.');
    let s3 = host.contains(".s3.") || host.contains(".s3-");
    if s3 && (host.ends_with(".amazonaws.com") || host.ends_with(".amazonaws.com.cn")) {
        return;
    }
    let name = host.trim_end_matches(".amazonaws.com");
    let edit =
        cfn_edit::replace_value(ctx.template, &entry.value, &serde_json::json!(format!("{name}.s3.amazonaws.com")));
    let fix = Fix::unsafe_("Name the bucket by its S3 domain (review the name)", vec![edit]);
    let message = format!(
        "`{}` logs to `{bucket}`, which is not an S3 bucket domain (`bucket.s3.amazonaws.com`): no log is delivered",
        res.logical_id
    );
    ctx.report(res, entry.range, message).fixes.push(fix);
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_cloudfront_distribution").collect::<Vec<Resource>>() {
        if ctx.block_of(res.block, "logging_config").is_some() {
            continue;
        }
        if !ctx.companions(res, "aws_cloudwatch_log_delivery_source", "resource_arn", &[]).is_empty() {
            continue;
        }
        let file = ctx.file(res);
        let fix = Fix::unsafe_(
            "Log viewer requests to S3 (choose the bucket)",
            vec![edit::insert_in_block(
                file,
                res.block,
                "logging_config {\n  bucket = aws_s3_bucket.logs.bucket_domain_name # TODO: your log bucket\n  prefix = \"cloudfront/\"\n}",
            )],
        );
        let message = format!("`{}` has no `logging_config`, so viewer requests are not logged", res.address());
        ctx.report_with_fix(res, res.block.header, message, fix);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_distributions_without_logging() {
        let text = r#"resource "aws_cloudfront_distribution" "a" {
  enabled = true
}
resource "aws_cloudfront_distribution" "b" {
  logging_config {
    bucket = "logs.s3.amazonaws.com"
  }
}
resource "aws_cloudfront_distribution" "c" {
  enabled = true
}
resource "aws_cloudwatch_log_delivery_source" "c" {
  log_type     = "ACCESS_LOGS"
  resource_arn = aws_cloudfront_distribution.c.arn
}
"#;
        assert_eq!(lines(&RULE, text), vec![1]);
        assert_eq!(check_fixes(&RULE, text), 1);
    }

    #[test]
    fn cloudformation_logging() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        Enabled: true\n  B:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        Logging: {Bucket: b.s3.amazonaws.com}\n  C:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        Logging:\n          Bucket: mylogs.amazonaws.com\n  D:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        Logging: {Bucket: !GetAtt Logs.DomainName}\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5, 17]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
