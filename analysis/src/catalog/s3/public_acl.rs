//! Bucket ACLs that open a bucket, as three rules by what they expose (as Checkov and KICS split them): public
//! read, public write, and read by any AWS account. One matcher serves all three.

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{line_end, line_start, Edit, Fix};
use crate::kit::s3;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use crate::text::TextRange;
use serde_json::json;

const AWS_SIDE: &str = "AWS stores the objects durably and enforces whatever ACL you set, and blocks public ACLs \
                        on new buckets by default since April 2023. Choosing who may read and write the data is \
                        the customer's duty: an explicit public ACL takes effect wherever Block Public Access has \
                        been turned off.";
const FIX: &str = "Set the ACL to `private` (or remove it and use bucket policies with specific principals), and \
                   remove grants to the `AllUsers`/`AuthenticatedUsers` groups. Serve public content through \
                   CloudFront with an origin access control instead.";

pub static RULE: Rule = Rule {
    id: "s3-public-acl",
    title: "S3 bucket ACL grants public read access",
    severity: Severity::Critical,
    row: Row::DataSharing,
    service: "S3",
    why: "A public-read ACL lets anyone on the internet list and download every object in the bucket. Leaked \
          buckets are one of the most common causes of cloud data breaches.",
    aws_side: AWS_SIDE,
    equivalents: Equivalents {
        checkov: &["CKV_AWS_20"],
        kics: &["219f4c95-aa50-44e0-97de-cf71f4641170"],
        trivy: &["AVD-AWS-0092", "aws-s3-no-public-access-with-acl"],
    },
    related: Related {
        checkov: &[],
        kics: &["38c5ee0d-7f22-4260-ab72-5073048df100", "bd0088a5-c133-4b20-b129-ec9968b16ef3"],
        trivy: &[],
        how: "KICS's Terraform S3 Bucket ACL Allows Read Or Write to All Users (38c5ee0d) fails the canned ACLs \
              `public-read` and `public-read-write` only (an `aws_s3_bucket_acl` only when its bucket is declared); \
              this rule also flags READ grants to `AllUsers`, and leaves `public-read-write` to s3-public-write-acl. \
              Its CloudTrail Log Files S3 Bucket Is Publicly Accessible (bd0088a5) fails those two canned ACLs on a \
              bucket that a trail's `s3_bucket_name` references, on an `aws_s3_bucket_acl` only when it bears the \
              trail's own name, and on every s3-bucket module call, trail or not; this rule judges every bucket.",
    },
    matcher: &Custom {
        what: "Flags S3 buckets whose ACL lets anyone read them: the canned ACL `public-read` (`PublicRead` in \
               CloudFormation), or a READ grant to the `AllUsers` group, on the bucket, in an `aws_s3_bucket_acl` \
               resource, or through the s3-bucket registry module.",
        fix: FIX,
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_s3_bucket", "aws_s3_bucket_acl"],
            check: check_read,
            example: r#"resource "aws_s3_bucket" "site" {
  bucket = "my-site"
  acl    = "public-read"
}"#,
            fixed_example: r#"resource "aws_s3_bucket" "site" {
  bucket = "my-site"
  acl    = "private"
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::S3::Bucket"],
            check: check_cfn_read,
            example:
                "Resources:\n  Site:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n",
            fixed_example:
                "Resources:\n  Site:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: Private\n",
        }),
    },
};

