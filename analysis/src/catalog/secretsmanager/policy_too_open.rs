use crate::cloudformation::check::CfnContext;
use crate::kit::resource_policy::public_statements;
use crate::policy::Policy;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "secretsmanager-policy-too-open",
    title: "Secrets Manager resource policy allows any principal or all Secrets Manager actions",
    severity: Severity::High,
    row: Row::AccessRestriction,
    service: "Secrets Manager",
    why: "A secret readable by `*` is open to every AWS account; `secretsmanager:*` also lets the grantee change or \
          delete the secret and its policy.",
    aws_side: "Secrets Manager enforces the policy (and can refuse public policies with `BlockPublicPolicy`); \
               writing it narrowly is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["fa00ce45-386d-4718-8392-fb485e1f3c5b"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags secret policies (`aws_secretsmanager_secret_policy`, the legacy `policy` of \
               `aws_secretsmanager_secret`, `AWS::SecretsManager::ResourcePolicy`) with an `Allow` statement for any \
               principal, unless a condition pins the caller to known principals (fixed values of \
               `aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:SourceAccount`, an \
               `aws:SourceArn` naming its account, `aws:SourceVpce` and the like, under an operator that fails without \
               the key; not `aws:SourceIp`), or allowing `secretsmanager:*` or `*`.",
        fix: "Name the roles that read the secret and allow them `secretsmanager:GetSecretValue` only.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_secretsmanager_secret_policy", "aws_secretsmanager_secret"],
            check,
            example: r#"resource "aws_secretsmanager_secret_policy" "db" {
  secret_arn = aws_secretsmanager_secret.db.arn
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "secretsmanager:*", Resource = "*" }]
  })
}"#,
            fixed_example: r#"resource "aws_secretsmanager_secret_policy" "db" {
  secret_arn = aws_secretsmanager_secret.db.arn
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { AWS = aws_iam_role.app.arn }, Action = "secretsmanager:GetSecretValue", Resource = "*" }]
  })
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::SecretsManager::ResourcePolicy"],
            check: check_cfn,
            example: r#"Resources:
  DbPolicy:
    Type: AWS::SecretsManager::ResourcePolicy
    Properties:
      SecretId: !Ref Db
      ResourcePolicy:
        Statement:
          - Effect: Allow
            Principal: {AWS: '*'}
            Action: secretsmanager:GetSecretValue
            Resource: '*'
"#,
            fixed_example: r#"Resources:
  DbPolicy:
    Type: AWS::SecretsManager::ResourcePolicy
    Properties:
      SecretId: !Ref Db
      ResourcePolicy:
        Statement:
          - Effect: Allow
            Principal: {AWS: !GetAtt AppRole.Arn}
            Action: secretsmanager:GetSecretValue
            Resource: '*'
"#,
        }),
    },
};

fn openness(policy: &Policy) -> Option<&'static str> {
    if public_statements(policy).next().is_some() {
        return Some("allows any principal (`*`)");
    }
    policy
        .statements
        .iter()
        .any(|s| s.allow && s.actions.iter().any(|a| a == "*" || a.eq_ignore_ascii_case("secretsmanager:*")))
        .then_some("allows every Secrets Manager action")
}

fn message(subject: &str, what: &str) -> String {
    format!("`{subject}` has a secret policy that {what}")
}

fn check(ctx: &mut TfContext) {
    for ty in ["aws_secretsmanager_secret_policy", "aws_secretsmanager_secret"] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let Some(attr) = res.block.attr("policy") else { continue };
            let Some(what) = ctx.policy(&attr.expr).and_then(|p| openness(&p)) else { continue };
            ctx.report(res, attr.range, message(&res.address(), what));
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::SecretsManager::ResourcePolicy").collect::<Vec<_>>() {
        let Some((node, _)) = ctx.prop(res, "ResourcePolicy") else { continue };
        let Some(what) = ctx.policy(node).and_then(|p| openness(&p)) else { continue };
        let range = ctx.prop_range(res, "ResourcePolicy").unwrap_or(node.range);
        ctx.report(res, range, message(res.logical_id, what));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_open_secret_policies() {
        let tf = r#"resource "aws_secretsmanager_secret_policy" "public" {
  secret_arn = "s"
  policy = <<POLICY
{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "secretsmanager:*", "Resource": "*"}]}
POLICY
}
resource "aws_secretsmanager_secret_policy" "all_actions" {
  secret_arn = "s"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::1:role/r" }, Action = "*", Resource = "*" }] })
}
resource "aws_secretsmanager_secret_policy" "org" {
  secret_arn = "s"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "secretsmanager:GetSecretValue", Resource = "*",
    Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-123" } } }] })
}
resource "aws_secretsmanager_secret_policy" "saml" {
  secret_arn = "s"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { Federated = "arn:aws:iam::1:saml-provider/p" }, Action = "secretsmanager:GetSecretValue", Resource = "*" }] })
}
resource "aws_secretsmanager_secret_policy" "unknown" {
  secret_arn = "s"
  policy     = var.policy
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 9]);
        let (example, fixed) = crate::kit::testing::cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &example), [6]);
        assert!(cfn_lines(&RULE, &fixed).is_empty());
    }

    #[test]
    fn only_conditions_that_pin_the_caller_keep_it_private() {
        crate::kit::testing::check_caller_conditions(
            &RULE,
            "secretsmanager:GetSecretValue",
            |statements: &str| {
                format!(
                    r#"resource "aws_secretsmanager_secret_policy" "p" {{
  secret_arn = "s"
  policy = <<EOF
{{"Statement": {statements}}}
EOF
}}
"#
                )
            },
            Some(&|statements: &str| {
                format!(
                    r#"Resources:
  P:
    Type: AWS::SecretsManager::ResourcePolicy
    Properties:
      SecretId: s
      ResourcePolicy:
        Statement: {statements}
"#
                )
            }),
        );
    }
}
