use crate::kit::s3_cfn;
use std::collections::HashSet;

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::kit::s3;
use crate::kit::versions;
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "s3-access-logging-disabled",
    title: "S3 server access logging is off",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "S3",
    why: "Server access logs record every request to the bucket: who read or changed which object, from where. \
          Without them, an investigation after a leak cannot tell what was taken, and audits (PCI DSS, SOC 2, \
          HIPAA) lack the evidence they require.",
    aws_side: "AWS records the requests and delivers the logs, but only for buckets where the customer turns \
               logging on and names a target bucket. Enabling, retaining and reviewing the logs is the \
               customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_18"],
        kics: &["f861041c-8c9f-4156-acfc-5e6e524f5884", "4552b71f-0a2a-4bc4-92dd-ed7ec1b4674c"],
        trivy: &["AVD-AWS-0089", "aws-s3-enable-bucket-logging", "aws-s3-enable-logging"],
    },
    related: Related {
        checkov: &[],
        kics: &["ee9e50e8-b2ed-4176-ad42-8fc0cf7593f4", "c3ce69fd-e3df-49c6-be78-1db3f802261c"],
        trivy: &[],
        how: "KICS's Terraform CloudTrail Log Files S3 Bucket with Logging Disabled (ee9e50e8) judges only a bucket \
              that a trail's `s3_bucket_name` names, in the trail's file, and only by its inline `logging` block: it \
              fails such a bucket logged through an `aws_s3_bucket_logging`, which this rule passes. Its \
              CloudFormation S3 Bucket CloudTrail Logging Disabled (c3ce69fd) judges only a bucket whose policy \
              (`Bucket: !Ref` to it) names `cloudtrail.amazonaws.com` as its first statement's service principal, \
              and fails it without `LoggingConfiguration`; this rule judges every bucket.",
    },
    matcher: &Custom {
        what: "Flags S3 buckets (resources and s3-bucket module calls) without server access logging: no legacy \
               `logging` block, no `aws_s3_bucket_logging` for the bucket, no module `logging` input. Buckets that \
               receive access logs are not flagged.",
        fix: "Add an `aws_s3_bucket_logging` for the bucket with a `target_bucket` dedicated to logs (provider 4+), \
              or a `logging {}` block on older providers; with the module, the `logging` input.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_s3_bucket", "aws_s3_bucket_logging"],
            check,
            example: r#"resource "aws_s3_bucket" "data" {
  bucket = "my-data"
}"#,
            fixed_example: r#"resource "aws_s3_bucket" "data" {
  bucket = "my-data"
}

resource "aws_s3_bucket_logging" "data" {
  bucket        = aws_s3_bucket.data.id
  target_bucket = "my-access-logs"
  target_prefix = "s3/data/"
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::S3::Bucket"],
            check: check_cfn,
            example: r#"Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: my-data
"#,
            fixed_example: r#"Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: my-data
      LoggingConfiguration:
        DestinationBucketName: my-access-logs
        LogFilePrefix: s3/Data/
"#,
        }),
    },
};

const COMPANION: &str = "aws_s3_bucket_logging";

/// Whether `bucket` receives access logs: it is the target of a logging configuration, or it (or an
/// `aws_s3_bucket_acl` of it) has the `log-delivery-write` ACL. Logging it too would only log the log
/// deliveries. Asked bucket by bucket, through indexes: a keystroke in one bucket reads what designates it, not
/// every logging configuration of the module.
fn is_log_bucket(ctx: &TfContext, bucket: Resource) -> bool {
    let delivery_acl =
        |r: Resource| ctx.attr(r.block, "acl").is_some_and(|(_, v)| v.as_str() == Some("log-delivery-write"));
    (!bucket.is_module() && delivery_acl(bucket))
        || designated(ctx, bucket, COMPANION, "target_bucket", |_| true)
        || designated(ctx, bucket, "aws_s3_bucket_acl", "bucket", delivery_acl)
        || nested_log_targets(ctx).contains(&bucket.address())
}

