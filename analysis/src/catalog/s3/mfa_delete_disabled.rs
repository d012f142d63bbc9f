use crate::fix::{Edit, Fix};
use crate::kit::s3;
use crate::responsibility::Row;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use crate::terraform::view::Config;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "s3-mfa-delete-disabled",
    title: "S3 bucket versioning does not require MFA to delete versions",
    severity: Severity::Low,
    row: Row::BusinessContinuity,
    service: "S3",
    why: "Versioning protects data only if old versions cannot be purged with the same credentials that wrote \
          them. MFA delete makes permanently deleting a version, and suspending versioning, require the root \
          user's MFA device: ransomware with stolen keys cannot erase the history.",
    aws_side: "S3 enforces MFA delete once the root user enables it; deciding to enable it (or to use Object Lock \
               instead) is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["c5b31ab9-0f26-4a49-b8aa-4cc064392f4d"], trivy: &[] },
    related: Related {
        checkov: &[],
        kics: &[],
        trivy: &["AVD-AWS-0170", "aws-s3-require-mfa-delete"],
        how: "Trivy's check also flags buckets that declare no versioning at all (s3-versioning-disabled's \
              finding here).",
    },
    matcher: &Custom {
        what: "Flags versioning configurations (the legacy `versioning` block, the s3-bucket module's `versioning` \
               input, `aws_s3_bucket_versioning`) that are not both enabled and MFA delete. Buckets without a \
               versioning configuration, and buckets with lifecycle rules (which MFA delete cannot be combined \
               with), are not flagged.",
        fix: "Enable MFA delete (`mfa_delete = \"Enabled\"` with versioning `Enabled`); it must be applied with the \
              root user's MFA code (the `mfa` argument). Object Lock is the alternative for data that must not be \
              deleted.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_s3_bucket", "aws_s3_bucket_versioning"],
            check,
            example: r#"resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = "Enabled"
  }
}"#,
            fixed_example: r#"resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  mfa    = "${var.root_mfa_serial} ${var.root_mfa_code}"
  versioning_configuration {
    status     = "Enabled"
    mfa_delete = "Enabled"
  }
}"#,
        }),
        cloudformation: None,
    },
};

const FIX: &str = "Require MFA to delete versions (apply with the root user's MFA)";

/// `true`/`"Enabled"` is on, `false`/`"Disabled"`/`"Suspended"` off; `None` when unknown.
fn on(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("enabled") || s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if ["disabled", "suspended", "false"].iter().any(|o| s.eq_ignore_ascii_case(o)) => Some(false),
        _ => None,
    }
}

/// Whether a bucket has lifecycle rules (legacy `lifecycle_rule`, the module's input, or a lifecycle
/// configuration resource).
fn has_lifecycle(ctx: &TfContext, bucket: Resource) -> bool {
    ctx.block_of(bucket.block, "lifecycle_rule").is_some()
        || bucket.block.attr("lifecycle_rule").is_some()
        || (!bucket.is_module() && !s3::companions(ctx, bucket, "aws_s3_bucket_lifecycle_configuration").is_empty())
}

/// Judges a versioning configuration (`enabled`/`status`, `mfa_delete`), reporting at `res`.
fn judge(ctx: &mut TfContext, res: Resource, config: Config, enabled_attr: &str, mfa_text: &str) {
    let enabled = match ctx.field(config, enabled_attr).or_else(|| ctx.field(config, "status")) {
        Some((_, v)) => on(&v),
        None => Some(false),
    };
    let mfa = match ctx.field(config, "mfa_delete") {
        Some((_, v)) => on(&v),
        None => Some(false),
    };
    let (Some(enabled), Some(mfa)) = (enabled, mfa) else { return };
    if enabled && mfa {
        return;
    }
    let address = res.address();
    let message = if !enabled {
        format!("`{address}` declares versioning but does not enable it, so there is no MFA delete either")
    } else {
        format!("`{address}` enables versioning without MFA delete: stolen keys can purge every version")
    };
    let range = match ctx.field(config, "mfa_delete") {
        Some((f, _)) if enabled => f.range,
        _ => config.header(),
    };
    let file = ctx.file(res);
    let edit = match (config.attr("mfa_delete"), config) {
        _ if !enabled => None,
        (Some(f), _) => Some(Edit { range: f.expr.range, text: mfa_text.into() }),
        (None, Config::Block(block)) => Some(edit::set_attribute(file, block, "mfa_delete", mfa_text)),
        (None, Config::Object(expr)) => s3::insert_in_object(file, expr, &format!("mfa_delete = {mfa_text}")),
    };
    ctx.report(res, range, message).fixes.extend(edit.map(|e| Fix::unsafe_(FIX, vec![e])));
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_s3_bucket_versioning").collect::<Vec<_>>() {
        let bucket = res.block.attr("bucket").and_then(|a| s3::bucket_id(ctx, &a.expr));
        let bucket = bucket.and_then(|id| ctx.at_address(&id).into_iter().next());
        if bucket.is_some_and(|b| has_lifecycle(ctx, b)) {
            continue;
        }
        for config in ctx.nested(res.config(), "versioning_configuration") {
            judge(ctx, res, config, "status", "\"Enabled\"");
        }
    }
    for bucket in s3::buckets(ctx) {
        if has_lifecycle(ctx, bucket) {
            continue;
        }
        for config in ctx.nested(bucket.config(), "versioning") {
            judge(ctx, bucket, config, "enabled", "true");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_versioning_without_mfa_delete() {
        let tf = r#"resource "aws_s3_bucket" "enabled_only" {
  versioning {
    enabled = true
  }
}
resource "aws_s3_bucket" "mfa_false" {
  versioning {
    enabled    = true
    mfa_delete = false
  }
}
resource "aws_s3_bucket" "off" {
  versioning {
    enabled = false
  }
}
module "m" {
  source = "terraform-aws-modules/s3-bucket/aws"
  versioning = { enabled = true }
}
resource "aws_s3_bucket" "b0" {
  bucket = "b0"
}
resource "aws_s3_bucket_versioning" "disabled_mfa" {
  bucket = aws_s3_bucket.b0.id
  versioning_configuration {
    status     = "Enabled"
    mfa_delete = "Disabled"
  }
}
resource "aws_s3_bucket_versioning" "suspended" {
  bucket = aws_s3_bucket.b0.id
  versioning_configuration {
    status     = "Disabled"
    mfa_delete = "Enabled"
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [28, 33, 2, 9, 13, 19]);
        assert_eq!(check_fixes(&RULE, tf), 4);
    }

    #[test]
    fn mfa_delete_lifecycles_and_no_versioning_are_not_flagged() {
        let tf = r#"resource "aws_s3_bucket" "mfa" {
  versioning {
    enabled    = true
    mfa_delete = true
  }
}
resource "aws_s3_bucket" "none" {
  bucket = "none"
}
resource "aws_s3_bucket" "lifecycle" {
  lifecycle_rule {
    enabled = true
  }
  versioning {
    enabled = true
  }
}
module "lifecycle" {
  source         = "terraform-aws-modules/s3-bucket/aws"
  versioning     = { enabled = true }
  lifecycle_rule = [{ id = "tmp", enabled = true }]
}
resource "aws_s3_bucket_versioning" "unknown" {
  bucket = "x"
  versioning_configuration {
    status     = "Enabled"
    mfa_delete = var.mfa
  }
}
"#;
        assert!(lines(&RULE, tf).is_empty());
    }
}
