use super::common;
use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{line_end, line_start, Edit, Fix};
use crate::responsibility::Row;
use crate::rules::CfnMatcher;
use crate::rules::{Equivalents, Rule, Severity};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use crate::text::TextRange;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "s3-public-acl",
    title: "S3 bucket ACL grants public or any-authenticated-user access",
    severity: Severity::Critical,
    row: Row::DataSharing,
    service: "S3",
    what: "Flags S3 buckets whose ACL is `public-read`, `public-read-write` or `authenticated-read`, or grants \
           access to the `AllUsers` or `AuthenticatedUsers` groups: on the bucket, in an `aws_s3_bucket_acl` \
           resource, or through the s3-bucket registry module.",
    why: "A public-read ACL lets anyone on the internet list and download every object in the bucket; \
          public-read-write also lets anyone upload, overwrite and delete them. `authenticated-read` is barely \
          narrower: `AuthenticatedUsers` means any AWS account in the world, not your accounts. Leaked buckets \
          are one of the most common causes of cloud data breaches.",
    aws_side: "AWS stores the objects durably and enforces whatever ACL you set, and blocks public ACLs on new \
               buckets by default since April 2023. Choosing who may read and write the data is the \
               customer's duty: an explicit public ACL takes effect wherever Block Public Access has been \
               turned off.",
    fix: "Set the ACL to `private` (or remove it and use bucket policies with specific principals), and remove \
          grants to the `AllUsers`/`AuthenticatedUsers` groups. Serve public content through CloudFront with an \
          origin access control instead.",
    example: r#"resource "aws_s3_bucket" "site" {
  bucket = "my-site"
  acl    = "public-read"
}"#,
    fixed_example: r#"resource "aws_s3_bucket" "site" {
  bucket = "my-site"
  acl    = "private"
}"#,
    equivalents: Equivalents {
        checkov: &["CKV_AWS_20", "CKV_AWS_57", "CKV2_AWS_43"],
        kics: &["38c5ee0d-7f22-4260-ab72-5073048df100", "57b9893d-33b1-4419-bcea-a717ea87e139"],
        trivy: &["AVD-AWS-0092", "aws-s3-no-public-access-with-acl"],
    },
    resource_types: &["aws_s3_bucket", "aws_s3_bucket_acl"],
    terraform: Some(check),
    cloudformation: Some(CfnMatcher {
        resource_types: &["AWS::S3::Bucket"],
        check: check_cfn,
        example: r#"Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicRead
"#,
        fixed_example: r#"Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: Private
"#,
    }),
    has_fix: true,
};

/// CloudFormation's canned ACLs that open a bucket: `AccessControl` of `AWS::S3::Bucket`.
const PUBLIC_CFN_ACLS: [(&str, &str); 3] =
    [("PublicRead", "everyone"), ("PublicReadWrite", "everyone"), ("AuthenticatedRead", "any AWS account")];

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::S3::Bucket").collect::<Vec<_>>() {
        let Some((node, value)) = ctx.prop(res, "AccessControl") else { continue };
        let Some((acl, who)) = PUBLIC_CFN_ACLS.iter().find(|(acl, _)| value.as_str() == Some(acl)) else { continue };
        let range = ctx.prop_range(res, "AccessControl").unwrap_or(node.range);
        let fix =
            Fix::new("Make the ACL private", vec![cfn_edit::replace_value(ctx.template, node, &json!("Private"))]);
        let message = format!("`{}` grants {who} {acl} access", res.logical_id);
        ctx.report(res, range, message).fixes.push(fix);
    }
}

/// Whom a canned ACL opens the bucket to.
fn audience(acl: &str) -> &'static str {
    if acl == "authenticated-read" {
        "any AWS account"
    } else {
        "everyone"
    }
}

fn check(ctx: &mut TfContext) {
    let mut targets: Vec<(Resource, Option<String>)> =
        common::buckets(ctx).into_iter().map(|b| (b, Some(b.address()))).collect();
    for acl in ctx.resources("aws_s3_bucket_acl").collect::<Vec<_>>() {
        let id = acl.block.attr("bucket").and_then(|a| common::bucket_id(ctx, &a.expr));
        targets.push((acl, id));
    }
    for (res, id) in targets {
        // Public ACLs are inert where a public access block ignores them.
        if id.as_deref().is_some_and(|id| common::flag_on(ctx, id, "ignore_public_acls")) {
            continue;
        }
        let file = ctx.file(res);
        if let Some((attr, acl)) = common::public_canned_acl(ctx, res) {
            let fix =
                Fix::new("Make the ACL private", vec![edit::set_attribute(file, res.block, "acl", "\"private\"")]);
            let message = format!("`{}` grants {} {acl} access", res.address(), audience(&acl));
            ctx.report_with_fix(res, attr.range, message, fix);
        }
        for (grant, who) in common::public_grants(ctx, res) {
            let message = format!("`{}` has an ACL grant to {who}", res.address());
            let finding = ctx.report(res, grant.range(), message);
            if let Some(block) = grant.block().filter(|_| !grant.is_dynamic()) {
                let src = &file.source;
                let range = TextRange::new(line_start(src, block.range.start), line_end(src, block.range.end));
                let fix = Fix::unsafe_("Remove the public grant", vec![Edit { range, text: String::new() }]);
                finding.fixes.push(fix);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{check_fixes, lines};

    #[test]
    fn flags_public_canned_acls_in_every_form() {
        let tf = r#"resource "aws_s3_bucket" "a" {
  acl = "public-read-write"
}
resource "aws_s3_bucket" "b" {
  acl = "authenticated-read"
}
resource "aws_s3_bucket" "c" {
  acl = "private"
}
resource "aws_s3_bucket_acl" "d" {
  bucket = aws_s3_bucket.c.id
  acl    = "public-read"
}
module "m" {
  source  = "terraform-aws-modules/s3-bucket/aws"
  version = "3.7.0"
  acl     = "authenticated-read"
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 5, 17, 12]);
        assert_eq!(check_fixes(&RULE, tf), 4);
    }

    #[test]
    fn flags_grants_to_public_groups() {
        let tf = r#"resource "aws_s3_bucket_acl" "a" {
  bucket = "x"
  access_control_policy {
    grant {
      grantee {
        type = "Group"
        uri  = "http://acs.amazonaws.com/groups/global/AllUsers"
      }
      permission = "READ"
    }
    grant {
      grantee {
        type = "CanonicalUser"
        id   = "abc"
      }
      permission = "FULL_CONTROL"
    }
    owner {
      id = "abc"
    }
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [4]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }

    #[test]
    fn unknown_and_ignored_acls_are_not_flagged() {
        let tf = r#"variable "acl" {}
resource "aws_s3_bucket" "a" {
  acl = var.acl
}
resource "aws_s3_bucket" "b" {
  acl = "public-read"
}
resource "aws_s3_bucket_public_access_block" "b" {
  bucket             = aws_s3_bucket.b.id
  ignore_public_acls = true
}
module "new" {
  source = "terraform-aws-modules/s3-bucket/aws"
  acl    = "public-read"
}
resource "aws_s3_bucket" "half" {
  acl =
}
"#;
        assert!(lines(&RULE, tf).is_empty());
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::rules::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicReadWrite\n  B:\n    Type: AWS::S3::Bucket\n    Properties: {AccessControl: !Ref Acl}\n  C:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: Private\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
        let json = r#"{"Parameters": {"Acl": {"Type": "String", "Default": "AuthenticatedRead"}},
  "Resources": {"A": {"Type": "AWS::S3::Bucket", "Properties": {"AccessControl": {"Ref": "Acl"}}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [2]);
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
