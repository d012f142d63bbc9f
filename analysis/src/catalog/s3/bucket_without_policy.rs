use crate::cloudformation::check::CfnContext;
use crate::fix::Fix;
use crate::kit::{s3, s3_cfn};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "s3-bucket-without-policy",
    title: "S3 bucket has no bucket policy",
    severity: Severity::Low,
    row: Row::AccessRestriction,
    service: "S3",
    why: "Without a bucket policy nothing on the bucket itself enforces TLS, restricts access to your VPC \
          endpoints or organisation, or denies unexpected principals: access rests on IAM policies alone.",
    aws_side: "S3 works without a bucket policy; whether to add defensive deny statements is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["37fa8188-738b-42c8-bf82-6334ea567738"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags S3 buckets that no bucket policy attaches to: no `aws_s3_bucket_policy` naming the bucket, no \
               legacy `policy`, no policy input of the s3-bucket module (`attach_policy`, \
               `attach_deny_insecure_transport_policy`...); in CloudFormation, no `AWS::S3::BucketPolicy` whose \
               `Bucket` names the bucket (by `!Ref`, logical id or `BucketName`).",
        fix: "Attach a bucket policy; at least one that denies requests without TLS (the quick-fix writes it).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_s3_bucket"],
            check,
            example: r#"resource "aws_s3_bucket" "data" {
  bucket = "data"
}"#,
            fixed_example: r#"resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket_policy" "data" {
  bucket = aws_s3_bucket.data.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.data.arn, "${aws_s3_bucket.data.arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::S3::Bucket"],
            check: check_cfn,
            example: r#"Resources:
  Data:
    Type: AWS::S3::Bucket
"#,
            fixed_example: r#"Resources:
  Data:
    Type: AWS::S3::Bucket
  DataPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Data
      PolicyDocument:
        Statement:
          - Sid: DenyInsecureTransport
            Effect: Deny
            Principal: '*'
            Action: s3:*
            Resource:
              - !GetAtt Data.Arn
              - !Sub ${Data.Arn}/*
            Condition:
              Bool:
                aws:SecureTransport: 'false'
"#,
        }),
    },
};

const FIX: &str = "Attach a policy denying requests without TLS";
const WHAT: &str = "has no bucket policy: nothing on the bucket denies requests without TLS or from unexpected \
                    principals";

/// Whether an s3-bucket module call attaches a policy: any `attach_..._policy` input that is true (or unknown).
fn module_attaches_policy(ctx: &TfContext, module: Resource) -> bool {
    module.block.attributes.iter().any(|a| {
        a.name.starts_with("attach_")
            && a.name.ends_with("policy")
            && match ctx.eval(&a.expr) {
                Value::Unknown => true,
                v => v.as_bool() == Some(true),
            }
    })
}

fn companion_text(ctx: &TfContext, bucket: Resource) -> String {
    let name = s3::companion_name(ctx, bucket, "aws_s3_bucket_policy");
    let address = bucket.address();
    format!(
        r#"resource "aws_s3_bucket_policy" "{name}" {{
  bucket = {address}.id
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [{address}.arn, "${{{address}.arn}}/*"]
      Condition = {{ Bool = {{ "aws:SecureTransport" = "false" }} }}
    }}]
  }})
}}"#
    )
}

fn check(ctx: &mut TfContext) {
    for bucket in s3::buckets(ctx) {
        let file = ctx.file(bucket);
        let fix = if bucket.is_module() {
            if module_attaches_policy(ctx, bucket) {
                continue;
            }
            edit::set_attribute(file, bucket.block, "attach_deny_insecure_transport_policy", "true")
        } else {
            if bucket.block.attr("policy").is_some() || !s3::companions(ctx, bucket, "aws_s3_bucket_policy").is_empty()
            {
                continue;
            }
            edit::insert_after(file, bucket.block, &companion_text(ctx, bucket))
        };
        let message = format!("`{}` {WHAT}", bucket.address());
        ctx.report(bucket, bucket.block.header, message).fixes.push(Fix::unsafe_(FIX, vec![fix]));
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for bucket in ctx.resources(s3_cfn::BUCKET).collect::<Vec<_>>() {
        if !s3_cfn::policies_naming(ctx, bucket).is_empty() || s3_cfn::may_have_policy(ctx, bucket) {
            continue;
        }
        let id = bucket.logical_id;
        let policy = s3_cfn::deny_insecure_transport_policy(id);
        let fix = crate::kit::setting::add_cfn_resource(ctx, &format!("{id}Policy"), &policy)
            .map(|e| Fix::unsafe_(FIX, vec![e]));
        let range = ctx.header(bucket);
        ctx.report(bucket, range, format!("`{id}` {WHAT}")).fixes.extend(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_buckets_without_a_policy() {
        let tf = r#"resource "aws_s3_bucket" "bare" {
  bucket = "bare"
}
resource "aws_s3_bucket" "attached" {
  bucket = "attached"
}
resource "aws_s3_bucket_policy" "attached" {
  bucket = aws_s3_bucket.attached.id
  policy = var.policy
}
resource "aws_s3_bucket" "by_name" {
  bucket = "by-name"
}
resource "aws_s3_bucket_policy" "by_name" {
  bucket = "by-name"
  policy = var.policy
}
resource "aws_s3_bucket" "legacy" {
  bucket = "legacy"
  policy = var.policy
}
module "plain" {
  source = "terraform-aws-modules/s3-bucket/aws"
  bucket = "plain"
}
module "tls" {
  source                                = "terraform-aws-modules/s3-bucket/aws"
  attach_deny_insecure_transport_policy = true
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 22]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_policies_name_buckets_several_ways() {
        let yaml = r#"Resources:
  ByRef:
    Type: AWS::S3::Bucket
  ByRefPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref ByRef
      PolicyDocument: {Statement: []}
  ByName:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: docexamplebucket
  ByNamePolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref docexamplebucket
      PolicyDocument: {Statement: []}
  Other:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: docexamplebucket1
  OtherPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: docexamplebucket2
      PolicyDocument: {Statement: []}
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [18]);
        // A policy naming the bucket with the same expression as its name, or with one that cannot be resolved.
        let sub = r#"Parameters:
  AppName: {Type: String}
Resources:
  Logs:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub ${AppName}-logs-${AWS::Region}
  LogsPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Sub ${AppName}-logs-${AWS::Region}
      PolicyDocument: {Statement: []}
  Imported:
    Type: AWS::S3::Bucket
  ImportedPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !ImportValue shared-bucket-name
      PolicyDocument: {Statement: []}
"#;
        assert!(cfn_lines(&RULE, sub).is_empty());
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
        let (example, _) = crate::kit::testing::cfn_example(&RULE);
        assert_eq!(check_cfn_fixes(&RULE, &example), 1);
    }
}
