use crate::cloudformation::check::CfnContext;
use crate::kit::policy_sites::{policy_sites, SiteKind};
use crate::kit::policy_sites_cfn::cfn_policy_sites;
use crate::policy::{Policy, Statement};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::eval::UNKNOWN_PART;

pub static RULE: Rule = Rule {
    id: "iam-role-cross-account-trust-without-external-id-or-mfa",
    title: "IAM role trusts another AWS account without requiring an external ID or MFA",
    severity: Severity::High,
    row: Row::AccessRestriction,
    service: "IAM",
    why: "A role that trusts a whole other account lets anyone there who is allowed `sts:AssumeRole` step into \
          yours. For third-party access, an external ID stops the confused-deputy problem (a vendor tricked into \
          using your role on someone else's behalf); for people, requiring MFA when assuming the role limits what \
          stolen long-term keys can do.",
    aws_side: "AWS enforces the trust policy exactly as written; choosing who may assume a role, and under which \
               conditions, is the customer's duty.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["09c35abf-5852-4622-ac7a-b987b331232e", "85138beb-ce7c-4ca3-a09f-e8fbcc57ddd7"],
        trivy: &[],
    },
    related: Related {
        checkov: &["CKV_AWS_61"],
        kics: &[],
        trivy: &[],
        how: "CKV_AWS_61 reads only the first statement and accepts any condition (an MFA condition that is \
              `false`, an empty external ID).",
    },
    matcher: &Custom {
        what: "Flags role trust policies with an `Allow` statement for `sts:AssumeRole` (or `sts:*`, `*`) whose AWS \
               principal is an account (a 12-digit id, or any IAM or STS ARN of an account), without a \
               `StringEquals` `sts:ExternalId` condition with a value or a `Bool` `aws:MultiFactorAuthPresent` \
               condition that is `true`.",
        fix: "Add `Condition = { StringEquals = { \"sts:ExternalId\" = \"<id agreed with the third party>\" } }` for \
              a third party, or `Condition = { Bool = { \"aws:MultiFactorAuthPresent\" = \"true\" } }` for people.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_iam_role"],
            check,
            example: r#"resource "aws_iam_role" "vendor" {
  name = "vendor"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::987654321145:root" }
    }]
  })
}"#,
            fixed_example: r#"resource "aws_iam_role" "vendor" {
  name = "vendor"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::987654321145:root" }
      Condition = { StringEquals = { "sts:ExternalId" = "c6f1e9a0-vendor" } }
    }]
  })
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::IAM::Role"],
            check: check_cfn,
            example: r#"Resources:
  VendorRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Action: sts:AssumeRole
            Principal:
              AWS: arn:aws:iam::987654321145:root
"#,
            fixed_example: r#"Resources:
  VendorRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Action: sts:AssumeRole
            Principal:
              AWS: arn:aws:iam::987654321145:root
            Condition:
              Bool:
                aws:MultiFactorAuthPresent: true
"#,
        }),
    },
};

/// An account principal: a 12-digit account id, or an IAM or STS ARN of an account (root, user, role).
fn is_account_principal(id: &str) -> bool {
    let digits = |s: &str| s.len() == 12 && s.chars().all(|c| c.is_ascii_digit());
    if digits(id) {
        return true;
    }
    let Some(rest) = id.strip_prefix("arn:") else { return false };
    let mut parts = rest.splitn(5, ':');
    let (partition, service, region, account) = (parts.next(), parts.next(), parts.next(), parts.next());
    partition.is_some_and(|p| p.starts_with("aws"))
        && matches!(service, Some("iam") | Some("sts"))
        && region == Some("")
        && account.is_some_and(digits)
}

fn allows_assume_role(s: &Statement) -> bool {
    s.allows_action(|a| a == "*" || a.eq_ignore_ascii_case("sts:*") || a.eq_ignore_ascii_case("sts:AssumeRole"))
}

