use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::NodeKind;
use crate::fix::{Edit, Fix};
use crate::kit::s3;
use crate::kit::s3_cfn;
use crate::kit::setting::set_cfn_path;
use crate::kit::versions;
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use crate::terraform::view::Config;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "s3-versioning-disabled",
    title: "S3 bucket without versioning",
    severity: Severity::Medium,
    row: Row::BusinessContinuity,
    service: "S3",
    why: "Without versioning, an overwrite or a delete (by a person, a bug or ransomware) destroys the only copy \
          of the object. Versioning keeps every previous version, so data can be restored after the fact.",
    aws_side: "AWS stores each object version redundantly across Availability Zones, but it keeps only the \
               versions you ask it to keep: buckets start unversioned. Turning versioning on (and lifecycle \
               rules to expire old versions) is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_21"],
        kics: &["568a4d22-3517-44a6-a7ad-6a7eed88722c", "a227ec01-f97a-4084-91a4-47b350c1db54"],
        trivy: &["AVD-AWS-0090", "aws-s3-enable-versioning"],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags S3 buckets (resources and s3-bucket module calls) with versioning off or never turned on, and \
               `aws_s3_bucket_versioning` resources whose status is not `Enabled`.",
        fix: "Add an `aws_s3_bucket_versioning` with `status = \"Enabled\"` for the bucket (provider 4+), or \
              `versioning { enabled = true }` on older providers; with the module, `versioning = { enabled = true }`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_s3_bucket", "aws_s3_bucket_versioning"],
            check,
            example: r#"resource "aws_s3_bucket" "data" {
  bucket = "my-data"
}"#,
            fixed_example: r#"resource "aws_s3_bucket" "data" {
  bucket = "my-data"
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id

  versioning_configuration {
    status = "Enabled"
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
      BucketName: my-data
"#,
            fixed_example: r#"Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: my-data
      VersioningConfiguration:
        Status: Enabled
"#,
        }),
    },
};

const COMPANION: &str = "aws_s3_bucket_versioning";

/// Whether a setting (`enabled = true`, `status = "Enabled"`) turns versioning on; `None` when unknown.
fn is_on(value: &crate::value::Value) -> Option<bool> {
    match value.as_str() {
        Some(s) if s.eq_ignore_ascii_case("enabled") => Some(true),
        Some(s) if s.eq_ignore_ascii_case("suspended") || s.eq_ignore_ascii_case("disabled") => Some(false),
        _ => value.as_bool(),
    }
}

/// Object Lock turns versioning on by itself.
fn has_object_lock(ctx: &TfContext, bucket: Resource) -> bool {
    let lock = ctx.attr(bucket.block, "object_lock_enabled").is_some_and(|(_, v)| v.as_bool() == Some(true));
    let legacy = ctx
        .nested(bucket.config(), "object_lock_configuration")
        .iter()
        .any(|c| c.attr("object_lock_enabled").is_some_and(|f| ctx.value(f).as_str() == Some("Enabled")));
    lock || legacy
}

