use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::kit::s3;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use crate::terraform::view::Config;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "s3-object-lock-without-default-retention",
    title: "S3 bucket has Object Lock enabled but no default retention",
    severity: Severity::Low,
    row: Row::BusinessContinuity,
    service: "S3",
    why: "Object Lock protects only objects that carry a retention period. Without a default, every writer must \
          remember to set one, and objects uploaded without it can be deleted like any other.",
    aws_side: "S3 enforces retention on locked objects; choosing the mode and the period is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_143"],
        kics: &[],
        trivy: &[],
        how: "CKV_AWS_143 checks that an `object_lock_configuration` block enables Object Lock, not its retention.",
    },
    matcher: &Custom {
        what: "Flags buckets with Object Lock enabled (`object_lock_enabled = true`, a legacy \
               `object_lock_configuration` with `object_lock_enabled = \"Enabled\"`, the s3-bucket module's input, \
               `ObjectLockEnabled`) and no default retention (a `rule { default_retention }` in the legacy block, \
               an `aws_s3_bucket_object_lock_configuration`, or `ObjectLockConfiguration.Rule.DefaultRetention`).",
        fix: "Declare a default retention (`rule { default_retention { mode = \"GOVERNANCE\" days = 30 } }`) with \
              the mode and period your retention policy asks for.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_s3_bucket"],
            check,
            example: r#"resource "aws_s3_bucket" "records" {
  bucket              = "records"
  object_lock_enabled = true
}"#,
            fixed_example: r#"resource "aws_s3_bucket" "records" {
  bucket              = "records"
  object_lock_enabled = true
}

resource "aws_s3_bucket_object_lock_configuration" "records" {
  bucket = aws_s3_bucket.records.id
  rule {
    default_retention {
      mode = "GOVERNANCE"
      days = 30
    }
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::S3::Bucket"],
            check: check_cfn,
            example: r#"Resources:
  Records:
    Type: AWS::S3::Bucket
    Properties:
      ObjectLockEnabled: true
"#,
            fixed_example: r#"Resources:
  Records:
    Type: AWS::S3::Bucket
    Properties:
      ObjectLockEnabled: true
      ObjectLockConfiguration:
        ObjectLockEnabled: Enabled
        Rule:
          DefaultRetention:
            Mode: GOVERNANCE
            Days: 30
"#,
        }),
    },
};

const FIX: &str = "Retain objects 30 days by default (review the mode and period)";

fn on(v: &Value) -> Option<bool> {
    match v {
        Value::String(s) if s.eq_ignore_ascii_case("Enabled") => Some(true),
        other => other.as_bool(),
    }
}

/// Whether Object Lock is enabled on the bucket (`None`: unknown), and the legacy configuration if any.
fn lock<'m>(ctx: &TfContext<'_, 'm>, bucket: Resource<'m>) -> (Option<bool>, Option<Config<'m>>) {
    let legacy = ctx.nested(bucket.config(), "object_lock_configuration").into_iter().next();
    let by_flag = ctx.attr(bucket.block, "object_lock_enabled").map(|(_, v)| on(&v));
    let by_legacy = legacy.and_then(|c| ctx.field(c, "object_lock_enabled")).map(|(_, v)| on(&v));
    let enabled = match (by_flag, by_legacy) {
        (Some(Some(true)), _) | (_, Some(Some(true))) => Some(true),
        (Some(None), _) | (_, Some(None)) => None,
        _ => Some(false),
    };
    (enabled, legacy)
}

fn has_default_retention(ctx: &TfContext, config: Config) -> bool {
    ctx.nested(config, "rule").into_iter().any(|r| !ctx.nested(r, "default_retention").is_empty())
}

fn companion_text(ctx: &TfContext, bucket: Resource) -> String {
    format!(
        "resource \"aws_s3_bucket_object_lock_configuration\" \"{}\" {{\n  bucket = {}\n  rule {{\n    \
         default_retention {{\n      mode = \"GOVERNANCE\"\n      days = 30\n    }}\n  }}\n}}",
        s3::companion_name(ctx, bucket, "aws_s3_bucket_object_lock_configuration"),
        s3::bucket_ref(bucket)
    )
}