/// Whether a condition of the statement requires an external ID or MFA; `None` when its values are unknown.
fn guarded(s: &Statement) -> Option<bool> {
    let mut unknown = false;
    for (op, key, values) in &s.conditions {
        let op = op.rsplit(':').next().unwrap_or(op);
        let op = op.strip_suffix("ifexists").unwrap_or(op);
        if values.iter().any(|v| v.contains(UNKNOWN_PART)) && (key == "sts:externalid" || key.contains("multifactor")) {
            unknown = true;
            continue;
        }
        let external_id = (op == "stringequals" || op == "stringlike")
            && key == "sts:externalid"
            && values.iter().any(|v| !v.trim().is_empty());
        let mfa = op == "bool"
            && key == "aws:multifactorauthpresent"
            && values.iter().any(|v| v.eq_ignore_ascii_case("true"));
        if external_id || mfa {
            return Some(true);
        }
    }
    if unknown {
        None
    } else {
        Some(false)
    }
}

/// The first account principal a statement of the trust policy lets in unguarded.
fn unguarded_account(policy: &Policy) -> Option<&str> {
    policy.statements.iter().filter(|s| allows_assume_role(s)).find_map(|s| {
        if guarded(s) != Some(false) {
            return None;
        }
        s.principals
            .iter()
            .find(|(ty, id)| ty.eq_ignore_ascii_case("AWS") && is_account_principal(id))
            .map(|(_, id)| id.as_str())
    })
}

fn message(subject: &str, who: &str) -> String {
    format!(
        "`{subject}` can be assumed from account principal `{who}` without an `sts:ExternalId` or MFA condition: \
         anyone there allowed `sts:AssumeRole` can step into this role"
    )
}

fn check(ctx: &mut TfContext) {
    for site in policy_sites(ctx, true) {
        if site.kind != SiteKind::Trust {
            continue;
        }
        if let Some(who) = unguarded_account(&site.policy) {
            let message = message(&site.res.address(), who);
            ctx.report(site.res, site.range, message);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for site in cfn_policy_sites(ctx, true) {
        if site.kind != SiteKind::Trust {
            continue;
        }
        if let Some(who) = unguarded_account(&site.policy) {
            let message = message(site.res.logical_id, who);
            ctx.report(site.res, site.range, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_account_trust_without_external_id_or_mfa() {
        let tf = r#"variable "external_id" {}
resource "aws_iam_role" "root" {
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::987654321145:root" } }] })
}
resource "aws_iam_role" "mfa_false" {
  assume_role_policy = <<EOF
{"Statement": {"Action": "sts:AssumeRole", "Principal": {"AWS": "arn:aws:iam::987654321145:root"}, "Effect": "Allow",
 "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}}
EOF
}
resource "aws_iam_role" "empty_external_id" {
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = ["123456789012"] },
    Condition = { StringEquals = { "sts:ExternalId" = "" } } }] })
}
resource "aws_iam_role" "external_id" {
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::987654321145:role/ci" },
    Condition = { StringEquals = { "sts:ExternalId" = "98765" } } }] })
}
resource "aws_iam_role" "mfa" {
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::987654321145:root" },
    Condition = { Bool = { "aws:MultiFactorAuthPresent" = true } } }] })
}
resource "aws_iam_role" "unknown_condition" {
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::987654321145:root" },
    Condition = { StringEquals = { "sts:ExternalId" = var.external_id } } }] })
}
resource "aws_iam_role" "same_account" {
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" } }] })
}
resource "aws_iam_role" "service" {
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 6, 12]);
    }

    #[test]
    fn cloudformation_json_strings_and_objects() {
        let (example, fixed) = crate::kit::testing::cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &example), [5]);
        assert!(cfn_lines(&RULE, &fixed).is_empty());
        let yaml = r#"Resources:
  RootRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: >
        {"Statement": [{"Action": "sts:AssumeRole", "Principal": {"AWS": "arn:aws:iam::987654321145:root"},
          "Effect": "Allow", "Condition": {"StringEquals": {"sts:ExternalId": "98765"}}}]}
  Open:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {"Statement": {"Action": "sts:AssumeRole", "Principal": {"AWS": "987654321145"}}}
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [11]);
    }
}
