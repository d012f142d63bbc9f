use crate::cloudformation::check::CfnContext;
use crate::kit::policy_sites::{policy_sites, SiteKind};
use crate::kit::policy_sites_cfn::cfn_policy_sites;
use crate::policy::{Policy, Statement};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "iam-role-trust-any-principal",
    title: "IAM role can be assumed by anyone, or by any principal of an account, without a condition",
    severity: Severity::High,
    row: Row::AccessRestriction,
    service: "IAM",
    why: "A trust policy decides who may become the role. `*` without a condition lets any AWS principal in any \
          account assume it; an account's root principal lets every user and role of that account that has \
          `sts:AssumeRole` permission assume it, which for another account means trusting all of its \
          administrators and its workloads. Naming the roles that need access (or adding `sts:ExternalId`, \
          `aws:PrincipalOrgID` or MFA conditions) keeps the role from becoming a way in.",
    aws_side: "AWS evaluates the trust policy on every `AssumeRole` call and hands out temporary credentials to \
               whoever it allows. Whom the role trusts is written by the customer alone.",
    equivalents: Equivalents { checkov: &[], kics: &["12b7e704-37f0-4d1e-911a-44bf60c48c21"], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_60", "CKV_AWS_61"],
        kics: &["f80e3aa7-7b34-4185-954e-440a6894dde6", "bcdcbdc6-a350-4855-ae7c-d1e6436f7c97"],
        trivy: &[],
        how: "Checkov's CKV_AWS_60 (AWS principal `*`) and CKV_AWS_61 (a whole account) fail even when a condition \
              narrows the trust (`aws:PrincipalOrgID`, a third party's `sts:ExternalId`), which this rule accepts, \
              and CKV_AWS_60 misses `Principal: \"*\"` written as a string. KICS's CloudFormation IAM Role Allows All \
              Principals To Assume (f80e3aa7) fails an AWS principal naming an account's `:root` whatever the \
              statement's conditions, and misses `*` and bare account ids, which this rule flags. Its Terraform IAM \
              Policy Grants 'AssumeRole' Permission Across All Services (bcdcbdc6) fails a role whose trust policy's \
              text contains `Service` and has an `Allow` statement whose principal, or AWS principal, contains `*` \
              (an ARN with a wildcard included), whatever its conditions; it misses whole accounts (`:root`).",
    },
    matcher: &Custom {
        what: "Flags role trust policies (`assume_role_policy`, CloudFormation `AssumeRolePolicyDocument`) with an \
               `Allow` statement and no `Condition` whose AWS principal is `*` (anyone) or a whole account (`:root`, \
               a bare account id).",
        fix: "Name the roles or users that may assume it (`arn:aws:iam::111122223333:role/deployer`), or add a \
              condition such as `sts:ExternalId` for third parties, `aws:PrincipalOrgID` for the organization, or \
              `aws:MultiFactorAuthPresent` for people.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_iam_role"],
            check,
            example: r#"resource "aws_iam_role" "deploy" {
  name = "deploy"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "*" } }]
  })
}"#,
            fixed_example: r#"resource "aws_iam_role" "deploy" {
  name = "deploy"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::111122223333:role/ci" } }]
  })
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::IAM::Role"],
            check: check_cfn,
            example: r#"Resources:
  DeployRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              AWS: '*'
            Action: sts:AssumeRole
"#,
            fixed_example: r#"Resources:
  DeployRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              AWS: arn:aws:iam::111122223333:role/ci
            Action: sts:AssumeRole
"#,
        }),
    },
};

/// Whether an AWS principal is a whole account: `arn:<partition>:iam::<account>:root` (KICS's fixtures also
/// write it without the account), or a bare 12-digit account id.
fn is_account(id: &str) -> bool {
    (id.starts_with("arn:") && id.contains(":iam::") && id.ends_with(":root"))
        || (id.len() == 12 && id.chars().all(|c| c.is_ascii_digit()))
}

/// What a statement opens the role to, if it is too broad.
fn audience(s: &Statement) -> Option<&'static str> {
    if !s.allow || !s.conditions.is_empty() {
        return None;
    }
    if s.has_public_principal() {
        return Some("any AWS principal (`*`)");
    }
    s.principals
        .iter()
        .any(|(ty, id)| ty.eq_ignore_ascii_case("AWS") && is_account(id))
        .then_some("every principal of an account (`:root`)")
}

fn finding(policy: &Policy) -> Option<&'static str> {
    policy.statements.iter().find_map(audience)
}

fn check(ctx: &mut TfContext) {
    for site in policy_sites(ctx, true) {
        if site.kind != SiteKind::Trust {
            continue;
        }
        if let Some(who) = finding(&site.policy) {
            ctx.report(
                site.res,
                site.range,
                format!("`{}` can be assumed by {who} without a condition", site.res.address()),
            );
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for site in cfn_policy_sites(ctx, true) {
        if site.kind != SiteKind::Trust {
            continue;
        }
        if let Some(who) = finding(&site.policy) {
            let message = format!("`{}` can be assumed by {who} without a condition", site.res.logical_id);
            ctx.report(site.res, site.range, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_public_and_whole_account_trust_without_conditions() {
        let text = r#"resource "aws_iam_role" "public" {
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = "*" }] })
}
resource "aws_iam_role" "account" {
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = ["arn:aws:iam::111122223333:root"] } }] })
}
resource "aws_iam_role" "external_id" {
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "111122223333" },
    Condition = { StringEquals = { "sts:ExternalId" = "x" } } }] })
}
resource "aws_iam_role" "service" {
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}
resource "aws_iam_role" "named" {
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::111122223333:role/ci" } }] })
}
resource "aws_iam_role" "deny" {
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Deny", Action = "sts:AssumeRole", Principal = "*" }] })
}
resource "aws_iam_role" "unknown" {
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = var.who } }] })
}
"#;
        assert_eq!(lines(&RULE, text), [2, 5]);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        let m = crate::kit::testing::cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &m.0), [5]);
        assert!(cfn_lines(&RULE, &m.1).is_empty());
        let json = r#"{"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument":
  "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:root\"}, \"Action\": \"sts:AssumeRole\"}]}"}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [1]);
    }
}
