use crate::cloudformation::check::CfnContext;
use crate::kit::resource_policy;
use crate::policy::Policy;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "kms-key-policy-public",
    title: "KMS key policy allows any principal",
    severity: Severity::Critical,
    row: Row::AccessRestriction,
    service: "KMS",
    why: "The key policy is the primary control over a KMS key: a principal of `*` without a condition that pins the \
          caller lets any AWS principal, in any account, use the key as far as the statement's actions go: decrypt the \
          data and secrets it protects, or with `kms:*` change the policy and schedule the key for deletion, which \
          makes every ciphertext under it unrecoverable.",
    aws_side: "AWS enforces the key policy you write and keeps the key material in HSMs that no one, AWS \
               included, can export. Who may use and manage the key is decided by the customer's key policy alone.",
    equivalents: Equivalents { checkov: &[], kics: &[], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_33"],
        kics: &["f6049677-ec4a-43af-8779-5190b6d03cba"],
        trivy: &[],
        how: "Checkov's CKV_AWS_33 fails a statement for `*` whatever its conditions (`kms:CallerAccount` and \
              `aws:PrincipalOrgID` included, which this rule passes) and reads `aws_kms_key` only, not \
              `aws_kms_key_policy`. KICS's CloudFormation KMS Allows Wildcard Principal (f6049677) also ignores \
              conditions, and matches only a plain `Principal: '*'` (or a list holding it), not `{AWS: '*'}`, nor \
              `AWS::KMS::ReplicaKey`, which this rule flags.",
    },
    matcher: &Custom {
        what: "Flags KMS key policies (`aws_kms_key` and `aws_kms_key_policy` `policy`, CloudFormation `KeyPolicy`) \
               with an `Allow` statement whose principal is `*` (or `{\"AWS\": \"*\"}`), unless a condition pins the \
               caller to known principals (fixed values of `aws:PrincipalOrgID`, `aws:PrincipalAccount`, \
               `aws:PrincipalArn`, `aws:SourceAccount`, an `aws:SourceArn` naming its account, `kms:CallerAccount` and \
               the like, under an operator that fails without the key; not `aws:SourceIp`). `kms:ViaService` alone \
               does not pin: principals of any account call through the service.",
        fix: "Name the principals: the account (`arn:aws:iam::111122223333:root`, which delegates to IAM policies), \
              the key administrators' roles and the roles that use the key; or keep `*` only together with a condition \
              that pins the caller, such as `kms:CallerAccount` (beside `kms:ViaService`, as AWS managed keys do) or \
              `aws:PrincipalOrgID`.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_kms_key", "aws_kms_key_policy"],
            check,
            example: r#"resource "aws_kms_key" "data" {
  enable_key_rotation = true
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = "*", Action = "kms:*", Resource = "*" }]
  })
}"#,
            fixed_example: r#"resource "aws_kms_key" "data" {
  enable_key_rotation = true
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "kms:*", Resource = "*" }]
  })
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::KMS::Key", "AWS::KMS::ReplicaKey"],
            check: check_cfn,
            example: r#"Resources:
  DataKey:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
      KeyPolicy:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: '*'
            Action: kms:*
            Resource: '*'
"#,
            fixed_example: r#"Resources:
  DataKey:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
      KeyPolicy:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:root
            Action: kms:*
            Resource: '*'
"#,
        }),
    },
};

/// The actions of the first public statement of a policy, for the message.
fn public_actions(policy: &Policy) -> Option<String> {
    let s = resource_policy::public_statements(policy).next()?;
    Some(match s.actions.as_slice() {
        [] => "its actions".to_string(),
        actions => actions.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", "),
    })
}

fn check(ctx: &mut TfContext) {
    for ty in ["aws_kms_key", "aws_kms_key_policy"] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let Some(attr) = res.block.attr("policy") else { continue };
            let Some(actions) = ctx.policy(&attr.expr).as_deref().and_then(public_actions) else { continue };
            ctx.report(res, attr.range, format!("`{}` lets any principal call {actions} on the key", res.address()));
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for ty in ["AWS::KMS::Key", "AWS::KMS::ReplicaKey"] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let Some((node, _)) = ctx.prop(res, "KeyPolicy") else { continue };
            let Some(actions) = ctx.policy(node).as_ref().and_then(public_actions) else { continue };
            let range = ctx.prop_range(res, "KeyPolicy").unwrap_or(node.range);
            ctx.report(res, range, format!("`{}` lets any principal call {actions} on the key", res.logical_id));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_public_key_policies_without_conditions() {
        let text = r#"resource "aws_kms_key" "star" {
  policy = <<EOF
{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["kms:*"], "Resource": "*"}]}
EOF
}
resource "aws_kms_key_policy" "string" {
  key_id = aws_kms_key.star.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "kms:Decrypt", Resource = "*" }] })
}
resource "aws_kms_key" "conditioned" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "kms:Decrypt", Resource = "*",
    Condition = { StringEquals = { "kms:CallerAccount" = "111122223333" } } }] })
}
resource "aws_kms_key" "account" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "kms:*", Resource = "*" }] })
}
resource "aws_kms_key" "deny" {
  policy = jsonencode({ Statement = [{ Effect = "Deny", Principal = "*", Action = "kms:*", Resource = "*" }] })
}
resource "aws_kms_key" "unknown" {
  policy = var.policy
}
resource "aws_kms_key" "none" {}
"#;
        assert_eq!(lines(&RULE, text), [2, 8]);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        let m = crate::kit::testing::cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &m.0), [6]);
        assert!(cfn_lines(&RULE, &m.1).is_empty());
        let json = r#"{"Resources": {"A": {"Type": "AWS::KMS::ReplicaKey", "Properties": {"KeyPolicy":
  "{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": {\"AWS\": [\"*\"]}, \"Action\": \"kms:Decrypt\"}}"}},
  "B": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {"Ref": "Policy"}}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [1]);
    }

    #[test]
    fn only_conditions_that_pin_the_caller_keep_it_private() {
        crate::kit::testing::check_key_policy_caller_conditions(&RULE, "kms:Decrypt");
    }
}
