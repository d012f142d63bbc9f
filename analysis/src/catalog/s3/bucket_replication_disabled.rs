use std::collections::HashSet;

use crate::cloudformation::check::CfnContext;
use crate::kit::s3;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::model::{ExprKind, Step};
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "s3-bucket-replication-disabled",
    title: "Versioned S3 bucket has no replication",
    severity: Severity::Low,
    row: Row::BusinessContinuity,
    service: "S3",
    why: "A copy in a single region is lost with the region, or with the account if it is compromised; \
          cross-region (or cross-account) replication is S3's own disaster-recovery copy. Only versioned buckets \
          can replicate, so only they are judged.",
    aws_side: "S3 is durable within a region; copying data elsewhere for disaster recovery is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_144"],
        kics: &[],
        trivy: &[],
        how: "CKV_AWS_144 asks every bucket, versioned or not, for an enabled replication rule.",
    },
    matcher: &Custom {
        what: "Flags versioned buckets (legacy `versioning { enabled = true }`, an `aws_s3_bucket_versioning` with \
               `status = \"Enabled\"`, the s3-bucket module's `versioning`, `VersioningConfiguration.Status: \
               Enabled`) with no enabled replication rule (legacy `replication_configuration`, \
               `aws_s3_bucket_replication_configuration`, the module's `replication_configuration`, \
               `ReplicationConfiguration`). Buckets that are replication destinations are not flagged.",
        fix: "Replicate the bucket to a bucket in another region (or account) with an \
              `aws_s3_bucket_replication_configuration` whose rule has `status = \"Enabled\"`.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_s3_bucket"],
            check,
            example: r#"resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = "Enabled"
  }
}"#,
            fixed_example: r#"resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_replication_configuration" "data" {
  bucket = aws_s3_bucket.data.id
  role   = aws_iam_role.replication.arn
  rule {
    status = "Enabled"
    destination {
      bucket = aws_s3_bucket.data_replica.arn
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
      VersioningConfiguration:
        Status: Enabled
"#,
            fixed_example: r#"Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration:
        Status: Enabled
      ReplicationConfiguration:
        Role: !GetAtt ReplicationRole.Arn
        Rules:
          - Status: Enabled
            Destination:
              Bucket: arn:aws:s3:::data-replica
"#,
        }),
    },
};

fn on(v: &Value) -> Option<bool> {
    match v {
        Value::String(s) if s.eq_ignore_ascii_case("Enabled") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("Suspended") || s.eq_ignore_ascii_case("Disabled") => Some(false),
        other => other.as_bool(),
    }
}

/// Whether the bucket is versioned: `Some(true)` only when known to be.
fn versioned(ctx: &TfContext, bucket: Resource) -> bool {
    let legacy = ctx
        .nested(bucket.config(), "versioning")
        .into_iter()
        .any(|c| ctx.field(c, "enabled").or_else(|| ctx.field(c, "status")).is_some_and(|(_, v)| on(&v) == Some(true)));
    legacy
        || (!bucket.is_module()
            && crate::kit::companions::s3_companions(ctx, bucket, "aws_s3_bucket_versioning").into_iter().any(|v| {
                ctx.nested(v.config(), "versioning_configuration")
                    .into_iter()
                    .any(|c| ctx.field(c, "status").is_some_and(|(_, s)| on(&s) == Some(true)))
            }))
}

/// Whether replication is configured (or may be: unknown counts).
fn replicated(ctx: &TfContext, bucket: Resource) -> bool {
    let enabled_rule = |config: crate::terraform::view::Config| {
        let rules = ctx.nested(config, "rules");
        let rules = if rules.is_empty() { ctx.nested(config, "rule") } else { rules };
        rules.into_iter().any(|r| ctx.field(r, "status").is_none_or(|(_, s)| on(&s) != Some(false)))
    };
    if bucket.block.attr("replication_configuration").is_some_and(|a| !ctx.eval(&a.expr).is_known()) {
        return true;
    }
    ctx.nested(bucket.config(), "replication_configuration").into_iter().any(enabled_rule)
        || (!bucket.is_module()
            && crate::kit::companions::s3_companions(ctx, bucket, "aws_s3_bucket_replication_configuration")
                .into_iter()
                .any(|c| enabled_rule(c.config())))
}

/// The buckets other buckets replicate into (`destination { bucket = aws_s3_bucket.x.arn }`): an index of the
/// module, so that each bucket's run does not read every bucket's replication again (quadratic when a change to
/// the buckets reruns them all; the index is equal after most such changes, and then they do not rerun).
///
/// Two indexes: the buckets' own replication configurations, and the replication resources'. A keystroke in a
/// bucket rebuilds the first alone (evaluating every replication resource's destination again, at each
/// keystroke in any bucket, was a third of the cost of a syntax-breaking one in a module of forty buckets).
fn destinations(ctx: &TfContext) -> Destinations {
    let inline = ctx.module.memo(["s3 replication destinations", "inline", ""], || {
        let buckets = s3::all_buckets(ctx);
        all_destinations(ctx, buckets.iter().flat_map(|b| ctx.nested(b.config(), "replication_configuration")))
    });
    let resources = ctx.module.memo(["s3 replication destinations", "resources", ""], || {
        all_destinations(ctx, ctx.all_resources("aws_s3_bucket_replication_configuration").map(|r| r.config()))
    });
    Destinations([inline, resources])
}

struct Destinations([std::sync::Arc<HashSet<String>>; 2]);

impl Destinations {
    fn contains(&self, key: &str) -> bool {
        self.0.iter().any(|d| d.contains(key))
    }
}

