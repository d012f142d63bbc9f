use crate::cloudformation::check::CfnContext;
use crate::kit::resource_policy;
use crate::policy::{Policy, Statement};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "kms-key-policy-missing-or-full-access-to-all",
    title: "KMS key has no key policy of its own, or its policy gives everyone full control",
    severity: Severity::Medium,
    row: Row::AccessRestriction,
    service: "KMS",
    why: "The key policy is the primary control over a KMS key. Without one, KMS applies the default policy: \
          anyone in the account whose IAM policies allow `kms:*` can use and manage the key. With `kms:*` for \
          `*`, anyone, in any account, can decrypt, re-encrypt and schedule the key for deletion.",
    aws_side: "KMS enforces the key policy and never lets a key be used without one allowing it; writing a \
               least-privilege policy (key administrators, key users) is the customer's.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["7ebc9038-0bde-479a-acc4-6ed7b6758899", "da905474-7454-43c0-b8d2-5756ab951aba"],
        trivy: &[],
    },
    related: Related {
        checkov: &["CKV2_AWS_64", "CKV_AWS_33"],
        kics: &[],
        trivy: &[],
        how: "CKV2_AWS_64 checks only that a key has a policy; CKV_AWS_33 (like kms-key-policy-public) flags any \
              statement for `*`, whatever its actions and its conditions.",
    },
    matcher: &Custom {
        what: "Flags KMS keys without a `policy` and without an `aws_kms_key_policy` (CloudFormation: without \
               `KeyPolicy`), and key policies with an `Allow` statement for any principal (`*`) granting `kms:*` \
               or `*`, unless a condition pins the caller to known principals (fixed values of `aws:PrincipalOrgID`, \
               `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:SourceAccount`, an `aws:SourceArn` naming its account, \
               `kms:CallerAccount` and the like, under an operator that fails without the key; not `aws:SourceIp`).",
        fix: "Write a key policy naming the key administrators and the key users (roles that encrypt and decrypt), \
              with the actions each needs.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_kms_key", "aws_kms_key_policy"],
            check,
            example: r#"resource "aws_kms_key" "data" {
  description = "data"
}"#,
            fixed_example: r#"resource "aws_kms_key" "data" {
  description = "data"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "Administrators", Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:role/key-admin" }, Action = "kms:*", Resource = "*" },
      { Sid = "Users", Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:role/app" }, Action = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"], Resource = "*" },
    ]
  })
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::KMS::Key"],
            check: check_cfn,
            example: r#"Resources:
  DataKey:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
          - Effect: Allow
            Principal:
              AWS: '*'
            Action: kms:*
            Resource: '*'
"#,
            fixed_example: r#"Resources:
  DataKey:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub arn:aws:iam::${AWS::AccountId}:role/key-admin
            Action: kms:*
            Resource: '*'
"#,
        }),
    },
};

fn full_access_to_all(s: &Statement) -> bool {
    resource_policy::is_public(s) && s.actions.iter().any(|a| a == "*" || a.eq_ignore_ascii_case("kms:*"))
}

fn gives_everyone_full_control(policy: &Policy) -> bool {
    policy.statements.iter().any(full_access_to_all)
}

const NO_POLICY: &str = "has no key policy of its own: KMS applies the default policy, so any IAM policy of the \
                         account that allows `kms:*` can use and manage the key";
const FULL: &str =
    "has a key policy that gives any principal (`*`) full control (`kms:*`), with no condition pinning the caller";

fn check(ctx: &mut TfContext) {
    for key in ctx.resources("aws_kms_key").collect::<Vec<_>>() {
        match key.block.attr("policy") {
            Some(a) => {
                if ctx.policy(&a.expr).is_some_and(|p| gives_everyone_full_control(&p)) {
                    ctx.report(key, a.range, format!("`{}` {FULL}", key.address()));
                }
            }
            None => {
                if ctx.companions(key, "aws_kms_key_policy", "key_id", &[]).is_empty() {
                    ctx.report(key, key.block.header, format!("`{}` {NO_POLICY}", key.address()));
                }
            }
        }
    }
    for res in ctx.resources("aws_kms_key_policy").collect::<Vec<_>>() {
        let Some(a) = res.block.attr("policy") else { continue };
        if ctx.policy(&a.expr).is_some_and(|p| gives_everyone_full_control(&p)) {
            ctx.report(res, a.range, format!("`{}` {FULL}", res.address()));
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for key in ctx.resources("AWS::KMS::Key").collect::<Vec<_>>() {
        match ctx.prop(key, "KeyPolicy") {
            Some((node, _)) => {
                if ctx.policy(node).is_some_and(|p| gives_everyone_full_control(&p)) {
                    let range = ctx.prop_range(key, "KeyPolicy").unwrap_or(node.range);
                    ctx.report(key, range, format!("`{}` {FULL}", key.logical_id));
                }
            }
            None => {
                let range = ctx.header(key);
                ctx.report(key, range, format!("`{}` {NO_POLICY}", key.logical_id));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_missing_policies_and_full_access_for_everyone() {
        let tf = r#"resource "aws_kms_key" "aws_star" {
  policy = <<POLICY
{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["kms:*"], "Resource": "*"}]}
POLICY
}
resource "aws_kms_key" "star" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "*", Resource = "*" }] })
}
resource "aws_kms_key" "none" {
  description = "KMS key 1"
}
resource "aws_kms_key" "separate" {
  description = "policy elsewhere"
}
resource "aws_kms_key_policy" "separate" {
  key_id = aws_kms_key.separate.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "kms:*", Resource = "*" }] })
}
resource "aws_kms_key" "deny" {
  policy = jsonencode({ Statement = [{ Effect = "Deny", Principal = { AWS = ["arn:aws:iam::111122223333:user/CMKUser"] }, Action = "kms:Decrypt", Resource = "*" }] })
}
resource "aws_kms_key" "conditioned" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "kms:*", Resource = "*",
    Condition = { StringEquals = { "kms:CallerAccount" = "111122223333" } } }] })
}
resource "aws_kms_key" "unknown" {
  policy = var.policy
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 7, 9]);
    }

    #[test]
    fn cloudformation_keys() {
        let yaml = r#"Resources:
  Open:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
        - Effect: Allow
          Principal:
            AWS: '*'
          Action: kms:*
          Resource: '*'
  NoPolicy:
    Type: AWS::KMS::Key
    Properties:
      KeySpec: RSA_3072
  Scoped:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
        - Effect: Allow
          Principal:
            AWS: arn:aws:iam::111122223333:role/Developer
          Action: [kms:Sign, kms:Verify]
          Resource: '*'
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [5, 12]);
    }

    #[test]
    fn only_conditions_that_pin_the_caller_keep_it_private() {
        crate::kit::testing::check_key_policy_caller_conditions(&RULE, "kms:*");
    }
}
