use std::collections::HashSet;

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::NodeKind;
use crate::fix::{Edit, Fix};
use crate::kit::declared::{is_aws_managed_key, KMS_PLACEHOLDER};
use crate::kit::{s3, s3_cfn};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use crate::terraform::view::Config;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "s3-bucket-not-encrypted-cmk",
    title: "S3 bucket default encryption does not use a customer-managed KMS key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "S3",
    why: "Since 2023 every new object is encrypted with keys S3 manages, which protects against lost disks but not \
          against anyone allowed `s3:GetObject`. A customer-managed key adds a second, separately audited \
          permission (`kms:Decrypt`), lets you cut off access by disabling the key, and logs every use in \
          CloudTrail.",
    aws_side: "S3 encrypts every new object with SSE-S3 by default; choosing SSE-KMS with your own key, and its key \
               policy, is the customer's.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["b2e8752c-3497-4255-98d2-e4ae5b46bbf5"],
        trivy: &["AVD-AWS-0132", "aws-s3-encryption-customer-key"],
    },
    related: Related {
        checkov: &["CKV_AWS_145", "CKV_AWS_19"],
        kics: &[],
        trivy: &["AVD-AWS-0088", "aws-s3-enable-bucket-encryption"],
        how: "CKV_AWS_145 asks for `aws:kms` without a key of your own; CKV_AWS_19 and AVD-AWS-0088 accept SSE-S3 \
              (AES256).",
    },
    matcher: &Custom {
        what: "Flags S3 buckets whose default encryption is not SSE-KMS with a customer-managed key: none declared \
               (legacy `server_side_encryption_configuration`, `aws_s3_bucket_server_side_encryption_configuration`, \
               the s3-bucket module's input, `BucketEncryption`), `AES256` (SSE-S3), or `aws:kms` without \
               `kms_master_key_id` (the AWS-managed `aws/s3` key). Buckets receiving load balancer access logs, \
               which must use SSE-S3, are not flagged.",
        fix: "Set `sse_algorithm = \"aws:kms\"` and `kms_master_key_id` to a customer-managed key whose policy lets \
              the bucket's writers and readers use it.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_s3_bucket", "aws_s3_bucket_server_side_encryption_configuration"],
            check,
            example: r#"resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  bucket = aws_s3_bucket.data.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}"#,
            fixed_example: r#"resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  bucket = aws_s3_bucket.data.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.data.arn
    }
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::S3::Bucket"],
            check: check_cfn,
            example: r#"Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: data
"#,
            fixed_example: r#"Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: data
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: aws:kms
              KMSMasterKeyID: !Ref DataKey
"#,
        }),
    },
};

const FIX: &str = "Encrypt with a customer-managed KMS key (placeholder to replace)";

/// What a default-encryption setting lacks: `None` when it uses a customer-managed key (or cannot be known).
fn lack(algorithm: &Value, key: Option<&Value>) -> Option<&'static str> {
    let algorithm = algorithm.as_str()?;
    if algorithm.eq_ignore_ascii_case("AES256") {
        return Some("encrypts with SSE-S3 (`AES256`), keys S3 manages");
    }
    if !algorithm.to_ascii_lowercase().starts_with("aws:kms") {
        return None;
    }
    match key {
        None => Some("encrypts with SSE-KMS under the AWS-managed `aws/s3` key"),
        Some(Value::String(k)) if k.trim().is_empty() || is_aws_managed_key(k) => {
            Some("encrypts with SSE-KMS under the AWS-managed `aws/s3` key")
        }
        Some(_) => None,
    }
}

/// The buckets (by [`s3::bucket_id`]) that receive load balancer access logs: they must use SSE-S3.
fn log_delivery_buckets(ctx: &TfContext) -> HashSet<String> {
    let mut out = HashSet::new();
    for ty in ["aws_lb", "aws_alb", "aws_elb"] {
        for lb in ctx.all_resources(ty) {
            for logs in ctx.nested(lb.config(), "access_logs") {
                if let Some(id) = logs.attr("bucket").and_then(|f| s3::bucket_id(ctx, f.expr)) {
                    out.insert(id);
                }
            }
        }
    }
    out
}