/// Whether a resource of type `ty` whose `link` designates `bucket` passes `test`. A link designates a bucket
/// as [`s3::bucket_id`] reads it: by reference (`aws_s3_bucket.b.id`, `module.b.s3_bucket_id`), or by a
/// name, that of the first bucket resource of that name.
fn designated(ctx: &TfContext, bucket: Resource, ty: &str, link: &str, test: impl Fn(Resource) -> bool) -> bool {
    let index = ctx.module.link_index(ty, link);
    let root = if bucket.is_module() { "module" } else { s3::BUCKET };
    let by_reference = index.references.get(root).and_then(|names| names.get(bucket.name()));
    if by_reference.is_some_and(|at| ctx.resources_at(at).into_iter().any(&test)) {
        return true;
    }
    if bucket.is_module() {
        return false;
    }
    let Some(attr) = bucket.block.attr("bucket") else { return false };
    let value = ctx.eval(&attr.expr);
    let Some(name) = value.as_str() else { return false };
    let Some(at) = index.literals.get(name) else { return false };
    if !ctx.resources_at(at).into_iter().any(test) {
        return false;
    }
    // (Two buckets of one name: the name designates the first.)
    let first = ctx.module.name_index(s3::BUCKET, "bucket").get(name).and_then(|at| at.first().copied());
    first.is_some_and(|at| std::ptr::eq(ctx.module.block_at(at), bucket.block))
}

/// The buckets targeted by the `logging` blocks of buckets (provider v3) and s3-bucket module inputs, by
/// address ([`s3::bucket_id`]).
fn nested_log_targets(ctx: &TfContext) -> std::sync::Arc<HashSet<String>> {
    ctx.module.memo(["s3 nested log targets", "", ""], || {
        let mut out = HashSet::new();
        for bucket in s3::all_buckets(ctx) {
            for cfg in ctx.nested(bucket.config(), "logging") {
                if let Some(id) = cfg.attr("target_bucket").and_then(|f| s3::bucket_id(ctx, f.expr)) {
                    out.insert(id);
                }
            }
        }
        out
    })
}

/// A log bucket of this module to point the fix at (the first), as a reference.
fn fix_target(ctx: &TfContext) -> std::sync::Arc<String> {
    ctx.module.memo(["s3 access logging target", "", ""], || {
        s3::all_buckets(ctx)
            .into_iter()
            .find(|b| !b.is_module() && is_log_bucket(ctx, *b))
            .map(|b| format!("{}.id", b.address()))
            .unwrap_or_else(|| "\"<access-log-bucket>\"".to_string())
    })
}

fn check(ctx: &mut TfContext) {
    let provider_v3 = versions::aws_provider_constraints(ctx).iter().any(|c| versions::all_below(c, &[4, 0]));
    for bucket in s3::buckets(ctx) {
        let address = bucket.address();
        if !s3::companions(ctx, bucket, COMPANION).is_empty() || is_log_bucket(ctx, bucket) {
            continue;
        }
        let configs = ctx.nested(bucket.config(), "logging");
        if configs.iter().any(|c| c.is_dynamic() || c.attr("target_bucket").is_some()) {
            continue;
        }
        // `logging = var.x` or a non-object value: unknown.
        let written = bucket.block.attr("logging");
        if written.is_some() && configs.is_empty() && ctx.eval(&written.expect("checked").expr).as_map().is_none() {
            continue;
        }
        if written.is_some_and(|a| ctx.eval(&a.expr).as_map().is_some_and(|m| m.contains_key("target_bucket"))) {
            continue;
        }
        let target = fix_target(ctx);
        let file = ctx.file(bucket);
        let prefix = format!("s3/{}/", bucket.name());
        let edit = if bucket.is_module() {
            let value = format!("{{ target_bucket = {target}, target_prefix = \"{prefix}\" }}");
            edit::set_attribute(file, bucket.block, "logging", &value)
        } else if provider_v3 {
            let block = format!("logging {{\n  target_bucket = {target}\n  target_prefix = \"{prefix}\"\n}}");
            edit::insert_in_block(file, bucket.block, &block)
        } else {
            edit::insert_after(file, bucket.block, &companion_text(ctx, bucket, &target, &prefix))
        };
        let (range, message) = match written {
            Some(a) => (a.range, format!("`{address}` sets `logging` without a target bucket")),
            None => (bucket.block.header, format!("`{address}` has no server access logging")),
        };
        ctx.report(bucket, range, message).fixes.push(Fix::unsafe_("Log requests to a log bucket", vec![edit]));
    }
}

