use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::kit::declared::{is_aws_managed_key, KMS_PLACEHOLDER};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "ecs-exec-session-not-encrypted-cmk",
    title: "ECS Exec sessions are not encrypted with a customer-managed KMS key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "ECS",
    why: "ECS Exec sessions carry whatever is typed and printed inside the containers, secrets included; encrypting \
          them with a key of your own adds a layer you control and can audit.",
    aws_side: "AWS encrypts the channel with TLS. The additional customer-managed key is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_224"],
        kics: &[],
        trivy: &[],
        how: "Checkov also requires the session log destination (CloudWatch or S3) to be encrypted.",
    },
    matcher: &Custom {
        what: "Flags ECS clusters that configure ECS Exec (`configuration.execute_command_configuration`, \
               CloudFormation `Configuration.ExecuteCommandConfiguration`) with logging not `NONE` and no \
               customer-managed `kms_key_id`. Clusters that do not configure ECS Exec are not judged.",
        fix: "Set `kms_key_id` in `execute_command_configuration` to a customer-managed key whose policy lets the \
              tasks' roles use it.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ecs_cluster"],
            check,
            example: r#"resource "aws_ecs_cluster" "main" {
  name = "main"
  configuration {
    execute_command_configuration {
      logging = "DEFAULT"
    }
  }
}"#,
            fixed_example: r#"resource "aws_ecs_cluster" "main" {
  name = "main"
  configuration {
    execute_command_configuration {
      logging = "DEFAULT"
      kms_key_id = "<customer-managed-kms-key-arn>"
    }
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ECS::Cluster"],
            check: check_cfn,
            example: r#"Resources:
  Main:
    Type: AWS::ECS::Cluster
    Properties:
      Configuration:
        ExecuteCommandConfiguration:
          Logging: DEFAULT
"#,
            fixed_example: r#"Resources:
  Main:
    Type: AWS::ECS::Cluster
    Properties:
      Configuration:
        ExecuteCommandConfiguration:
          Logging: DEFAULT
          KmsKeyId: '<customer-managed-kms-key-arn>'
"#,
        }),
    },
};

const FIX: &str = "Use a customer-managed KMS key (placeholder to replace)";

fn logging_off(v: Option<Value>) -> bool {
    v.and_then(|v| v.as_str().map(|s| s.eq_ignore_ascii_case("NONE"))) == Some(true)
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_ecs_cluster").collect::<Vec<_>>() {
        let file = ctx.file(res);
        for conf in ctx.nested(res.config(), "configuration") {
            for exec in ctx.nested(conf, "execute_command_configuration") {
                if logging_off(ctx.field(exec, "logging").map(|(_, v)| v)) {
                    continue;
                }
                let key = ctx.field(exec, "kms_key_id");
                let insecure = match &key {
                    None => true,
                    Some((_, Value::String(s))) => s.trim().is_empty() || is_aws_managed_key(s),
                    Some(_) => false,
                };
                if !insecure {
                    continue;
                }
                let message = format!(
                    "`{}` configures ECS Exec without a customer-managed KMS key for its sessions",
                    res.address()
                );
                let range = key.as_ref().map_or(exec.header(), |(f, _)| f.range);
                let finding = ctx.report(res, range, message);
                let placeholder = format!("\"{KMS_PLACEHOLDER}\"");
                let edit = match (&key, exec.block()) {
                    (Some((f, _)), _) => Some(crate::fix::Edit { range: f.expr.range, text: placeholder }),
                    (None, Some(b)) => Some(edit::set_attribute(file, b, "kms_key_id", &placeholder)),
                    _ => None,
                };
                finding.fixes.extend(edit.map(|e| Fix::unsafe_(FIX, vec![e])));
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ECS::Cluster").collect::<Vec<_>>() {
        let Some((exec, _)) = ctx.prop(res, "Configuration.ExecuteCommandConfiguration") else { continue };
        if exec.intrinsic().is_some() || logging_off(exec.get("Logging").map(|n| ctx.eval(n))) {
            continue;
        }
        let key = exec.get("KmsKeyId").map(|n| (n, ctx.eval(n)));
        let insecure = match &key {
            None | Some((_, Value::Null)) => true,
            Some((_, Value::String(s))) => s.trim().is_empty() || is_aws_managed_key(s),
            Some(_) => false,
        };
        if !insecure {
            continue;
        }
        let message =
            format!("`{}` configures ECS Exec without a customer-managed KMS key for its sessions", res.logical_id);
        let edit = cfn_edit::set_key(ctx.template, exec, "KmsKeyId", &json!(KMS_PLACEHOLDER));
        ctx.report(res, exec.range, message).fixes.push(Fix::unsafe_(FIX, vec![edit]));
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_exec_without_a_customer_key() {
        let tf = r#"resource "aws_ecs_cluster" "a" {
  configuration {
    execute_command_configuration {
      logging = "OVERRIDE"
    }
  }
}
resource "aws_ecs_cluster" "none" {
  configuration {
    execute_command_configuration {
      logging = "NONE"
    }
  }
}
resource "aws_ecs_cluster" "key" {
  configuration {
    execute_command_configuration {
      kms_key_id = aws_kms_key.exec.arn
    }
  }
}
resource "aws_ecs_cluster" "plain" {
  name = "p"
}
"#;
        assert_eq!(lines(&RULE, tf), [3]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let yaml = "Resources:\n  A:\n    Type: AWS::ECS::Cluster\n    Properties:\n      Configuration:\n        ExecuteCommandConfiguration:\n          Logging: DEFAULT\n  B:\n    Type: AWS::ECS::Cluster\n    Properties:\n      Configuration:\n        ExecuteCommandConfiguration:\n          KmsKeyId: !Ref Key\n";
        assert_eq!(cfn_lines(&RULE, yaml), [7]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
