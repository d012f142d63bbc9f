use super::pab::{self, Exposure, Flag};
use crate::responsibility::Row;
use crate::rules::{Equivalents, Rule, Severity};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "s3-pab-block-public-acls",
    title: "S3 public access block does not block public ACLs",
    severity: Severity::High,
    row: Row::DataSharing,
    service: "S3",
    what: "Flags public access blocks (bucket, account, or s3-bucket module inputs) whose `block_public_acls` \
           is `false` or left to the provider default `false`, and buckets with a public ACL that have no \
           public access block.",
    why: "`block_public_acls` makes S3 reject any request that would set a public ACL on the bucket or its \
          objects. Without it, one `PutObjectAcl` call (by a person, a tool or an application bug) can publish \
          data to the whole internet.",
    aws_side: "AWS turns Block Public Access on for new buckets created in the console and API since April \
               2023, but the Terraform resource `aws_s3_bucket_public_access_block` defaults each setting to \
               `false`, and older buckets, modules and accounts keep what they had. Keeping the block on is \
               the customer's duty.",
    fix: "Set `block_public_acls = true` (ideally all four settings), or add an \
          `aws_s3_bucket_public_access_block` for the bucket.",
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
    equivalents: Equivalents {
        checkov: &["CKV_AWS_53"],
        kics: &["d0cc8694-fcad-43ff-ac86-32331d7e867f"],
        trivy: &["AVD-AWS-0086", "aws-s3-block-public-acls"],
    },
    resource_types: &["aws_s3_bucket_public_access_block", "aws_s3_account_public_access_block", "aws_s3_bucket"],
    terraform: Some(check),
    has_fix: true,
};

static FLAG: Flag = Flag {
    name: "block_public_acls",
    consequence: "new public ACLs can be set on the bucket and its objects",
    exposure: Exposure::Acl,
};

fn check(ctx: &mut TfContext) {
    pab::check(ctx, &FLAG);
}