/// The destinations of the replication configurations `configs`.
fn all_destinations<'m>(
    ctx: &TfContext<'_, 'm>,
    configs: impl Iterator<Item = crate::terraform::view::Config<'m>>,
) -> HashSet<String> {
    let mut out = HashSet::new();
    for config in configs {
        for rule in ctx.nested(config, "rule").into_iter().chain(ctx.nested(config, "rules")) {
            for dest in ctx.nested(rule, "destination") {
                if let Some(f) = dest.attr("bucket") {
                    if let ExprKind::Traversal(root, steps) = &f.expr.kind {
                        if let (s3::BUCKET, Some(Step::Attr(name))) = (root.as_str(), steps.first()) {
                            out.insert(format!("{}.{name}", s3::BUCKET));
                        }
                    }
                    if let Some(arn) = ctx.eval(f.expr).as_str() {
                        out.insert(format!("arn:{}", arn.trim_start_matches("arn:aws:s3:::")));
                    }
                }
            }
        }
    }
    out
}

fn check(ctx: &mut TfContext) {
    let destinations = destinations(ctx);
    for bucket in s3::buckets(ctx) {
        if !versioned(ctx, bucket) || replicated(ctx, bucket) || destinations.contains(&bucket.address()) {
            continue;
        }
        let name = bucket.block.attr("bucket").and_then(|a| ctx.eval(&a.expr).as_str().map(str::to_string));
        if name.is_some_and(|n| destinations.contains(&format!("arn:{n}"))) {
            continue;
        }
        let message = format!(
            "`{}` is versioned but not replicated: its only copy is in one region of one account",
            bucket.address()
        );
        ctx.report(bucket, bucket.block.header, message);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    let buckets: Vec<_> = ctx.resources("AWS::S3::Bucket").collect();
    for bucket in buckets.iter().copied() {
        let versioned = ctx.prop(bucket, "VersioningConfiguration.Status").is_some_and(|(_, v)| on(&v) == Some(true));
        if !versioned {
            continue;
        }
        if let Some((rules, value)) = ctx.prop(bucket, "ReplicationConfiguration.Rules") {
            let enabled = rules.items().iter().any(|r| r.get("Status").is_none_or(|s| on(&ctx.eval(s)) != Some(false)));
            if enabled || !value.is_known() {
                continue;
            }
        } else if ctx.prop(bucket, "ReplicationConfiguration").is_some() {
            continue;
        }
        let destination = buckets.iter().any(|other| {
            ctx.prop(*other, "ReplicationConfiguration.Rules").is_some_and(|(rules, _)| {
                rules.items().iter().any(|r| {
                    r.get("Destination").and_then(|d| d.get("Bucket")).is_some_and(|b| ctx.refers_to(b, bucket))
                })
            })
        });
        if destination {
            continue;
        }
        let message = format!(
            "`{}` is versioned but not replicated: its only copy is in one region of one account",
            bucket.logical_id
        );
        let range = ctx.header(bucket);
        ctx.report(bucket, range, message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_versioned_buckets_without_replication() {
        let tf = r#"resource "aws_s3_bucket" "legacy" {
  versioning {
    enabled = true
  }
}
resource "aws_s3_bucket" "replicated" {
  versioning {
    enabled = true
  }
}
resource "aws_s3_bucket_replication_configuration" "replicated" {
  bucket = aws_s3_bucket.replicated.id
  rule {
    status = "Enabled"
    destination {
      bucket = aws_s3_bucket.replica.arn
    }
  }
}
resource "aws_s3_bucket" "replica" {
  versioning {
    enabled = true
  }
}
resource "aws_s3_bucket" "unversioned" {
  bucket = "u"
}
module "versioned" {
  source     = "terraform-aws-modules/s3-bucket/aws"
  versioning = { enabled = true }
}
module "module_replicated" {
  source     = "terraform-aws-modules/s3-bucket/aws"
  versioning = { enabled = true }
  replication_configuration = {
    role  = "r"
    rules = [{ status = "Enabled", destination = { bucket = "arn:aws:s3:::elsewhere" } }]
  }
}
resource "aws_s3_bucket" "unknown" {
  versioning {
    enabled = var.versioned
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 28]);
    }

    /// A bucket is a destination by another bucket's own replication configuration, or by a replication
    /// resource, named by reference or by ARN (the two indexes).
    #[test]
    fn destinations_by_inline_configurations_and_by_resources() {
        let tf = r#"resource "aws_s3_bucket" "source" {
  versioning {
    enabled = true
  }
  replication_configuration {
    role = "r"
    rules {
      status = "Enabled"
      destination {
        bucket = aws_s3_bucket.inline_dest.arn
      }
    }
  }
}
resource "aws_s3_bucket" "inline_dest" {
  versioning {
    enabled = true
  }
}
resource "aws_s3_bucket" "by_arn" {
  bucket = "by-arn"
  versioning {
    enabled = true
  }
}
resource "aws_s3_bucket" "other" {
  versioning {
    enabled = true
  }
}
resource "aws_s3_bucket_replication_configuration" "other" {
  bucket = aws_s3_bucket.other.id
  rule {
    status = "Enabled"
    destination {
      bucket = "arn:aws:s3:::by-arn"
    }
  }
}
resource "aws_s3_bucket" "lone" {
  versioning {
    enabled = true
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [40]);
    }

    #[test]
    fn cloudformation_replication() {
        let yaml = r#"Resources:
  Source:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration: {Status: Enabled}
      ReplicationConfiguration:
        Role: r
        Rules:
          - {Status: Enabled, Destination: {Bucket: !GetAtt Replica.Arn}}
  Replica:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration: {Status: Enabled}
  Alone:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration: {Status: Enabled}
  Unversioned:
    Type: AWS::S3::Bucket
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [14]);
    }
}
