use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rules::{Equivalents, Rule, Severity};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;

pub static RULE: Rule = Rule {
    id: "cloudfront-logging-disabled",
    title: "CloudFront distribution does not log requests",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "CloudFront",
    what: "Flags `aws_cloudfront_distribution` resources without a `logging_config` block (standard logging to \
           S3) and without a CloudWatch log delivery source (`aws_cloudwatch_log_delivery_source`) for the \
           distribution.",
    why: "Viewer request logs are the record of who fetched what from the edge: client IPs, URIs, status codes, \
          TLS versions. Without them, abuse, scraping, credential stuffing against the origin or data \
          exfiltration through the CDN cannot be investigated, and audits cannot show request logging.",
    aws_side: "AWS can deliver a log line for every viewer request, to S3 or CloudWatch, but delivers none until \
               the customer configures logging. Enabling, retaining and reviewing the logs is the customer's \
               duty.",
    fix: "Add `logging_config { bucket = <bucket>.bucket_domain_name  prefix = \"cloudfront/\" }` (the bucket \
          needs ACLs enabled for CloudFront's log delivery), or set up CloudWatch log delivery.",
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
    equivalents: Equivalents {
        checkov: &["CKV_AWS_86"],
        kics: &["94690d79-b3b0-43de-b656-84ebef5753e5"],
        trivy: &["AVD-AWS-0010", "aws-cloudfront-enable-logging"],
    },
    resource_types: &["aws_cloudfront_distribution"],
    terraform: Some(check),
    cloudformation: None,
    has_fix: true,
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_cloudfront_distribution").collect::<Vec<Resource>>() {
        if res.block.block("logging_config").is_some() {
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
    use crate::rules::testing::{check_fixes, lines};

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
}
