use crate::cloudformation::check::CfnContext;
use crate::kit::policy_sites::{policy_sites, SiteKind};
use crate::kit::policy_sites_cfn::{cfn_managed_policy_arns, cfn_policy_sites};
use crate::policy::{is_full_wildcard, Statement};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "iam-policy-full-admin",
    title: "IAM policy allows every action on every resource",
    severity: Severity::Critical,
    row: Row::AccessRestriction,
    service: "IAM",
    why: "`*` on `*` is full administrator access: whoever holds it can read every secret and every bucket, \
          create users and keys for themselves, turn off CloudTrail and GuardDuty and delete everything. One \
          leaked credential or one exploited workload with such a policy is a compromise of the whole account. \
          Least privilege means granting the actions and resources a job needs.",
    aws_side: "AWS evaluates every request against the policies you write and enforces them exactly. What a \
               principal may do is entirely the customer's choice: AWS does not narrow a policy that allows \
               everything.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_62", "CKV_AWS_1", "CKV_AWS_274"],
        kics: &["132a8c31-9837-4203-9fd1-15ca210c7b73"],
        trivy: &[],
    },
    related: Related {
        checkov: &["CKV_AWS_63", "CKV_AWS_49", "CKV2_AWS_40"],
        kics: &[
            "2f37c4a3-58b9-4afe-8a87-d7f1d2286f84",
            "575a2155-6af1-4026-b1af-d5bc8fe2a904",
            "b1ffa705-19a3-4b73-b9d0-0c97d0663842",
            "953b3cdb-ce13-428a-aa12-318726506661",
            "f62aa827-4ade-4dc4-89e4-1433d384a368",
        ],
        trivy: &["AVD-AWS-0057", "aws-iam-no-policy-wildcards"],
        how: "Checkov's CKV_AWS_63 and CKV_AWS_49 fail `Action \"*\"` on any resource, and CKV2_AWS_40 an `*` or \
              `iam:*` action on any resource, where this rule needs `Resource \"*\"` too. Trivy's AVD-AWS-0057 is \
              deprecated and has no rule body, so it flags nothing today (its tfsec ancestor flagged any wildcard in \
              actions or resources). KICS's Terraform IAM Policies With Full Privileges (2f37c4a3) needs an `Action` \
              of exactly `*` with `Resource \"*\"`; this rule also counts `*:*` and policy documents that leave \
              resources out. KICS's IAM Policy Grants Full Permissions (575a2155) fails any allowed action on \
              `Resource \"*\"`, where this rule needs every action too. KICS's IAM Role With Full Privileges \
              (b1ffa705) fails a trust policy only when it allows `*` with `Resource \"*\"`, which a trust policy has \
              no use for; this rule fails a trust policy allowing `*` without it. KICS's CloudFormation IAM Policies \
              With Full Privileges (953b3cdb) and IAM Policy Grants Full Permissions (f62aa827) read only \
              `AWS::IAM::Policy` and need an `Action` of exactly `*` with `Resource \"*\"`; this rule also counts \
              `*:*` and statements that leave `Resource` out.",
    },
    matcher: &Custom {
        what: "Flags IAM policies with an `Allow` statement whose `Action` is `*` and whose `Resource` is `*` (inline \
               and managed policies, role inline policies, SSO permission sets, policy documents, and trust policies \
               that allow `*`), and attachments of the `AdministratorAccess` managed policy.",
        fix: "List the actions the principal needs and the ARNs of the resources it works on; keep administrator \
              access for a few break-glass roles that require MFA. IAM Access Analyzer can generate a policy from \
              the activity CloudTrail recorded.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &[
                "aws_iam_policy",
                "aws_iam_role_policy",
                "aws_iam_user_policy",
                "aws_iam_group_policy",
                "aws_iam_role",
                "aws_ssoadmin_permission_set_inline_policy",
                "aws_iam_policy_document",
                "aws_iam_role_policy_attachment",
                "aws_iam_user_policy_attachment",
                "aws_iam_group_policy_attachment",
                "aws_iam_policy_attachment",
                "aws_ssoadmin_managed_policy_attachment",
            ],
            check,
            example: r#"resource "aws_iam_policy" "app" {
  name = "app"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}"#,
            fixed_example: r#"resource "aws_iam_policy" "app" {
  name = "app"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "arn:aws:s3:::app-data/*" }]
  })
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &[
                "AWS::IAM::Policy",
                "AWS::IAM::ManagedPolicy",
                "AWS::IAM::RolePolicy",
                "AWS::IAM::UserPolicy",
                "AWS::IAM::GroupPolicy",
                "AWS::IAM::Role",
                "AWS::IAM::User",
                "AWS::IAM::Group",
                "AWS::SSO::PermissionSet",
                "AWS::Serverless::Function",
            ],
            check: check_cfn,
            example: r#"Resources:
  AppPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: '*'
            Resource: '*'
