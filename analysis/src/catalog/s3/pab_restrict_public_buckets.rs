use crate::cloudformation::check::CfnContext;
use crate::kit::s3_pab::{self, Exposure, Flag};
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "s3-pab-restrict-public-buckets",
    title: "S3 public access block does not restrict public buckets",
    severity: Severity::High,
    row: Row::DataSharing,
    service: "S3",
    why: "`restrict_public_buckets` limits a bucket with a public policy to AWS service principals and users \
          of the bucket owner's account. Without it, an existing public policy keeps serving the data to \
          anyone.",
    aws_side: "AWS evaluates the bucket policy you attach and offers Block Public Access to cut off public \
               ones; the Terraform resource defaults each setting to `false`. Turning it on is the customer's \
               duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_56"],
        kics: &["1ec253ab-c220-4d63-b2de-5b40e0af9293", "350cd468-0e2c-44ef-9d22-cfb73a62523c"],
        trivy: &[],
    },
    related: Related {
        checkov: &[],
        kics: &[],
        trivy: &["AVD-AWS-0093", "aws-s3-no-public-buckets"],
        how: "Trivy's AVD-AWS-0093 fails every bucket without a public access block; this rule flags such a bucket \
              only when it is public, since S3 has blocked public access by default since April 2023.",
    },
    matcher: &Custom {
        what: "Flags public access blocks (bucket, account, or s3-bucket module inputs) whose \
               `restrict_public_buckets` is `false` or left to the provider default `false`, and buckets with a \
               policy open to any principal (that no condition pins to known callers, as S3 itself judges a policy \
               public) that have no public access block.",
        fix: "Set `restrict_public_buckets = true` (ideally all four settings), or add an \
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
  ignore_public_acls      = true
  restrict_public_buckets = false
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
        IgnorePublicAcls: true
        RestrictPublicBuckets: false
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
    name: "restrict_public_buckets",
    consequence: "a public bucket policy still gives anonymous and cross-account access",
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
  restrict_public_buckets = false
}
resource "aws_s3_bucket_public_access_block" "absent" {
  bucket = "b"
}
module "off" {
  source = "terraform-aws-modules/s3-bucket/aws"
  restrict_public_buckets = false
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
  restrict_public_buckets = true
}
resource "aws_s3_bucket_public_access_block" "v" {
  bucket = "b"
  restrict_public_buckets = var.on
}
"#;
        assert!(lines(&RULE, tf).is_empty());
    }

    #[test]
    fn cloudformation_public_access_blocks() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      PublicAccessBlockConfiguration:\n        RestrictPublicBuckets: false\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      PublicAccessBlockConfiguration:\n        BlockPublicAcls: true\n  C:\n    Type: AWS::S3::Bucket\n  D:\n    Type: AWS::S3::Bucket\n    Properties:\n      PublicAccessBlockConfiguration: {RestrictPublicBuckets: true}\n  E:\n    Type: AWS::S3::Bucket\n  P:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref E\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: '*'\n            Action: s3:GetObject\n            Resource: '*'\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6, 10, 18]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 3);
    }

    #[test]
    fn a_policy_whose_conditions_pin_the_caller_is_not_public() {
        crate::kit::testing::check_bucket_policy_caller_conditions(&RULE, "s3:GetObject");
    }
}