/// Judges one `apply_server_side_encryption_by_default` of `res`, with a fix.
fn judge(ctx: &mut TfContext, res: Resource, config: Config) {
    let Some((algorithm_field, algorithm)) = ctx.field(config, "sse_algorithm") else { return };
    let key = ctx.field(config, "kms_master_key_id");
    let Some(what) = lack(&algorithm, key.as_ref().map(|(_, v)| v)) else { return };
    let file = ctx.file(res);
    let placeholder = format!("\"{KMS_PLACEHOLDER}\"");
    let mut edits = Vec::new();
    if !algorithm.as_str().is_some_and(|a| a.to_ascii_lowercase().starts_with("aws:kms")) {
        edits.push(Edit { range: algorithm_field.expr.range, text: "\"aws:kms\"".into() });
    }
    match (&key, config) {
        (Some((field, _)), _) => edits.push(Edit { range: field.expr.range, text: placeholder }),
        (None, Config::Block(block)) => edits.push(edit::set_attribute(file, block, "kms_master_key_id", &placeholder)),
        (None, Config::Object(expr)) => {
            edits.extend(s3::insert_in_object(file, expr, &format!("kms_master_key_id = {placeholder}")))
        }
    }
    let message = format!("`{}` {what}: use a customer-managed KMS key", res.address());
    ctx.report(res, algorithm_field.range, message).fixes.push(Fix::unsafe_(FIX, edits));
}

fn companion_text(ctx: &TfContext, bucket: Resource) -> String {
    format!(
        r#"resource "aws_s3_bucket_server_side_encryption_configuration" "{}" {{
  bucket = {}
  rule {{
    apply_server_side_encryption_by_default {{
      sse_algorithm     = "aws:kms"
      kms_master_key_id = "{KMS_PLACEHOLDER}"
    }}
  }}
}}"#,
        s3::companion_name(ctx, bucket, "aws_s3_bucket_server_side_encryption_configuration"),
        s3::bucket_ref(bucket)
    )
}

