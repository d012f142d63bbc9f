use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rules::{Equivalents, Rule, Severity};
use crate::terraform::check::TfContext;
use crate::terraform::edit;

pub static RULE: Rule = Rule {
    id: "s3-public-acl",
    title: "S3 bucket ACL grants public read or write",
    severity: Severity::Critical,
    row: Row::DataSharing,
    service: "S3",
    what: "Flags S3 buckets whose canned ACL is `public-read` or `public-read-write`, set on the bucket or \
           through an `aws_s3_bucket_acl` resource.",
    why: "A public-read ACL lets anyone on the internet list and download every object in the bucket; \
          public-read-write also lets anyone upload, overwrite and delete them. Leaked buckets are one of the \
          most common causes of cloud data breaches.",
    aws_side: "AWS stores the objects durably and enforces whatever ACL you set, and blocks public ACLs on new \
               buckets by default since April 2023. Choosing who may read and write the data is the \
               customer's duty: an explicit public ACL overrides that protection where Block Public Access is \
               turned off.",
    fix: "Set the ACL to `private` (or remove it and use bucket policies with specific principals). Serve public \
          content through CloudFront with an origin access control instead.",
    example: r#"resource "aws_s3_bucket" "site" {
  bucket = "my-site"
  acl    = "public-read"
}"#,
    fixed_example: r#"resource "aws_s3_bucket" "site" {
  bucket = "my-site"
  acl    = "private"
}"#,
    equivalents: Equivalents {
        checkov: &["CKV_AWS_20", "CKV_AWS_57"],
        kics: &["38c5ee0d-7f22-4260-ab72-5073048df100"],
        trivy: &["AVD-AWS-0092", "aws-s3-no-public-access-with-acl"],
    },
    resource_types: &["aws_s3_bucket", "aws_s3_bucket_acl"],
    terraform: Some(check),
    cloudformation: None,
    has_fix: true,
};

const PUBLIC_ACLS: [&str; 2] = ["public-read", "public-read-write"];

fn check(ctx: &mut TfContext) {
    for ty in ["aws_s3_bucket", "aws_s3_bucket_acl"] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let Some((attr, value)) = ctx.attr(res.block, "acl") else { continue };
            let Some(acl) = value.as_str().filter(|v| PUBLIC_ACLS.contains(v)) else { continue };
            let file = ctx.file(res);
            let fix = Fix::new(
                "Make the bucket ACL private",
                vec![edit::set_attribute(file, res.block, "acl", "\"private\"")],
            );
            ctx.report_with_fix(res, attr.range, format!("`{}` grants everyone {acl} access", res.address()), fix);
        }
    }
}