"#,
            fixed_example: r#"Resources:
  AppPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Action: s3:GetObject
            Resource: arn:aws:s3:::app-data/*
"#,
        }),
    },
};

/// Whether a statement allows every action on every resource. A trust policy has no `Resource`: there, an
/// action of `*` is enough. Statements with a principal in a policy document belong to resource policies
/// (bucket, key, queue policies), which other rules judge.
fn allows_everything(s: &Statement, kind: SiteKind) -> bool {
    if !s.allow || !s.actions.iter().any(|a| is_full_wildcard(a)) {
        return false;
    }
    if kind == SiteKind::Document && (!s.principals.is_empty() || s.has_not_principal) {
        return false;
    }
    s.resources.iter().any(|r| r == "*") || (s.resources.is_empty() && s.not_resources.is_empty())
}

/// `arn:<partition>:iam::aws:policy/AdministratorAccess`
fn is_administrator_access(arn: &str) -> bool {
    arn.starts_with("arn:") && arn.ends_with(":iam::aws:policy/AdministratorAccess")
}

const ATTACHMENTS: [(&str, &str); 8] = [
    ("aws_iam_role_policy_attachment", "policy_arn"),
    ("aws_iam_user_policy_attachment", "policy_arn"),
    ("aws_iam_group_policy_attachment", "policy_arn"),
    ("aws_iam_policy_attachment", "policy_arn"),
    ("aws_ssoadmin_managed_policy_attachment", "managed_policy_arn"),
    ("aws_iam_role", "managed_policy_arns"),
    ("aws_iam_role_policy_attachments_exclusive", "policy_arns"),
    ("aws_iam_user_policy_attachments_exclusive", "policy_arns"),
];

fn check_cfn(ctx: &mut CfnContext) {
    for site in cfn_policy_sites(ctx, true) {
        if !site.policy.statements.iter().any(|s| allows_everything(s, site.kind)) {
            continue;
        }
        let what = match site.kind {
            SiteKind::Trust => "trust policy allows every action (`*`)",
            _ => "allows every action (`*`) on every resource (`*`): full administrator access",
        };
        ctx.report(site.res, site.range, format!("`{}` {what}", site.res.logical_id));
    }
    for (res, range, arn) in cfn_managed_policy_arns(ctx) {
        if is_administrator_access(&arn) {
            let message = format!(
                "`{}` attaches the AdministratorAccess managed policy: full administrator access",
                res.logical_id
            );
            ctx.report(res, range, message);
        }
    }
}

fn check(ctx: &mut TfContext) {
    for site in policy_sites(ctx, true) {
        if !site.policy.statements.iter().any(|s| allows_everything(s, site.kind)) {
            continue;
        }
        let what = match site.kind {
            SiteKind::Trust => "trust policy allows every action (`*`)",
            _ => "allows every action (`*`) on every resource (`*`): full administrator access",
        };
        ctx.report(site.res, site.range, format!("`{}` {what}", site.res.address()));
    }
    for (ty, attr) in ATTACHMENTS {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let Some((a, value)) = ctx.attr(res.block, attr) else { continue };
            if value.one_or_many().into_iter().filter_map(Value::as_str).any(is_administrator_access) {
                ctx.report(
                    res,
                    a.range,
                    format!(
                        "`{}` attaches the AdministratorAccess managed policy: full administrator access",
                        res.address()
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{lines, run};

    #[test]
    fn flags_star_on_star_however_written() {
        let text = r#"resource "aws_iam_role_policy" "heredoc" {
  role   = aws_iam_role.r.id
  policy = <<EOF
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["*"], "Resource": "*"}]}
EOF
}
resource "aws_iam_user_policy" "string" {
  user   = "u"
  policy = "{\"Statement\": {\"Action\": \"*\", \"Effect\": \"Allow\", \"Resource\": [\"*\"]}}"
}
resource "aws_iam_policy" "json" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*:*", Resource = "*" }] })
}
data "aws_iam_policy_document" "doc" {
  statement {
    actions   = ["*"]
    resources = ["*"]
  }
}
resource "aws_iam_group_policy" "uses_doc" {
  group  = "g"
  policy = data.aws_iam_policy_document.doc.json
}
resource "aws_iam_role" "inline" {
  assume_role_policy = "{}"
  inline_policy {
    name   = "all"
    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
  }
}
"#;
        // The group policy is reported at the document it uses.
        assert_eq!(lines(&RULE, text), [12, 3, 9, 28, 14]);
    }

    #[test]
    fn flags_trust_policies_allowing_everything() {
        let text = r#"resource "aws_iam_role" "r" {
  assume_role_policy = <<EOF
{"Statement": [{"Action": "*", "Principal": {"Service": "ec2.amazonaws.com"}, "Effect": "Allow"}]}
EOF
}
resource "aws_iam_role" "ok" {
  assume_role_policy = <<EOF
{"Statement": [{"Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}, "Effect": "Allow"}]}
EOF
}
"#;
        assert_eq!(lines(&RULE, text), [2]);
    }

    #[test]
    fn ignores_narrower_grants_denies_and_unknowns() {
        let text = r#"resource "aws_iam_policy" "service" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["s3:*", "ec2:*"], Resource = "*" }] })
}
resource "aws_iam_policy" "scoped" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = "arn:aws:iam::aws:policy/AdministratorAccess" }] })
}
resource "aws_iam_policy" "deny" {
  policy = jsonencode({ Statement = [{ Effect = "Deny", Action = "*", Resource = "*" }] })
}
resource "aws_iam_policy" "unknown_action" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = var.actions, Resource = "*" }] })
}
resource "aws_iam_policy" "unknown_policy" {
  policy = var.policy
}
resource "aws_iam_policy" "file" {
  policy = file("policy.json")
}
data "aws_iam_policy_document" "bucket" {
  statement {
    actions   = ["*"]
    resources = ["arn:aws:s3:::*"]
  }
}
data "aws_iam_policy_document" "key_policy" {
  statement {
    actions   = ["*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
  }
}
"#;
        assert!(run(&RULE, text).is_empty(), "{:?}", run(&RULE, text));
    }

    #[test]
    fn flags_administrator_access_attachments() {
        let text = r#"resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.r.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
resource "aws_iam_role" "managed" {
  assume_role_policy  = "{}"
  managed_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws-us-gov:iam::aws:policy/AdministratorAccess"]
}
resource "aws_iam_role_policy_attachment" "read" {
  role       = aws_iam_role.r.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
resource "aws_iam_role_policy_attachment" "unknown" {
  role       = aws_iam_role.r.name
  policy_arn = var.policy_arn
}
"#;
        assert_eq!(lines(&RULE, text), [3, 7]);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::cfn_lines;
        let yaml = r#"Resources:
  Inline:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]}
      ManagedPolicyArns:
        - !Sub arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess
        - arn:aws:iam::aws:policy/AdministratorAccess
      Policies:
        - PolicyName: all
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: ['*']
                Resource: '*'
  Scoped:
    Type: AWS::IAM::Policy
    Properties:
      PolicyDocument:
        Statement:
          - {Effect: Allow, Action: '*', Resource: arn:aws:iam::aws:policy/AdministratorAccess}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
        - AdministratorAccess
        - Statement: [{Effect: Allow, Action: '*:*', Resource: '*'}]
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [11, 27, 8, 26]);
        let json = r#"{"Resources": {"P": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument":
  "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}"}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [1]);
    }
}