fn companion_text(ctx: &TfContext, bucket: Resource, target: &str, prefix: &str) -> String {
    format!(
        "resource \"{COMPANION}\" \"{}\" {{\n  bucket        = {}\n  target_bucket = {target}\n  target_prefix = \"{prefix}\"\n}}",
        s3::companion_name(ctx, bucket, COMPANION),
        s3::bucket_ref(bucket)
    )
}

fn check_cfn(ctx: &mut CfnContext) {
    let targets = s3_cfn::log_targets(ctx);
    // A log bucket of the template to point the fix at.
    let dest = targets.first().map(|t| json!({"Ref": t})).unwrap_or_else(|| json!("<access-log-bucket>"));
    for res in ctx.resources(s3_cfn::BUCKET).collect::<Vec<_>>() {
        if targets.contains(&res.logical_id) || ctx.prop(res, "LoggingConfiguration").is_some() {
            continue;
        }
        let value = json!({"DestinationBucketName": dest, "LogFilePrefix": format!("s3/{}/", res.logical_id)});
        let edit = cfn_edit::set_property(ctx.template, res, "LoggingConfiguration", &value);
        let message = format!("`{}` has no server access logging", res.logical_id);
        let range = ctx.header(res);
        let fix = if targets.is_empty() {
            Fix::unsafe_("Log accesses to a log bucket (name it)", vec![edit])
        } else {
            Fix::new("Log accesses to the log bucket", vec![edit])
        };
        ctx.report(res, range, message).fixes.push(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines, run};

    #[test]
    fn flags_buckets_without_access_logs() {
        let tf = r#"resource "aws_s3_bucket" "data" {
  bucket = "data"
}
module "m" {
  source = "terraform-aws-modules/s3-bucket/aws"
}
module "empty" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  logging = {}
}
resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}
resource "aws_s3_bucket_logging" "other" {
  bucket        = "elsewhere"
  target_bucket = aws_s3_bucket.logs.id
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 4, 9]);
        assert_eq!(check_fixes(&RULE, tf), 3);
        let fixed = run(&RULE, tf)[0].fixes[0].apply(tf);
        assert!(fixed.contains("target_bucket = aws_s3_bucket.logs.id\n  target_prefix = \"s3/data/\""), "{fixed}");
    }

    #[test]
    fn logged_buckets_and_log_buckets_are_not_flagged() {
        let tf = r#"variable "logging" {}
resource "aws_s3_bucket" "a" {
  logging {
    target_bucket = "logs"
  }
}
resource "aws_s3_bucket" "b" {
  bucket = "b"
}
resource "aws_s3_bucket_logging" "b" {
  bucket        = aws_s3_bucket.b.id
  target_bucket = "logs"
}
resource "aws_s3_bucket" "logs" {
  bucket = "logs"
  acl    = "log-delivery-write"
}
module "m" {
  source = "terraform-aws-modules/s3-bucket/aws"
  logging {
    target_bucket = "logs"
  }
}
module "v" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  logging = var.logging
}
"#;
        assert!(lines(&RULE, tf).is_empty());
    }

    #[test]
    fn cloudformation_access_logging() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::S3::Bucket\n  Logs:\n    Type: AWS::S3::Bucket\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      LoggingConfiguration:\n        DestinationBucketName: !Ref Logs\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