fn check(ctx: &mut TfContext) {
    for bucket in s3::buckets(ctx) {
        let (enabled, legacy) = lock(ctx, bucket);
        if enabled != Some(true) {
            continue;
        }
        if legacy.is_some_and(|c| has_default_retention(ctx, c)) {
            continue;
        }
        let companions = if bucket.is_module() {
            Vec::new()
        } else {
            crate::kit::companions::s3_companions(ctx, bucket, "aws_s3_bucket_object_lock_configuration")
        };
        let unknown = |c: &Resource| ctx.nested(c.config(), "rule").iter().any(|r| r.is_dynamic());
        if companions.iter().any(|c| has_default_retention(ctx, c.config()) || unknown(c)) {
            continue;
        }
        let file = ctx.file(bucket);
        let rule = "rule {\n  default_retention {\n    mode = \"GOVERNANCE\"\n    days = 30\n  }\n}";
        let edit = match legacy {
            Some(Config::Block(block)) => Some(edit::insert_in_block(file, block, rule)),
            Some(Config::Object(_)) => None,
            None if bucket.is_module() || !companions.is_empty() => None,
            None => Some(edit::insert_after(file, bucket.block, &companion_text(ctx, bucket))),
        };
        let message = format!(
            "`{}` enables Object Lock without a default retention: objects uploaded without one can be deleted",
            bucket.address()
        );
        let range = legacy.map_or(bucket.block.header, |c| c.header());
        ctx.report(bucket, range, message).fixes.extend(edit.map(|e| Fix::unsafe_(FIX, vec![e])));
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for bucket in ctx.resources("AWS::S3::Bucket").collect::<Vec<_>>() {
        let enabled = ctx.prop(bucket, "ObjectLockEnabled").and_then(|(_, v)| on(&v)) == Some(true)
            || ctx.prop(bucket, "ObjectLockConfiguration.ObjectLockEnabled").and_then(|(_, v)| on(&v)) == Some(true);
        if !enabled || ctx.prop(bucket, "ObjectLockConfiguration.Rule.DefaultRetention").is_some() {
            continue;
        }
        if ctx.prop(bucket, "ObjectLockConfiguration.Rule").is_some() {
            continue;
        }
        let retention = json!({"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 30}});
        let edit = match ctx.prop(bucket, "ObjectLockConfiguration") {
            Some((config, _)) => cfn_edit::set_key(ctx.template, config, "Rule", &retention),
            None => cfn_edit::set_property(
                ctx.template,
                bucket,
                "ObjectLockConfiguration",
                &json!({"ObjectLockEnabled": "Enabled", "Rule": retention}),
            ),
        };
        let message = format!(
            "`{}` enables Object Lock without a default retention: objects uploaded without one can be deleted",
            bucket.logical_id
        );
        let range = ctx.header(bucket);
        ctx.report(bucket, range, message).fixes.push(Fix::unsafe_(FIX, vec![edit]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_object_lock_without_default_retention() {
        let tf = r#"resource "aws_s3_bucket" "flag" {
  object_lock_enabled = true
}
resource "aws_s3_bucket" "legacy" {
  object_lock_configuration {
    object_lock_enabled = "Enabled"
  }
}
resource "aws_s3_bucket" "legacy_retained" {
  object_lock_configuration {
    object_lock_enabled = "Enabled"
    rule {
      default_retention {
        mode = "COMPLIANCE"
        days = 5
      }
    }
  }
}
resource "aws_s3_bucket" "companion" {
  object_lock_enabled = true
}
resource "aws_s3_bucket_object_lock_configuration" "companion" {
  bucket = aws_s3_bucket.companion.id
  rule {
    default_retention {
      mode  = "GOVERNANCE"
      years = 1
    }
  }
}
resource "aws_s3_bucket" "no_lock" {
  bucket = "x"
}
resource "aws_s3_bucket" "unknown" {
  object_lock_enabled = var.lock
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 5]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_object_lock() {
        let yaml = "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      ObjectLockEnabled: true\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      ObjectLockEnabled: true\n      ObjectLockConfiguration:\n        ObjectLockEnabled: Enabled\n  C:\n    Type: AWS::S3::Bucket\n    Properties:\n      ObjectLockEnabled: true\n      ObjectLockConfiguration:\n        ObjectLockEnabled: Enabled\n        Rule:\n          DefaultRetention:\n            Mode: GOVERNANCE\n            Days: 1\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 6]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
