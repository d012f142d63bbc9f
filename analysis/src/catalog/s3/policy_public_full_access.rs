use crate::cloudformation::check::CfnContext;
use crate::kit::{resource_policy, s3, s3_cfn};
use crate::policy::Policy;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "s3-bucket-policy-public-full-access",
    title: "S3 bucket policy gives everyone all S3 actions",
    severity: Severity::Critical,
    row: Row::DataSharing,
    service: "S3",
    why: "Anyone on the internet can read, overwrite and delete the bucket's objects and even change its policy \
          and ACLs (`s3:PutBucketPolicy`, `s3:DeleteBucket`): a takeover of the bucket, not just a leak. A \
          `Referer` condition does not help: any client can send the header.",
    aws_side: "S3 applies the policy as written unless Block Public Access (`BlockPublicPolicy`, \
               `RestrictPublicBuckets`) is on; both the policy and the block are the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &[], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_70"],
        kics: &["a4966c4f-9141-48b8-a564-ffe9959945bc", "4ae8af91-5108-42cb-9471-3bdbe596eac9"],
        trivy: &[],
        how: "CKV_AWS_70 (like s3-bucket-policy-public-principal) flags a statement for `*` whatever its actions, and \
              judges its conditions otherwise (see that rule). KICS's CloudFormation S3 Bucket With All \
              Permissions (4ae8af91) fails `Action: \"*\"` only (not `s3:*`), for `Principal: \"*\"` only \
              (not `{AWS: \"*\"}`), whatever the statement's conditions. Its Terraform S3 Bucket With All Permissions \
              (a4966c4f) reads the legacy `policy` of `aws_s3_bucket` only, and fails any `Allow` whose actions \
              contain a `*` (`s3:Get*` too) whoever the principal is.",
    },
    matcher: &Custom {
        what: "Flags bucket policies (`aws_s3_bucket_policy`, the legacy `policy` of `aws_s3_bucket`, the s3-bucket \
               module's `policy`, `AWS::S3::BucketPolicy`) with an `Allow` statement for any principal (`*`) whose \
               actions include `*` or `s3:*`, unless a condition pins the caller to known principals (fixed values of \
               `aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:SourceAccount`, an \
               `aws:SourceArn` naming its account, `aws:SourceVpce` and the like, under an operator that fails without \
               the key; not `aws:SourceIp`). In CloudFormation the finding is on the bucket when the template declares \
               it.",
        fix: "Grant the specific actions the readers need (`s3:GetObject`) to specific principals, or serve public \
              content through CloudFront with an origin access control.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_s3_bucket_policy", "aws_s3_bucket"],
            check,
            example: r#"resource "aws_s3_bucket_policy" "site" {
  bucket = aws_s3_bucket.site.id
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:*", Resource = "${aws_s3_bucket.site.arn}/*" }]
  })
}"#,
            fixed_example: r#"resource "aws_s3_bucket_policy" "site" {
  bucket = aws_s3_bucket.site.id
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "${aws_s3_bucket.site.arn}/*" }]
  })
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::S3::BucketPolicy"],
            check: check_cfn,
            example: r#"Resources:
  SitePolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Site
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: '*'
            Action: '*'
            Resource: !Sub ${Site.Arn}/*
"#,
            fixed_example: r#"Resources:
  SitePolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Site
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: '*'
            Action: s3:GetObject
            Resource: !Sub ${Site.Arn}/*
"#,
        }),
    },
};

fn gives_everyone_everything(policy: &Policy) -> bool {
    resource_policy::public_statements(policy)
        .any(|s| s.actions.iter().any(|a| a == "*" || a.eq_ignore_ascii_case("s3:*")))
}

const WHAT: &str = "has a bucket policy that allows any principal (`*`) every S3 action: anyone can read, \
                    overwrite and delete its objects and change its policy";

fn check(ctx: &mut TfContext) {
    for site in s3::policy_sites(ctx) {
        if ctx.policy(&site.attr.expr).is_some_and(|p| gives_everyone_everything(&p)) {
            ctx.report(site.res, site.attr.range, format!("`{}` {WHAT}", site.res.address()));
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for policy in ctx.resources(s3_cfn::POLICY).collect::<Vec<_>>() {
        let Some((node, _)) = ctx.prop(policy, "PolicyDocument") else { continue };
        if !ctx.policy(node).is_some_and(|p| gives_everyone_everything(&p)) {
            continue;
        }
        match s3_cfn::bucket_of(ctx, policy) {
            Some(bucket) => {
                let message = format!("`{}` {WHAT} (`{}`)", bucket.logical_id, policy.logical_id);
                let range = ctx.header(bucket);
                ctx.report(bucket, range, message);
            }
            None => {
                let range = ctx.prop_range(policy, "PolicyDocument").unwrap_or(node.range);
                ctx.report(policy, range, format!("`{}` {WHAT}", policy.logical_id));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_every_action_for_everyone() {
        let tf = r#"resource "aws_s3_bucket" "legacy" {
  bucket = "S3B_181355"
  policy = <<EOF
{"Statement": [{"Action": ["s3:*"], "Effect": "Allow", "Resource": "arn:aws:s3:::S3B_181355/*", "Principal": "*"}]}
EOF
}
module "s3_bucket" {
  source = "terraform-aws-modules/s3-bucket/aws"
  bucket = "my-s3-bucket"
  policy = jsonencode({ Statement = [{ Action = "*", Effect = "Allow", Resource = "*", Principal = { AWS = "*" },
    Condition = { StringLike = { "aws:Referer" = ["http://www.example.com/*"] } } }] })
}
resource "aws_s3_bucket_policy" "put_only" {
  bucket = "b"
  policy = jsonencode({ Statement = [{ Action = ["s3:putObject"], Effect = "Allow", Resource = "*", Principal = "*" }] })
}
resource "aws_s3_bucket_policy" "named" {
  bucket = "b"
  policy = jsonencode({ Statement = [{ Action = "s3:*", Effect = "Allow", Resource = "*", Principal = { AWS = "arn:aws:iam::123456789012:root" } }] })
}
resource "aws_s3_bucket_policy" "unknown" {
  bucket = "b"
  policy = var.policy
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 10]);
    }

    #[test]
    fn cloudformation_reports_the_bucket_when_the_template_has_it() {
        let yaml = r#"Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: site
  SitePolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: site
      PolicyDocument:
        Statement:
          - {Action: "s3:*", Effect: Allow, Resource: "*", Principal: "*"}
  Elsewhere:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref DOC-EXAMPLE-BUCKET
      PolicyDocument:
        Statement:
          - {Action: "*", Effect: Allow, Resource: "*", Principal: "*"}
  Deny:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Site
      PolicyDocument:
        Statement:
          - {Action: "s3:GetObject", Effect: Deny, Resource: "*", Principal: "*"}
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [2, 17]);
    }

    #[test]
    fn only_conditions_that_pin_the_caller_keep_it_private() {
        crate::kit::testing::check_named_bucket_policy_caller_conditions(&RULE, "s3:*");
    }
}
