use crate::cloudformation::check::CfnContext;
use crate::kit::iam::{action_matches, is_service_wildcard};
use crate::kit::policy_sites::{policy_sites, SiteKind};
use crate::kit::policy_sites_cfn::cfn_policy_sites;
use crate::policy::{Policy, Statement};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "iam-policy-allows-assume-any-role",
    title: "IAM policy lets a principal assume any role (sts:AssumeRole on every resource)",
    severity: Severity::Medium,
    row: Row::AccessRestriction,
    service: "IAM",
    why: "`sts:AssumeRole` on `*` lets the principal assume every role, in every account, whose trust policy \
          trusts its account (the common `:root` trust): its real permissions become those of the most powerful \
          such role.",
    aws_side: "AWS requires both sides (the identity policy and the role's trust policy) to allow the call; the \
               customer writes both and should narrow both.",
    equivalents: Equivalents { checkov: &[], kics: &["e835bd0d-65da-49f7-b6d1-b646da8727e6"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags identity policies (inline, managed, SSO permission sets, policy documents without principals) \
               with an `Allow` statement whose actions include `sts:AssumeRole` (or a pattern such as \
               `sts:Assume*`) and whose `Resource` is `*`. `*` and `sts:*` alone are left to iam-policy-full-admin \
               and iam-policy-service-wildcard; trust policies are not read.",
        fix: "List the ARNs of the roles the principal needs to assume in `Resource` (patterns such as \
              `arn:aws:iam::123456789012:role/deploy-*` are fine).",
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
            ],
            check,
            example: r#"resource "aws_iam_policy" "deployer" {
  name = "deployer"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = "*" }]
  })
}"#,
            fixed_example: r#"resource "aws_iam_policy" "deployer" {
  name = "deployer"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = "arn:aws:iam::123456789012:role/deploy" }]
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
  Deployer:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: sts:AssumeRole
            Resource: '*'
"#,
            fixed_example: r#"Resources:
  Deployer:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: sts:AssumeRole
            Resource: !Sub arn:aws:iam::${AWS::AccountId}:role/deploy
"#,
        }),
    },
};

fn assumes_any_role(s: &Statement, kind: SiteKind) -> bool {
    if !s.allow || !s.resources.iter().any(|r| r == "*") {
        return false;
    }
    // A statement with principals in a policy document belongs to a resource policy.
    if kind == SiteKind::Document && (!s.principals.is_empty() || s.has_not_principal) {
        return false;
    }
    s.actions.iter().any(|a| !is_service_wildcard(a) && action_matches(a, "sts:AssumeRole"))
}

fn found(policy: &Policy, kind: SiteKind) -> bool {
    kind != SiteKind::Trust && policy.statements.iter().any(|s| assumes_any_role(s, kind))
}

const WHAT: &str = "allows `sts:AssumeRole` on every resource: the principal can assume any role that trusts its \
                    account";

fn check(ctx: &mut TfContext) {
    for site in policy_sites(ctx, false) {
        if found(&site.policy, site.kind) {
            ctx.report(site.res, site.range, format!("`{}` {WHAT}", site.res.address()));
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for site in cfn_policy_sites(ctx, false) {
        if found(&site.policy, site.kind) {
            ctx.report(site.res, site.range, format!("`{}` {WHAT}", site.res.logical_id));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_assume_role_on_every_resource() {
        let tf = r#"resource "aws_iam_role_policy" "glob" {
  role   = "r"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "sts:Assume*"], Resource = ["*"] }] })
}
data "aws_iam_policy_document" "doc" {
  statement {
    actions   = ["sts:AssumeRole"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "scoped" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = "arn:aws:iam::*:role/deploy-*" }] })
}
resource "aws_iam_policy" "service_wide" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:*", Resource = "*" }] })
}
resource "aws_iam_policy" "deny" {
  policy = jsonencode({ Statement = [{ Effect = "Deny", Action = "sts:AssumeRole", Resource = "*" }] })
}
resource "aws_iam_policy" "unknown" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = var.roles }] })
}
resource "aws_iam_role" "trust" {
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 5]);
    }

    #[test]
    fn cloudformation_policies() {
        let yaml = r#"Resources:
  mypolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: mygrouppolicy
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
        - Effect: Allow
          Action: ["sts:AssumeRole"]
          Resource: "*"
      Users: ["SomeUser"]
  Scoped:
    Type: AWS::IAM::Policy
    Properties:
      PolicyDocument:
        Statement:
          - {Effect: Allow, Action: [s3:GetObject], Resource: arn:aws:s3:::b/*}
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [6]);
        let (example, fixed) = crate::kit::testing::cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &example), [5]);
        assert!(cfn_lines(&RULE, &fixed).is_empty());
    }
}