pub static WRITE_RULE: Rule = Rule {
    id: "s3-public-write-acl",
    title: "S3 bucket ACL grants public write access",
    severity: Severity::Critical,
    row: Row::DataSharing,
    service: "S3",
    why: "Public write lets anyone upload, overwrite and delete objects: your data can be destroyed or replaced \
          with malware served under your name, and you pay for what strangers store.",
    aws_side: AWS_SIDE,
    equivalents: Equivalents {
        checkov: &["CKV_AWS_57", "CKV_AWS_20"],
        kics: &["07dda8de-d90d-469e-9b37-1aca53526ced"],
        trivy: &["AVD-AWS-0092", "aws-s3-no-public-access-with-acl"],
    },
    related: Related {
        checkov: &[],
        kics: &["38c5ee0d-7f22-4260-ab72-5073048df100"],
        trivy: &[],
        how: "KICS's Terraform S3 Bucket ACL Allows Read Or Write to All Users (38c5ee0d) fails the canned ACLs \
              `public-read` and `public-read-write` only; this rule also flags WRITE and FULL_CONTROL grants to \
              `AllUsers` or `AuthenticatedUsers`, and leaves `public-read` to s3-public-acl.",
    },
    matcher: &Custom {
        what: "Flags S3 buckets whose ACL lets anyone write to them: the canned ACL `public-read-write` \
               (`PublicReadWrite` in CloudFormation), or a WRITE or FULL_CONTROL grant to the `AllUsers` or \
               `AuthenticatedUsers` group.",
        fix: FIX,
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_s3_bucket", "aws_s3_bucket_acl"],
            check: check_write,
            example: r#"resource "aws_s3_bucket" "uploads" {
  bucket = "my-uploads"
  acl    = "public-read-write"
}"#,
            fixed_example: r#"resource "aws_s3_bucket" "uploads" {
  bucket = "my-uploads"
  acl    = "private"
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::S3::Bucket"],
            check: check_cfn_write,
            example:
                "Resources:\n  Uploads:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicReadWrite\n",
            fixed_example:
                "Resources:\n  Uploads:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: Private\n",
        }),
    },
};

pub static AUTHENTICATED_RULE: Rule = Rule {
    id: "s3-authenticated-read-acl",
    title: "S3 bucket ACL grants read access to any AWS account",
    severity: Severity::High,
    row: Row::DataSharing,
    service: "S3",
    why: "`AuthenticatedUsers` means any AWS account in the world, not the accounts of your organisation: anyone \
          can create one in minutes, so this is public read in all but name.",
    aws_side: AWS_SIDE,
    equivalents: Equivalents {
        checkov: &["CKV2_AWS_43", "CKV_AWS_20"],
        kics: &["57b9893d-33b1-4419-bcea-a717ea87e139", "835d5497-a526-4aea-a23f-98a9afd1635f"],
        trivy: &["AVD-AWS-0092", "aws-s3-no-public-access-with-acl"],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags S3 buckets whose ACL lets any AWS account read them: the canned ACL `authenticated-read` \
               (`AuthenticatedRead` in CloudFormation), or a READ grant to the `AuthenticatedUsers` group.",
        fix: FIX,
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_s3_bucket", "aws_s3_bucket_acl"],
            check: check_authenticated,
            example: r#"resource "aws_s3_bucket" "reports" {
  bucket = "my-reports"
  acl    = "authenticated-read"
}"#,
            fixed_example: r#"resource "aws_s3_bucket" "reports" {
  bucket = "my-reports"
  acl    = "private"
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::S3::Bucket"],
            check: check_cfn_authenticated,
            example: "Resources:\n  Reports:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: AuthenticatedRead\n",
            fixed_example: "Resources:\n  Reports:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: Private\n",
        }),
    },
};

/// What an ACL exposes: each of the three rules flags one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Exposure {
    PublicRead,
    PublicWrite,
    AnyAccountRead,
}

fn canned(acl: &str) -> Option<Exposure> {
    match acl {
        "public-read" | "PublicRead" => Some(Exposure::PublicRead),
        "public-read-write" | "PublicReadWrite" => Some(Exposure::PublicWrite),
        "authenticated-read" | "AuthenticatedRead" => Some(Exposure::AnyAccountRead),
        _ => None,
    }
}

/// What a grant to a public group exposes, by its permission (unknown permissions count as read).
fn granted(who: &str, permission: Option<&str>) -> Exposure {
    let writes = permission.is_some_and(|p| matches!(p, "WRITE" | "WRITE_ACP" | "FULL_CONTROL"));
    if writes {
        Exposure::PublicWrite
    } else if who.contains("AuthenticatedUsers") {
        Exposure::AnyAccountRead
    } else {
        Exposure::PublicRead
    }
}

fn audience(e: Exposure) -> &'static str {
    match e {
        Exposure::PublicRead => "everyone read",
        Exposure::PublicWrite => "everyone write",
        Exposure::AnyAccountRead => "any AWS account read",
    }
}