fn check(ctx: &mut TfContext) {
    // Versioning resources: their status must be `Enabled`.
    for res in ctx.resources(COMPANION).collect::<Vec<_>>() {
        for cfg in ctx.nested(res.config(), "versioning_configuration") {
            let Some(status) = cfg.attr("status") else { continue };
            let value = ctx.value(status);
            if is_on(&value) != Some(false) {
                continue;
            }
            let shown = value.as_str().map(str::to_string).unwrap_or_else(|| "off".into());
            let fix =
                Fix::new("Enable versioning", vec![Edit { range: status.expr.range, text: "\"Enabled\"".into() }]);
            let message = format!("`{}` sets versioning to `{shown}`", res.address());
            ctx.report_with_fix(res, status.range, message, fix);
        }
    }
    let provider_v3 = versions::aws_provider_constraints(ctx).iter().any(|c| versions::all_below(c, &[4, 0]));
    for bucket in s3::buckets(ctx) {
        if !bucket.is_module() && (!s3::companions(ctx, bucket, COMPANION).is_empty() || has_object_lock(ctx, bucket)) {
            continue;
        }
        let file = ctx.file(bucket);
        let address = bucket.address();
        let Some(cfg) = ctx.nested(bucket.config(), "versioning").into_iter().next() else {
            // No versioning at all.
            let fix = if bucket.is_module() {
                edit::set_attribute(file, bucket.block, "versioning", "{ enabled = true }")
            } else if provider_v3 {
                edit::insert_in_block(file, bucket.block, "versioning {\n  enabled = true\n}")
            } else {
                let companion = format!(
                    "resource \"{COMPANION}\" \"{}\" {{\n  bucket = {}\n\n  versioning_configuration {{\n    status = \"Enabled\"\n  }}\n}}",
                    s3::companion_name(ctx, bucket, COMPANION),
                    s3::bucket_ref(bucket)
                );
                edit::insert_after(file, bucket.block, &companion)
            };
            let message = format!("`{address}` has no versioning: overwritten or deleted objects cannot be recovered");
            ctx.report_with_fix(bucket, bucket.block.header, message, Fix::new("Enable versioning", vec![fix]));
            continue;
        };
        if cfg.is_dynamic() {
            continue;
        }
        let setting = cfg.attr("enabled").or_else(|| cfg.attr("status"));
        match setting {
            Some(field) => {
                if is_on(&ctx.value(field)) != Some(false) {
                    continue;
                }
                let text = if cfg.attr("enabled").is_some() { "true" } else { "\"Enabled\"" };
                let fix = Fix::new("Enable versioning", vec![Edit { range: field.expr.range, text: text.into() }]);
                ctx.report_with_fix(bucket, field.range, format!("`{address}` turns versioning off"), fix);
            }
            None => {
                let (range, edit) = match cfg {
                    Config::Block(b) => (b.header, Some(edit::insert_in_block(file, b, "enabled = true"))),
                    Config::Object(e) => (
                        bucket.block.attr("versioning").map(|a| a.range).unwrap_or(bucket.block.header),
                        s3::insert_in_object(file, e, "enabled = true"),
                    ),
                };
                let message = format!("`{address}` configures versioning without enabling it");
                let finding = ctx.report(bucket, range, message);
                finding.fixes.extend(edit.map(|e| Fix::new("Enable versioning", vec![e])));
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources(s3_cfn::BUCKET).collect::<Vec<_>>() {
        match ctx.prop(res, "VersioningConfiguration.Status") {
            Some((node, v)) => {
                let Some(status) = v.as_str() else { continue };
                if status == "Enabled" {
                    continue;
                }
                let edit = cfn_edit::replace_value(ctx.template, node, &json!("Enabled"));
                let range = ctx.prop_range(res, "VersioningConfiguration.Status").unwrap_or(node.range);
                let message = format!("`{}` sets versioning to `{status}`", res.logical_id);
                ctx.report(res, range, message).fixes.push(Fix::new("Enable versioning", vec![edit]));
            }
            None => {
                // Object Lock turns versioning on by itself; an unknown configuration is not judged.
                if ctx.prop(res, "ObjectLockEnabled").is_some_and(|(_, v)| v.as_bool() != Some(false))
                    || ctx
                        .prop(res, "VersioningConfiguration")
                        .is_some_and(|(n, _)| n.intrinsic().is_some() || !matches!(n.kind, NodeKind::Map(_)))
                {
                    continue;
                }
                let edit = set_cfn_path(ctx.template, res, "VersioningConfiguration.Status", &json!("Enabled"));
                let message = format!(
                    "`{}` has no versioning: overwritten or deleted objects cannot be recovered",
                    res.logical_id
                );
                let range = ctx.header(res);
                ctx.report(res, range, message).fixes.push(Fix::new("Enable versioning", vec![edit]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_buckets_without_versioning() {
        let tf = r#"resource "aws_s3_bucket" "bare" {
  bucket = "a"
}
resource "aws_s3_bucket" "off" {
  versioning {
    enabled = false
  }
}
resource "aws_s3_bucket" "mfa" {
  versioning {
    mfa_delete = true
  }
}
resource "aws_s3_bucket" "companion" {
  bucket = "c"
}
resource "aws_s3_bucket_versioning" "companion" {
  bucket = aws_s3_bucket.companion.id
  versioning_configuration {
    status = "Suspended"
  }
}
module "absent" {
  source = "terraform-aws-modules/s3-bucket/aws"
}
module "off" {
  source     = "terraform-aws-modules/s3-bucket/aws"
  versioning = { enabled = false }
}
module "mfa" {
  source = "terraform-aws-modules/s3-bucket/aws"
  versioning = {
    mfa_delete = true
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [20, 1, 6, 10, 23, 28, 32]);
        assert_eq!(check_fixes(&RULE, tf), 7);
    }

    #[test]
    fn versioned_and_unknown_buckets_are_not_flagged() {
        let tf = r#"variable "on" {}
resource "aws_s3_bucket" "a" {
  versioning {
    enabled = true
  }
}
resource "aws_s3_bucket" "b" {
  bucket = "b"
}
resource "aws_s3_bucket_versioning" "b" {
  bucket = "b"
  versioning_configuration {
    status = "Enabled"
  }
}
resource "aws_s3_bucket" "c" {
  versioning {
    enabled = var.on
  }
}
resource "aws_s3_bucket" "locked" {
  object_lock_enabled = true
}
module "m" {
  source     = "terraform-aws-modules/s3-bucket/aws"
  versioning = { status = "Enabled" }
}
resource "aws_s3_bucket_versioning" "unknown" {
  bucket = "x"
  versioning_configuration {
    status = var.on
  }
}
"#;
        assert!(lines(&RULE, tf).is_empty());
    }

    #[test]
    fn old_providers_get_the_inline_block() {
        let tf = r#"terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 3.0"
    }
  }
}
resource "aws_s3_bucket" "a" {
  bucket = "a"
}
"#;
        let found = crate::kit::testing::run(&RULE, tf);
        let fixed = found[0].fixes[0].apply(tf);
        assert!(fixed.contains("  versioning {\n    enabled = true\n  }\n}"), "{fixed}");
        assert!(lines(&RULE, &fixed).is_empty());
    }

    #[test]
    fn cloudformation_versioning() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::S3::Bucket\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      VersioningConfiguration:\n        Status: Suspended\n  C:\n    Type: AWS::S3::Bucket\n    Properties:\n      ObjectLockEnabled: true\n  D:\n    Type: AWS::S3::Bucket\n    Properties:\n      VersioningConfiguration: {Status: Enabled}\n  E:\n    Type: AWS::S3::Bucket\n    Properties:\n      VersioningConfiguration:\n        Status: !Ref Status\nParameters:\n  Status:\n    Type: String\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 8]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
