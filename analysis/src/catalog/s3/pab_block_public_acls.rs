use crate::cloudformation::check::CfnContext;
use crate::kit::s3_pab::{self, Exposure, Flag};
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "s3-pab-block-public-acls",
    title: "S3 public access block does not block public ACLs",
    severity: Severity::High,
    row: Row::DataSharing,
    service: "S3",
    why: "`block_public_acls` makes S3 reject any request that would set a public ACL on the bucket or its \
          objects. Without it, one `PutObjectAcl` call (by a person, a tool or an application bug) can publish \
          data to the whole internet.",
    aws_side: "AWS turns Block Public Access on for new buckets created in the console and API since April \
               2023, but the Terraform resource `aws_s3_bucket_public_access_block` defaults each setting to \
               `false`, and older buckets, modules and accounts keep what they had. Keeping the block on is \
               the customer's duty.",
    equivalents: Equivalents { checkov: &["CKV_AWS_53"], kics: &["d0cc8694-fcad-43ff-ac86-32331d7e867f"], trivy: &[] },
    related: Related {
        checkov: &[],
        kics: &["48f100d9-f499-4c6d-b2b8-deafe47ffb26"],
        trivy: &["AVD-AWS-0086", "aws-s3-block-public-acls"],
        how: "Trivy's AVD-AWS-0086 fails every bucket without a public access block; this rule flags such a bucket \
              only when it is public, since S3 has blocked public access by default since April 2023. KICS's \
              CloudFormation S3 Bucket Allows Public ACL (48f100d9) does the same with every `AWS::S3::Bucket` that \
              has no `PublicAccessBlockConfiguration`.",
    },
    matcher: &Custom {
        what: "Flags public access blocks (bucket, account, or s3-bucket module inputs) whose `block_public_acls` \
               is `false` or left to the provider default `false`, and buckets with a public ACL that have no \
               public access block.",
        fix: "Set `block_public_acls = true` (ideally all four settings), or add an \
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

  block_public_acls       = false
  block_public_policy     = true
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
        BlockPublicAcls: false
        BlockPublicPolicy: true
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
    name: "block_public_acls",
    consequence: "new public ACLs can be set on the bucket and its objects",
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
    use crate::kit::testing::{check_fixes, lines, run};

    #[test]
    fn flags_blocks_that_allow_public_acls() {
        let tf = r#"resource "aws_s3_bucket_public_access_block" "off" {
  bucket            = aws_s3_bucket.example.id
  block_public_acls = false
}
resource "aws_s3_bucket_public_access_block" "absent" {
  bucket              = aws_s3_bucket.example.id
  block_public_policy = true
}
resource "aws_s3_account_public_access_block" "account" {
  block_public_acls = "false"
}
module "old" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  version = "3.7.0"
}
module "off" {
  source            = "terraform-aws-modules/s3-bucket/aws"
  block_public_acls = false
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 5, 10, 12, 18]);
        // One fix per finding, plus "all four" where more than one setting is off.
        assert_eq!(check_fixes(&RULE, tf), 10);
    }

    #[test]
    fn public_buckets_without_a_block_get_one() {
        let tf = r#"resource "aws_s3_bucket" "site" {
  bucket = "site"
  acl    = "public-read"
}

resource "aws_s3_bucket" "files" {
  bucket = "files"
}

resource "aws_s3_bucket_acl" "files" {
  bucket = aws_s3_bucket.files.id
  acl    = "public-read-write"
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 6]);
        assert_eq!(check_fixes(&RULE, tf), 2);
        let fixed = run(&RULE, tf)[0].fixes[0].apply(tf);
        assert!(fixed.contains(
            "}\n\nresource \"aws_s3_bucket_public_access_block\" \"site\" {\n  bucket = aws_s3_bucket.site.id\n\n  block_public_acls       = true\n"
        ), "{fixed}");
    }

    #[test]
    fn protected_private_and_unknown_are_not_flagged() {
        let tf = r#"variable "on" {}
resource "aws_s3_bucket" "private" {
  bucket = "private"
}
resource "aws_s3_bucket" "public" {
  bucket = "public"
  acl    = "public-read"
}
resource "aws_s3_bucket_public_access_block" "public" {
  bucket            = "public"
  block_public_acls = true
}
resource "aws_s3_bucket_public_access_block" "unknown" {
  bucket            = "x"
  block_public_acls = var.on
}
module "new" {
  source = "terraform-aws-modules/s3-bucket/aws"
}
module "pinned_new" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  version = "~> 3.0"
}
"#;
        assert!(lines(&RULE, tf).is_empty());
        let account = r#"resource "aws_s3_account_public_access_block" "all" {
  block_public_acls = true
}
resource "aws_s3_bucket" "public" {
  acl = "public-read"
}
"#;
        assert!(lines(&RULE, account).is_empty());
    }

    #[test]
    fn cloudformation_public_access_blocks() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      PublicAccessBlockConfiguration:\n        BlockPublicAcls: false\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      PublicAccessBlockConfiguration:\n        BlockPublicPolicy: true\n  C:\n    Type: AWS::S3::Bucket\n  D:\n    Type: AWS::S3::Bucket\n    Properties:\n      PublicAccessBlockConfiguration: {BlockPublicAcls: true}\n  E:\n    Type: AWS::S3::Bucket\n    Properties: {AccessControl: PublicRead}\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6, 10, 18]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 3);
    }
}
