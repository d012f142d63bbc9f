use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::kit::declared::{is_aws_managed_key, KMS_PLACEHOLDER};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::terraform::model::{ExprKind, Step};
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "secretsmanager-secret-not-encrypted-cmk",
    title: "Secrets Manager secret is encrypted with the AWS-managed key instead of a customer-managed key",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "Secrets Manager",
    why: "With the AWS-managed key, every principal allowed `secretsmanager:GetSecretValue` can decrypt, and the \
          secret cannot be shared with another account; a customer-managed key adds a key policy you control.",
    aws_side: "Secrets Manager always encrypts secrets; the choice of key, and its policy, is the customer's.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &[
            "a2f548f2-188c-4fff-b172-e9a6acb216bd",
            "b0d3ef3f-845d-4b1b-83d6-63a5a380375f",
            "c8ae9ba9-c2f7-4e5c-b32e-a4b7712d4d22",
        ],
        trivy: &["AVD-AWS-0098", "aws-ssm-secret-use-customer-key"],
    },
    related: Related {
        checkov: &["CKV_AWS_149"],
        kics: &[],
        trivy: &[],
        how: "CKV_AWS_149 does not follow a `data \"aws_kms_key\"` that names the AWS-managed key.",
    },
    matcher: &Custom {
        what: "Flags secrets (`aws_secretsmanager_secret`, `AWS::SecretsManager::Secret`) without `kms_key_id`, with \
               an empty one, with an AWS-managed key (`alias/aws/secretsmanager`), or with a `data \"aws_kms_key\"` \
               looked up by such an alias.",
        fix: "Set `kms_key_id` to a customer-managed KMS key whose policy lets the secret's readers decrypt.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_secretsmanager_secret"],
            check,
            example: r#"resource "aws_secretsmanager_secret" "db" {
  name = "db"
}"#,
            fixed_example: r#"resource "aws_secretsmanager_secret" "db" {
  name = "db"
  kms_key_id = "<customer-managed-kms-key-arn>"
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::SecretsManager::Secret"],
            check: check_cfn,
            example: r#"Resources:
  Db:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: db
"#,
            fixed_example: r#"Resources:
  Db:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: db
      KmsKeyId: '<customer-managed-kms-key-arn>'
"#,
        }),
    },
};

const FIX: &str = "Use a customer-managed KMS key (placeholder to replace)";

/// The key a `data.aws_kms_key.<name>.arn` reference looks up, when the module has it.
fn looked_up_key(ctx: &TfContext, expr: &crate::terraform::model::Expr) -> Option<String> {
    let ExprKind::Traversal(root, steps) = &expr.kind else { return None };
    let [Step::Attr(ty), Step::Attr(name), ..] = steps.as_slice() else { return None };
    if root != "data" || ty != "aws_kms_key" {
        return None;
    }
    let data = ctx.at_address(&format!("data.aws_kms_key.{name}")).into_iter().next()?;
    ctx.attr(data.block, "key_id").and_then(|(_, v)| v.as_str().map(str::to_string))
}

fn check(ctx: &mut TfContext) {
    for secret in ctx.resources("aws_secretsmanager_secret").collect::<Vec<_>>() {
        let file = ctx.file(secret);
        let placeholder = format!("\"{KMS_PLACEHOLDER}\"");
        let address = secret.address();
        match ctx.attr(secret.block, "kms_key_id") {
            None => {
                let fix = Fix::unsafe_(FIX, vec![edit::set_attribute(file, secret.block, "kms_key_id", &placeholder)]);
                let message = format!(
                    "`{address}` does not set `kms_key_id`: it is encrypted with the AWS-managed \
                     `aws/secretsmanager` key"
                );
                ctx.report_with_fix(secret, secret.block.header, message, fix);
            }
            Some((attr, value)) => {
                let key = match value {
                    Value::String(s) => Some(s),
                    _ => looked_up_key(ctx, &attr.expr),
                };
                let Some(key) = key else { continue };
                if !(key.trim().is_empty() || is_aws_managed_key(&key)) {
                    continue;
                }
                let fix = Fix::unsafe_(FIX, vec![Edit { range: attr.expr.range, text: placeholder }]);
                let message = format!(
                    "`{address}` is encrypted with `{key}`: an AWS-managed key is governed by no key policy of yours"
                );
                ctx.report_with_fix(secret, attr.range, message, fix);
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for secret in ctx.resources("AWS::SecretsManager::Secret").collect::<Vec<_>>() {
        let id = secret.logical_id;
        match ctx.prop(secret, "KmsKeyId") {
            None | Some((_, Value::Null)) => {
                let fix = Fix::unsafe_(
                    FIX,
                    vec![cfn_edit::set_property(ctx.template, secret, "KmsKeyId", &json!(KMS_PLACEHOLDER))],
                );
                let message = format!(
                    "`{id}` does not set `KmsKeyId`: it is encrypted with the AWS-managed `aws/secretsmanager` key"
                );
                let range = ctx.header(secret);
                ctx.report(secret, range, message).fixes.push(fix);
            }
            Some((node, Value::String(key))) if key.trim().is_empty() || key.contains("alias/aws/") => {
                let fix = Fix::unsafe_(FIX, vec![cfn_edit::replace_value(ctx.template, node, &json!(KMS_PLACEHOLDER))]);
                let message = format!(
                    "`{id}` is encrypted with `{key}`: an AWS-managed key is governed by no key policy of yours"
                );
                let range = ctx.prop_range(secret, "KmsKeyId").unwrap_or(node.range);
                ctx.report(secret, range, message).fixes.push(fix);
            }
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_secrets_under_the_aws_managed_key() {
        let tf = r#"data "aws_kms_key" "by_alias" {
  key_id = "alias/aws/secretsmanager"
}
data "aws_kms_key" "mine" {
  key_id = "alias/app"
}
resource "aws_secretsmanager_secret" "absent" {
  name = "a"
}
resource "aws_secretsmanager_secret" "alias" {
  kms_key_id = "alias/aws/secretsmanager"
}
resource "aws_secretsmanager_secret" "looked_up" {
  kms_key_id = data.aws_kms_key.by_alias.arn
}
resource "aws_secretsmanager_secret" "customer" {
  kms_key_id = data.aws_kms_key.mine.arn
}
resource "aws_secretsmanager_secret" "own_alias" {
  kms_key_id = "alias/MyAlias"
}
resource "aws_secretsmanager_secret" "unknown" {
  kms_key_id = var.key
}
"#;
        assert_eq!(lines(&RULE, tf), [7, 11, 14]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn cloudformation_secrets() {
        let yaml = "Resources:\n  A:\n    Type: AWS::SecretsManager::Secret\n    Properties:\n      Name: a\n  B:\n    Type: AWS::SecretsManager::Secret\n    Properties:\n      KmsKeyId: alias/aws/secretsmanager\n  C:\n    Type: AWS::SecretsManager::Secret\n    Properties:\n      KmsKeyId: String\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 9]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
