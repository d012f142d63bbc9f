use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::kit::{s3, s3_cfn};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "s3-public-acl-blocked-by-public-access-block",
    title: "S3 bucket has a public ACL that its public access block overrides",
    severity: Severity::Low,
    row: Row::DataSharing,
    service: "S3",
    why: "The configuration contradicts itself: the ACL says public, the block says no. With `block_public_acls` \
          the apply fails or drifts; with `ignore_public_acls` the grant is stored and becomes live the day \
          someone relaxes the block.",
    aws_side: "S3 resolves the conflict in favour of Block Public Access; removing the latent public grant is the \
               customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["bf878b1a-7418-4de3-b13c-3a86cf894920"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags public canned ACLs (`public-read`, `public-read-write`, `authenticated-read`; on the bucket, an \
               `aws_s3_bucket_acl` or the s3-bucket module; `AccessControl` in CloudFormation) on buckets whose \
               public access block (or the account's) blocks or ignores public ACLs.",
        fix: "Set the ACL to `private` (the quick-fix), and grant what readers need in the bucket policy.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_s3_bucket", "aws_s3_bucket_acl"],
            check,
            example: r#"resource "aws_s3_bucket_acl" "site" {
  bucket = aws_s3_bucket.site.id
  acl    = "public-read"
}

resource "aws_s3_bucket_public_access_block" "site" {
  bucket             = aws_s3_bucket.site.id
  block_public_acls  = true
  ignore_public_acls = true
}"#,
            fixed_example: r#"resource "aws_s3_bucket_acl" "site" {
  bucket = aws_s3_bucket.site.id
  acl    = "private"
}

resource "aws_s3_bucket_public_access_block" "site" {
  bucket             = aws_s3_bucket.site.id
  block_public_acls  = true
  ignore_public_acls = true
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::S3::Bucket"],
            check: check_cfn,
            example: r#"Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicRead
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        IgnorePublicAcls: true
"#,
            fixed_example: r#"Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: Private
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        IgnorePublicAcls: true
"#,
        }),
    },
};

const FIX: &str = "Make the ACL private";

fn blocked(ctx: &TfContext, id: &str) -> bool {
    crate::kit::companions::read_all(ctx, s3::PAB);
    s3::flag_on(ctx, id, "block_public_acls") || s3::flag_on(ctx, id, "ignore_public_acls")
}

fn report(ctx: &mut TfContext, res: Resource) {
    let Some((attr, acl)) = s3::public_canned_acl(ctx, res) else { return };
    let message = format!(
        "`{}` sets the public ACL `{acl}`, which the bucket's public access block overrides: the grant waits for \
         the block to be relaxed",
        res.address()
    );
    let fix = Fix::new(FIX, vec![Edit { range: attr.expr.range, text: "\"private\"".into() }]);
    ctx.report_with_fix(res, attr.range, message, fix);
}

fn check(ctx: &mut TfContext) {
    for bucket in s3::buckets(ctx) {
        if blocked(ctx, &bucket.address()) {
            report(ctx, bucket);
        }
    }
    for acl in ctx.resources("aws_s3_bucket_acl").collect::<Vec<_>>() {
        let Some(id) = acl.block.attr("bucket").and_then(|a| s3::bucket_id(ctx, &a.expr)) else { continue };
        if blocked(ctx, &id) {
            report(ctx, acl);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for bucket in ctx.resources(s3_cfn::BUCKET).collect::<Vec<_>>() {
        if !s3_cfn::has_public_acl(ctx, bucket) {
            continue;
        }
        let on = |flag: &str| {
            ctx.prop(bucket, &format!("PublicAccessBlockConfiguration.{flag}"))
                .is_some_and(|(_, v)| v.as_bool() == Some(true))
        };
        if !(on("BlockPublicAcls") || on("IgnorePublicAcls")) {
            continue;
        }
        let Some((node, acl)) = ctx.prop(bucket, "AccessControl") else { continue };
        let message = format!(
            "`{}` sets the public ACL `{}`, which its public access block overrides: the grant waits for the \
             block to be relaxed",
            bucket.logical_id,
            acl.as_str().unwrap_or("")
        );
        let fix = Fix::new(FIX, vec![cfn_edit::replace_value(ctx.template, node, &json!("Private"))]);
        let range = ctx.prop_range(bucket, "AccessControl").unwrap_or(node.range);
        ctx.report(bucket, range, message).fixes.push(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_public_acls_the_block_overrides() {
        let tf = r#"resource "aws_s3_bucket" "public" {
  bucket = "bucket-with-public-acl-3"
  acl    = "public-read-write"
}
resource "aws_s3_bucket_public_access_block" "public" {
  bucket                  = aws_s3_bucket.public.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
module "s3_bucket" {
  source            = "terraform-aws-modules/s3-bucket/aws"
  acl               = "public-read-write"
  block_public_acls = true
}
resource "aws_s3_bucket" "bu" {
  bucket = "my-tf-test-bucket"
}
resource "aws_s3_bucket_acl" "bu" {
  bucket = aws_s3_bucket.bu.id
  acl    = "public-read"
}
resource "aws_s3_bucket_public_access_block" "bu" {
  bucket             = aws_s3_bucket.bu.id
  ignore_public_acls = true
}
resource "aws_s3_bucket" "open" {
  acl = "public-read"
}
resource "aws_s3_bucket_public_access_block" "open" {
  bucket             = aws_s3_bucket.open.id
  block_public_acls  = false
  ignore_public_acls = false
}
resource "aws_s3_bucket" "unknown" {
  acl = var.acl
}
resource "aws_s3_bucket_public_access_block" "unknown" {
  bucket            = aws_s3_bucket.unknown.id
  block_public_acls = true
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 14, 22]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn cloudformation_public_acls_under_a_block() {
        let yaml = "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n      PublicAccessBlockConfiguration:\n        IgnorePublicAcls: true\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
