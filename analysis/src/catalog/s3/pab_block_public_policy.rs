use crate::cloudformation::check::CfnContext;
use crate::kit::s3_pab::{self, Exposure, Flag};
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "s3-pab-block-public-policy",
    title: "S3 public access block does not block public bucket policies",
    severity: Severity::High,
    row: Row::DataSharing,
    service: "S3",
    why: "`block_public_policy` makes S3 reject bucket policies that grant public access. Without it, a single \
          policy change can expose every object in the bucket to the internet.",
    aws_side: "AWS turns Block Public Access on for new buckets since April 2023, but the Terraform resource \
               `aws_s3_bucket_public_access_block` defaults each setting to `false`. Whether bucket policies \
               may be public is the customer's decision and duty.",
    equivalents: Equivalents { checkov: &["CKV_AWS_54"], kics: &["1a4bc881-9f69-4d44-8c9a-d37d08f54c50"], trivy: &[] },
    related: Related {
        checkov: &[],
        kics: &["860ba89b-b8de-4e72-af54-d6aee4138a69"],
        trivy: &["AVD-AWS-0087", "aws-s3-block-public-policy"],
        how: "Trivy's AVD-AWS-0087 fails every bucket without a public access block; this rule flags such a bucket \
              only when it is public, since S3 has blocked public access by default since April 2023. KICS's \
              CloudFormation S3 Bucket With Public Policy (860ba89b) does the same with every `AWS::S3::Bucket` that \
              has no `PublicAccessBlockConfiguration`.",
    },
    matcher: &Custom {
        what: "Flags public access blocks (bucket, account, or s3-bucket module inputs) whose \
               `block_public_policy` is `false` or left to the provider default `false`, and buckets with a policy \
               open to any principal (that no condition pins to known callers, as S3 itself judges a policy \
               public) that have no public access block.",
        fix: "Set `block_public_policy = true` (ideally all four settings), or add an \
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
  block_public_policy     = false
  ignore_public_acls      = true
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
        BlockPublicPolicy: false
        IgnorePublicAcls: true
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
    name: "block_public_policy",
    consequence: "a bucket policy granting public access can be attached",
    exposure: Exposure::Policy,
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
  block_public_policy = false
}
resource "aws_s3_bucket_public_access_block" "absent" {
  bucket = "b"
}
module "off" {
  source = "terraform-aws-modules/s3-bucket/aws"
  block_public_policy = false
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
  block_public_policy = true
}
resource "aws_s3_bucket_public_access_block" "v" {
  bucket = "b"
  block_public_policy = var.on
}
"#;
        assert!(lines(&RULE, tf).is_empty());
    }
}

#[cfg(test)]
mod public_policy_tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn buckets_with_a_public_policy_and_no_block_are_flagged() {
        let tf = r#"resource "aws_s3_bucket" "site" {
  bucket = "site"
}
resource "aws_s3_bucket_policy" "site" {
  bucket = aws_s3_bucket.site.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject" }] })
}
resource "aws_s3_bucket" "private" {
  bucket = "private"
  policy = jsonencode({ Statement = [{ Effect = "Deny", Principal = "*", Action = "s3:*" }] })
}
"#;
        assert_eq!(lines(&RULE, tf), [1]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }

    #[test]
    fn cloudformation_public_access_blocks() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      PublicAccessBlockConfiguration:\n        BlockPublicPolicy: false\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      PublicAccessBlockConfiguration:\n        BlockPublicAcls: true\n  C:\n    Type: AWS::S3::Bucket\n  D:\n    Type: AWS::S3::Bucket\n    Properties:\n      PublicAccessBlockConfiguration: {BlockPublicPolicy: true}\n  E:\n    Type: AWS::S3::Bucket\n  P:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref E\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: '*'\n            Action: s3:GetObject\n            Resource: '*'\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6, 10, 18]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 3);
    }

    #[test]
    fn a_policy_whose_conditions_pin_the_caller_is_not_public() {
        crate::kit::testing::check_bucket_policy_caller_conditions(&RULE, "s3:GetObject");
    }
}