fn check(ctx: &mut TfContext) {
    let exempt = log_delivery_buckets(ctx);
    for config in ctx.resources("aws_s3_bucket_server_side_encryption_configuration").collect::<Vec<_>>() {
        let bucket = config.block.attr("bucket").and_then(|a| s3::bucket_id(ctx, &a.expr));
        if bucket.is_some_and(|b| exempt.contains(&b)) {
            continue;
        }
        for rule in ctx.nested(config.config(), "rule") {
            for defaults in ctx.nested(rule, "apply_server_side_encryption_by_default") {
                judge(ctx, config, defaults);
            }
        }
    }
    for bucket in s3::buckets(ctx) {
        if exempt.contains(&bucket.address()) {
            continue;
        }
        if !bucket.is_module()
            && !s3::companions(ctx, bucket, "aws_s3_bucket_server_side_encryption_configuration").is_empty()
        {
            continue;
        }
        let Some(defaults) = s3::encryption_defaults(ctx, bucket) else { continue };
        if defaults.is_empty() {
            let file = ctx.file(bucket);
            let edit = if bucket.is_module() {
                let value = format!(
                    "{{\n    rule = {{\n      apply_server_side_encryption_by_default = {{\n        sse_algorithm     = \
                     \"aws:kms\"\n        kms_master_key_id = \"{KMS_PLACEHOLDER}\"\n      }}\n    }}\n  }}"
                );
                edit::set_attribute(file, bucket.block, "server_side_encryption_configuration", &value)
            } else {
                edit::insert_after(file, bucket.block, &companion_text(ctx, bucket))
            };
            let message = format!(
                "`{}` declares no default encryption: S3 encrypts with SSE-S3, keys S3 manages; use a \
                 customer-managed KMS key",
                bucket.address()
            );
            ctx.report(bucket, bucket.block.header, message).fixes.push(Fix::unsafe_(FIX, vec![edit]));
            continue;
        }
        for (res, config) in defaults {
            judge(ctx, res, config);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    let by_default = json!({"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KMS_PLACEHOLDER});
    for bucket in ctx.resources(s3_cfn::BUCKET).collect::<Vec<_>>() {
        let id = bucket.logical_id;
        let Some((config, _)) = ctx.prop(bucket, "BucketEncryption.ServerSideEncryptionConfiguration") else {
            if ctx.prop(bucket, "BucketEncryption").is_some() {
                continue;
            }
            let value = json!({"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": by_default}]});
            let fix = Fix::unsafe_(FIX, vec![cfn_edit::set_property(ctx.template, bucket, "BucketEncryption", &value)]);
            let message = format!(
                "`{id}` declares no default encryption: S3 encrypts with SSE-S3, keys S3 manages; use a \
                 customer-managed KMS key"
            );
            let range = ctx.header(bucket);
            ctx.report(bucket, range, message).fixes.push(fix);
            continue;
        };
        for item in config.items() {
            let Some(defaults) = item.get("ServerSideEncryptionByDefault") else { continue };
            if !matches!(defaults.kind, NodeKind::Map(_)) || defaults.intrinsic().is_some() {
                continue;
            }
            let Some(algorithm) = defaults.get("SSEAlgorithm") else { continue };
            let key = defaults.get("KMSMasterKeyID").map(|k| ctx.eval(k));
            let Some(what) = lack(&ctx.eval(algorithm), key.as_ref()) else { continue };
            let fix = Fix::unsafe_(FIX, vec![cfn_edit::replace_value(ctx.template, defaults, &by_default)]);
            let range = defaults.entry("SSEAlgorithm").map_or(defaults.range, |e| e.range);
            ctx.report(bucket, range, format!("`{id}` {what}: use a customer-managed KMS key")).fixes.push(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_undeclared_sse_s3_and_aws_managed_encryption() {
        let tf = r#"resource "aws_s3_bucket" "undeclared" {
  bucket = "a"
}
resource "aws_s3_bucket" "legacy_aes" {
  bucket = "b"
  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm = "AES256"
      }
    }
  }
}
resource "aws_s3_bucket" "with_config" {
  bucket = "c"
}
resource "aws_s3_bucket_server_side_encryption_configuration" "c" {
  bucket = aws_s3_bucket.with_config.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}
module "m" {
  source = "terraform-aws-modules/s3-bucket/aws"
  server_side_encryption_configuration = {
    rule = { apply_server_side_encryption_by_default = { sse_algorithm = "AES256" } }
  }
}
module "undeclared" {
  source = "terraform-aws-modules/s3-bucket/aws"
}
"#;
        assert_eq!(lines(&RULE, tf), [21, 1, 9, 28, 31]);
        assert_eq!(check_fixes(&RULE, tf), 5);
    }

    #[test]
    fn customer_keys_log_buckets_and_unknowns_are_not_flagged() {
        let tf = r#"resource "aws_s3_bucket" "cmk" {
  bucket = "a"
}
resource "aws_s3_bucket_server_side_encryption_configuration" "cmk" {
  bucket = aws_s3_bucket.cmk.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.k.arn
    }
  }
}
resource "aws_s3_bucket" "lb_logs" {
  bucket = "lb-logs"
}
resource "aws_lb" "front" {
  access_logs {
    bucket = aws_s3_bucket.lb_logs.id
  }
}
module "unknown" {
  source                               = "terraform-aws-modules/s3-bucket/aws"
  server_side_encryption_configuration = var.sse
}
resource "aws_s3_bucket_server_side_encryption_configuration" "unknown" {
  bucket = "x"
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = var.algorithm
    }
  }
}
"#;
        assert!(lines(&RULE, tf).is_empty(), "{:?}", lines(&RULE, tf));
    }

    #[test]
    fn cloudformation_bucket_encryption() {
        let yaml = r#"Resources:
  Absent:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub 'bucket-${AWS::Region}'
  Aes:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: AES256
  Cmk:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: 'aws:kms'
              KMSMasterKeyID: KMS-KEY-ARN
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [2, 12]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
