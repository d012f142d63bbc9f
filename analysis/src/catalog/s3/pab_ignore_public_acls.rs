use crate::cloudformation::check::CfnContext;
use crate::kit::s3_pab::{self, Exposure, Flag};
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "s3-pab-ignore-public-acls",
    title: "S3 public access block does not ignore public ACLs",
    severity: Severity::High,
    row: Row::DataSharing,
    service: "S3",
    why: "`ignore_public_acls` makes S3 disregard every public ACL on the bucket and its objects, including \
          ones set long ago or by other tools. Without it, an object uploaded with `x-amz-acl: public-read` is \
          readable by anyone.",
    aws_side: "AWS enforces the ACLs it is given and offers Block Public Access to neutralise public ones; the \
               Terraform resource defaults each setting to `false`. Turning it on is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_55"],
        kics: &["4fa66806-0dd9-4f8d-9480-3174d39c7c91", "6c8d51af-218d-4bfb-94a9-94eabaa0703a"],
        trivy: &[],
    },
    related: Related {
        checkov: &[],
        kics: &[],
        trivy: &["AVD-AWS-0091", "aws-s3-ignore-public-acls"],
        how: "Trivy's AVD-AWS-0091 fails every bucket without a public access block; this rule flags such a bucket \
              only when it is public, since S3 has blocked public access by default since April 2023.",
    },
    matcher: &Custom {
        what: "Flags public access blocks (bucket, account, or s3-bucket module inputs) whose `ignore_public_acls` \
               is `false` or left to the provider default `false`, and buckets with a public ACL that have no \
               public access block.",
        fix: "Set `ignore_public_acls = true` (ideally all four settings), or add an \
              `aws_s3_bucket_public_access_block` for the bucket.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &[
                "aws_s3_bucket_public_access_block",
                "aws_s3_account_public_access_block",
                "aws_s3_bucket",
            ],
            check,
            example: r#"resource "aws_s3_bucket_public_access_block" "data" {
  bucket = "my-data"

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = false
  restrict_public_buckets = true
}"#,
            fixed_example: r#"resource "aws_s3_bucket_public_access_block" "data" {
  bucket = "my-data"

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::S3::Bucket"],
            check: check_cfn,
            example: r#"Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        BlockPublicPolicy: true
        IgnorePublicAcls: false
        RestrictPublicBuckets: true
"#,
            fixed_example: r#"Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        BlockPublicPolicy: true
        IgnorePublicAcls: true
        RestrictPublicBuckets: true
"#,
        }),
    },
};

static FLAG: Flag = Flag {
    name: "ignore_public_acls",
    consequence: "public ACLs already on the bucket and its objects still take effect",
    exposure: Exposure::Acl,
};

fn check(ctx: &mut TfContext) {
    s3_pab::check(ctx, &FLAG);
}

fn check_cfn(ctx: &mut CfnContext) {
    s3_pab::check_cfn(ctx, &FLAG);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_the_setting_off_or_absent() {
        let tf = r#"resource "aws_s3_bucket_public_access_block" "off" {
  bucket = "a"
  ignore_public_acls = false
}
resource "aws_s3_bucket_public_access_block" "absent" {
  bucket = "b"
}
module "off" {
  source = "terraform-aws-modules/s3-bucket/aws"
  ignore_public_acls = false
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 5, 10]);
        assert!(check_fixes(&RULE, tf) >= 3);
    }

    #[test]
    fn on_and_unknown_are_not_flagged() {
        let tf = r#"variable "on" {}
resource "aws_s3_bucket_public_access_block" "on" {
  bucket = "a"
  ignore_public_acls = true
}
resource "aws_s3_bucket_public_access_block" "v" {
  bucket = "b"
  ignore_public_acls = var.on
}
"#;
        assert!(lines(&RULE, tf).is_empty());
    }

    #[test]
    fn cloudformation_public_access_blocks() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      PublicAccessBlockConfiguration:\n        IgnorePublicAcls: false\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      PublicAccessBlockConfiguration:\n        BlockPublicAcls: true\n  C:\n    Type: AWS::S3::Bucket\n  D:\n    Type: AWS::S3::Bucket\n    Properties:\n      PublicAccessBlockConfiguration: {IgnorePublicAcls: true}\n  E:\n    Type: AWS::S3::Bucket\n    Properties: {AccessControl: PublicRead}\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6, 10, 18]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 3);
    }
}