fn check_read(ctx: &mut TfContext) {
    check(ctx, Exposure::PublicRead)
}
fn check_write(ctx: &mut TfContext) {
    check(ctx, Exposure::PublicWrite)
}
fn check_authenticated(ctx: &mut TfContext) {
    check(ctx, Exposure::AnyAccountRead)
}
fn check_cfn_read(ctx: &mut CfnContext) {
    check_cfn(ctx, Exposure::PublicRead)
}
fn check_cfn_write(ctx: &mut CfnContext) {
    check_cfn(ctx, Exposure::PublicWrite)
}
fn check_cfn_authenticated(ctx: &mut CfnContext) {
    check_cfn(ctx, Exposure::AnyAccountRead)
}

fn check(ctx: &mut TfContext, wanted: Exposure) {
    let mut targets: Vec<(Resource, Option<String>)> =
        s3::buckets(ctx).into_iter().map(|b| (b, Some(b.address()))).collect();
    for acl in ctx.resources("aws_s3_bucket_acl").collect::<Vec<_>>() {
        let id = acl.block.attr("bucket").and_then(|a| s3::bucket_id(ctx, &a.expr));
        targets.push((acl, id));
    }
    for (res, id) in targets {
        // Public ACLs are inert where a public access block ignores them.
        if id.as_deref().is_some_and(|id| s3::flag_on(ctx, id, "ignore_public_acls")) {
            continue;
        }
        let file = ctx.file(res);
        if let Some((attr, acl)) = s3::public_canned_acl(ctx, res) {
            if canned(&acl) == Some(wanted) {
                let fix =
                    Fix::new("Make the ACL private", vec![edit::set_attribute(file, res.block, "acl", "\"private\"")]);
                let message = format!("`{}` lets {} with its `{acl}` ACL", res.address(), audience(wanted));
                ctx.report_with_fix(res, attr.range, message, fix);
            }
        }
        for (grant, who) in s3::public_grants(ctx, res) {
            let permission = grant.attr("permission").and_then(|f| ctx.value(f).as_str().map(str::to_string));
            if granted(who, permission.as_deref()) != wanted {
                continue;
            }
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

fn check_cfn(ctx: &mut CfnContext, wanted: Exposure) {
    for res in ctx.resources("AWS::S3::Bucket").collect::<Vec<_>>() {
        let Some((node, value)) = ctx.prop(res, "AccessControl") else { continue };
        let Some(acl) = value.as_str().filter(|acl| canned(acl) == Some(wanted)) else { continue };
        let range = ctx.prop_range(res, "AccessControl").unwrap_or(node.range);
        let fix =
            Fix::new("Make the ACL private", vec![cfn_edit::replace_value(ctx.template, node, &json!("Private"))]);
        let message = format!("`{}` lets {} with its `{acl}` ACL", res.logical_id, audience(wanted));
        ctx.report(res, range, message).fixes.push(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

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
        assert_eq!(lines(&RULE, tf), [12]);
        assert_eq!(lines(&WRITE_RULE, tf), [2]);
        assert_eq!(lines(&AUTHENTICATED_RULE, tf), [5, 17]);
        assert_eq!(check_fixes(&RULE, tf) + check_fixes(&WRITE_RULE, tf) + check_fixes(&AUTHENTICATED_RULE, tf), 4);
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
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicReadWrite\n  B:\n    Type: AWS::S3::Bucket\n    Properties: {AccessControl: !Ref Acl}\n  C:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: Private\n";
        assert_eq!(cfn_lines(&WRITE_RULE, yaml), [5]);
        assert!(cfn_lines(&RULE, yaml).is_empty());
        assert_eq!(check_cfn_fixes(&WRITE_RULE, yaml), 1);
        let json = r#"{"Parameters": {"Acl": {"Type": "String", "Default": "AuthenticatedRead"}},
  "Resources": {"A": {"Type": "AWS::S3::Bucket", "Properties": {"AccessControl": {"Ref": "Acl"}}}}}"#;
        assert_eq!(cfn_lines(&AUTHENTICATED_RULE, json), [2]);
        assert_eq!(check_cfn_fixes(&AUTHENTICATED_RULE, json), 1);
    }
}
