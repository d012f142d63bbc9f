use crate::cloudformation::check::CfnContext;
use crate::kit::{resource_policy, s3, s3_cfn};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "s3-bucket-policy-public-principal",
    title: "S3 bucket policy allows any principal",
    severity: Severity::Critical,
    row: Row::DataSharing,
    service: "S3",
    why: "`Principal: \"*\"` grants the statement's actions to anyone, signed in or not: an anonymous request \
          from the internet can read, overwrite or delete objects as the actions allow. Conditions such as \
          `aws:SourceIp` narrow where requests may come from, not who may make them; only one that pins the caller \
          (an organisation, an account, a VPC endpoint) keeps the statement private.",
    aws_side: "AWS evaluates the bucket policy exactly as written and can block public policies with Block \
               Public Access. Writing the policy, and choosing its principals, is the customer's duty.",
    equivalents: Equivalents { checkov: &[], kics: &[], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_70"],
        kics: &[
            "7772bb8c-c0f3-42d4-8e4e-f1b8939ad085",
            "7af43613-6bb9-4a0e-8c4d-1314b799425e",
            "1df37f4b-7197-45ce-83f8-9994d2fcf885",
            "d24c0755-c028-44b1-b503-8e719c898832",
            "ffdf4b37-7703-4dfe-a682-9d2e99bc6c09",
            "66c6f96f-2d9e-417e-a998-9058aeeecd44",
            "f97b7d23-568f-4bcc-9ac9-02df0d57fbba",
            "f6397a20-4cf1-4540-a997-1d363c25ef58",
            "acc78859-765e-4011-a229-a65ea57db252",
            "faa8fddf-c0aa-4b2d-84ff-e993e233ebe9",
            "456b00a3-1072-4149-9740-6b8bb60251b0",
        ],
        trivy: &[],
        how:
            "Checkov's CKV_AWS_70 passes a public statement under any negated ARN operator, any `ArnEquals`/`ArnLike` \
              condition (unless its `aws:PrincipalArn` or `aws:SourceArn` has a wildcard account), or a string \
              condition on one of its keys (`aws:PrincipalOrgID`, `aws:sourceVpce`, `aws:userid` and others, matched \
              case-sensitively, whatever the values, wildcards included; not `aws:SourceAccount`), and gives no result \
              for `aws_iam_policy_document` references; this rule passes only conditions that pin the caller with \
              fixed values. KICS's CloudFormation S3 Bucket Access to Any Principal (7772bb8c) fails a bucket of the \
              template whose policy allows `*` whatever its conditions, a fixed `aws:PrincipalOrgID` or \
              `aws:SourceVpce` included (which S3 itself does not count as public, nor this rule), and says nothing \
              of a policy for a bucket the template does not declare. Its Terraform S3 Bucket Access to Any Principal \
              (7af43613) likewise fails any `Allow` statement whose principal contains `*` whatever its conditions, \
              and reads no `aws_iam_policy_document`; its four Terraform S3 Bucket Allows Get/Put/Delete/List Action From \
              All Principals queries (1df37f4b, d24c0755, ffdf4b37, 66c6f96f) ignore conditions too and each fails only \
              actions whose name contains `get`, `put`, `delete` or `list` (not `s3:*`, nor other actions), where this \
              rule fails any action. Its five CloudFormation S3 Bucket Allows Get/Put/Delete/List/Restore Actions \
              From All Principals queries (f97b7d23, f6397a20, acc78859, faa8fddf, 456b00a3) fail an `Allow` \
              statement of an `AWS::S3::BucketPolicy` whose `Principal` is `*` written as a string or in a list (not \
              `{AWS: '*'}`, which this rule flags) and one of whose actions contains `get`, `put`, `delete`, `list` \
              or `restore`, whatever its conditions (some versions of the last four test `Resource: '*'` instead \
              of the principal), and report the policy, not the bucket.",
    },
    matcher: &Custom {
        what: "Flags bucket policies (`aws_s3_bucket_policy`, the legacy `aws_s3_bucket.policy`, the s3-bucket \
               module's `policy`, `AWS::S3::BucketPolicy`) with an `Allow` statement whose principal is `*` or \
               `{\"AWS\": \"*\"}`, unless a condition pins the caller to known principals (fixed values of \
               `aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:SourceAccount`, an \
               `aws:SourceArn` naming its account, `aws:SourceVpce` and the like, under an operator that fails without \
               the key; not `aws:SourceIp`), however the policy is written (JSON, heredoc, `jsonencode`, \
               `aws_iam_policy_document`). In CloudFormation the finding is on the bucket when the template declares \
               it.",
        fix: "Name the principals that need access (account, role or service ARNs), or add a condition on \
              `aws:PrincipalOrgID`/`aws:SourceVpce`; serve public content through CloudFront with an origin access \
              control instead of a public bucket.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_s3_bucket_policy", "aws_s3_bucket"],
            check,
            example: r#"resource "aws_s3_bucket_policy" "site" {
  bucket = "my-site"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::my-site/*"
    }]
  })
}"#,
            fixed_example: r#"resource "aws_s3_bucket_policy" "site" {
  bucket = "my-site"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "cloudfront.amazonaws.com" }
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::my-site/*"
    }]
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
      Bucket: my-site
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: '*'
            Action: s3:GetObject
            Resource: arn:aws:s3:::my-site/*
"#,
            fixed_example: r#"Resources:
  SitePolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: my-site
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal:
              Service: cloudfront.amazonaws.com
            Action: s3:GetObject
            Resource: arn:aws:s3:::my-site/*
"#,
        }),
    },
};

fn check(ctx: &mut TfContext) {
    for site in s3::policy_sites(ctx) {
        let Some(policy) = ctx.policy(&site.attr.expr) else { continue };
        let statements: Vec<_> = resource_policy::public_statements(&policy).collect();
        if statements.is_empty() {
            continue;
        }
        let mut actions: Vec<&str> = statements
            .iter()
            .flat_map(|s| s.actions.iter().map(String::as_str))
            .filter(|a| *a != crate::terraform::eval::UNKNOWN_PART)
            .collect();
        actions.dedup();
        let actions =
            if actions.is_empty() { "its actions".to_string() } else { format!("to use `{}`", actions.join("`, `")) };
        let mut message =
            format!("`{}` has a bucket policy that allows any principal (`*`) {actions}", site.res.address());
        if statements.iter().all(|s| !s.conditions.is_empty()) {
            let mut keys: Vec<&str> =
                statements.iter().flat_map(|s| s.conditions.iter().map(|(_, k, _)| k.as_str())).collect();
            keys.sort_unstable();
            keys.dedup();
            message.push_str(&format!(" (only under conditions on `{}`)", keys.join("`, `")));
        }
        ctx.report(site.res, site.attr.range, message);
    }
}

/// In templates the finding is on the bucket the policy attaches to when the template declares it, else on the
/// policy.
fn check_cfn(ctx: &mut CfnContext) {
    for policy in ctx.resources(s3_cfn::POLICY).collect::<Vec<_>>() {
        let Some((node, _)) = ctx.prop(policy, "PolicyDocument") else { continue };
        let Some(document) = ctx.policy(node) else { continue };
        let statements: Vec<_> = resource_policy::public_statements(&document).collect();
        if statements.is_empty() {
            continue;
        }
        let mut actions: Vec<&str> = statements.iter().flat_map(|s| s.actions.iter().map(String::as_str)).collect();
        actions.dedup();
        let actions =
            if actions.is_empty() { "its actions".to_string() } else { format!("to use `{}`", actions.join("`, `")) };
        match s3_cfn::bucket_of(ctx, policy) {
            Some(bucket) => {
                let message = format!(
                    "`{}` has a bucket policy (`{}`) that allows any principal (`*`) {actions}",
                    bucket.logical_id, policy.logical_id
                );
                let range = ctx.header(bucket);
                ctx.report(bucket, range, message);
            }
            None => {
                let message =
                    format!("`{}` is a bucket policy that allows any principal (`*`) {actions}", policy.logical_id);
                let range = ctx.prop_range(policy, "PolicyDocument").unwrap_or(node.range);
                ctx.report(policy, range, message);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::lines;

    #[test]
    fn flags_allow_statements_open_to_anyone() {
        let tf = r#"resource "aws_s3_bucket_policy" "a" {
  bucket = aws_s3_bucket.b.id
  policy = <<POLICY
{
  "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:*", "Resource": "*",
    "Condition": {"IpAddress": {"aws:SourceIp": "8.8.8.8/32"}}}]
}
POLICY
}
resource "aws_s3_bucket" "b" {
  policy = data.aws_iam_policy_document.d.json
}
data "aws_iam_policy_document" "d" {
  statement {
    actions = ["s3:GetObject"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}
module "m" {
  source = "terraform-aws-modules/s3-bucket/aws"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:PutObject" }] })
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 11, 24]);
    }

    #[test]
    fn denies_named_principals_and_unknowns_are_not_flagged() {
        let tf = r#"variable "principal" {}
resource "aws_s3_bucket_policy" "a" {
  bucket = "x"
  policy = jsonencode({ Statement = [
    { Effect = "Deny", Principal = "*", Action = "s3:*" },
    { Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:root" }, Action = "s3:*" },
    { Effect = "Allow", Principal = { AWS = var.principal }, Action = "s3:*" },
  ] })
}
resource "aws_s3_bucket_policy" "b" {
  bucket = "x"
  policy = file("policy.json")
}
module "m" {
  source        = "terraform-aws-modules/s3-bucket/aws"
  attach_policy = false
  policy        = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:*" }] })
}
resource "aws_s3_bucket_policy" "half" {
  policy =
}
"#;
        assert!(lines(&RULE, tf).is_empty());
    }

    #[test]
    fn cloudformation_reports_the_bucket_when_the_template_declares_it() {
        use crate::kit::testing::cfn_lines;
        let yaml = r#"Resources:
  Site:
    Type: AWS::S3::Bucket
  SitePolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Site
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {AWS: ['*']}
            Action: s3:GetObject
            Resource: '*'
            Condition: {StringLike: {'aws:Referer': ['http://www.example.com/*']}}
  Elsewhere:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref DOC-EXAMPLE-BUCKET
      PolicyDocument:
        Statement:
          - {Effect: Allow, Principal: '*', Action: RestoreObject, Resource: '*'}
  Denied:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref DOC-EXAMPLE-BUCKET
      PolicyDocument:
        Statement:
          - {Effect: Deny, Principal: '*', Action: DeleteObject, Resource: '*'}
  Named:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Site
      PolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {AWS: arn:aws:iam::123456789012:user/u}, Action: s3:GetObject, Resource: '*'}
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [2, 19]);
    }

    #[test]
    fn cloudformation_json_pinned_statements_are_private() {
        use crate::kit::testing::cfn_lines;
        // KICS's query fails `Open` and `Org` alike: a `*` statement whatever its conditions.
        let json = r#"{
  "Resources": {
    "Open": {"Type": "AWS::S3::Bucket"},
    "OpenPolicy": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {"Ref": "Open"}, "PolicyDocument": {"Statement": [
      {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "s3:GetObject", "Resource": "*",
       "Condition": {"StringLike": {"aws:Referer": ["http://www.example.com/*"]}}}]}}},
    "Org": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "org-data"}},
    "OrgPolicy": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": "org-data", "PolicyDocument": {"Statement": [
      {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*",
       "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]}}}
  }
}
"#;
        assert_eq!(cfn_lines(&RULE, json), [3]);
    }

    #[test]
    fn only_conditions_that_pin_the_caller_keep_it_private() {
        crate::kit::testing::check_named_bucket_policy_caller_conditions(&RULE, "s3:GetObject");
    }

    #[test]
    fn policy_document_conditions_are_judged_alike() {
        let tf = r#"data "aws_iam_policy_document" "org" {
  statement {
    actions = ["s3:GetObject"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalOrgID"
      values   = ["o-a1b2c3d4e5"]
    }
  }
}
data "aws_iam_policy_document" "if_exists" {
  statement {
    actions = ["s3:GetObject"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "StringEqualsIfExists"
      variable = "aws:PrincipalOrgID"
      values   = ["o-a1b2c3d4e5"]
    }
  }
}
resource "aws_s3_bucket_policy" "org" {
  bucket = "org"
  policy = data.aws_iam_policy_document.org.json
}
resource "aws_s3_bucket_policy" "if_exists" {
  bucket = "if-exists"
  policy = data.aws_iam_policy_document.if_exists.json
}
"#;
        assert_eq!(lines(&RULE, tf), [35]);
    }
}
