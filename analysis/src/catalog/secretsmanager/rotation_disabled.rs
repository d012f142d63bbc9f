use serde_json::json;

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::CfnResource;
use crate::fix::Fix;
use crate::kit::setting::add_cfn_resource;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{is_registry_module, Resource, TfContext};
use crate::terraform::edit;
use crate::terraform::model::ExprKind;
use crate::value::format_number;

pub static RULE: Rule = Rule {
    id: "secretsmanager-rotation-disabled",
    title: "Secrets Manager secret is not rotated automatically",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "Secrets Manager",
    why: "A secret that never changes stays valid for as long as any copy of it exists: in an old backup, a \
          developer's shell history, a leaked log, the laptop of someone who left. Automatic rotation bounds \
          that exposure and proves that applications read the secret at run time rather than keeping a copy.",
    aws_side: "AWS stores secrets encrypted with KMS and runs rotation on the schedule you set, natively for RDS, \
               Redshift and DocumentDB credentials and through a Lambda function for others. Setting up rotation \
               (and the function) is the customer's duty: a secret is never rotated by default.",
    equivalents: Equivalents { checkov: &["CKV2_AWS_57", "CKV_AWS_304"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_secretsmanager_secret` resources that no `aws_secretsmanager_secret_rotation` rotates (nor \
               the legacy inline `rotation_rules`), rotations scheduled less often than every 90 days, and \
               `terraform-aws-modules/secrets-manager` calls without `enable_rotation = true`. Schedules are read \
               as `automatically_after_days` or `schedule_expression = \"rate(N days)\"` (a cron schedule is not \
               judged). In CloudFormation, `AWS::SecretsManager::Secret` that no `AWS::SecretsManager::RotationSchedule` \
               names in `SecretId`, and schedules less often than every 90 days.",
        fix: "Add an `aws_secretsmanager_secret_rotation` for the secret with a rotation Lambda function (or managed \
              rotation) and `rotation_rules { automatically_after_days = 30 }`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_secretsmanager_secret", "aws_secretsmanager_secret_rotation"],
            check,
            example: r#"resource "aws_secretsmanager_secret" "db" {
  name = "db-password"
}"#,
            fixed_example: r#"resource "aws_secretsmanager_secret" "db" {
  name = "db-password"
}

resource "aws_secretsmanager_secret_rotation" "db" {
  secret_id           = aws_secretsmanager_secret.db.id
  rotation_lambda_arn = aws_lambda_function.rotator.arn

  rotation_rules {
    automatically_after_days = 30
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &[CFN_SECRET, CFN_ROTATION],
            check: check_cfn,
            example: r#"Resources:
  DbSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: db-password
"#,
            fixed_example: r#"Resources:
  DbSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: db-password
  DbSecretRotation:
    Type: AWS::SecretsManager::RotationSchedule
    Properties:
      SecretId: !Ref DbSecret
      RotationLambdaARN: !GetAtt Rotator.Arn
      RotationRules:
        AutomaticallyAfterDays: 30
"#,
        }),
    },
};

const SECRET: &str = "aws_secretsmanager_secret";
const ROTATION: &str = "aws_secretsmanager_secret_rotation";
const MAX_DAYS: f64 = 90.0;

fn check(ctx: &mut TfContext) {
    let rotations: Vec<Resource> = ctx.all_resources(ROTATION).collect();
    // A rotation whose secret cannot be resolved may rotate any secret.
    let unresolved = rotations.iter().any(|r| match r.block.attr("secret_id") {
        Some(a) => {
            !matches!(&a.expr.kind, ExprKind::Traversal(root, _) if root == SECRET) && !ctx.eval(&a.expr).is_known()
        }
        None => true,
    });
    let lambdas: Vec<String> = ctx.all_resources("aws_lambda_function").map(|l| l.address()).collect();
    for res in ctx.resources(SECRET).collect::<Vec<_>>() {
        let inline =
            res.block.attr("rotation_lambda_arn").is_some() || ctx.block_of(res.block, "rotation_rules").is_some();
        if inline || unresolved {
            continue;
        }
        if rotations
            .iter()
            .any(|r| r.block.attr("secret_id").is_some_and(|a| ctx.refers_to(&a.expr, res, &["name", "arn"])))
        {
            continue;
        }
        let lambda = match lambdas.as_slice() {
            [one] => one.clone(),
            _ => "aws_lambda_function.rotator".to_string(),
        };
        let text = format!(
            "resource \"{ROTATION}\" \"{name}\" {{\n  secret_id           = {SECRET}.{name}.id\n  rotation_lambda_arn = \
             {lambda}.arn\n\n  rotation_rules {{\n    automatically_after_days = 30\n  }}\n}}",
            name = res.name()
        );
        let fix = Fix::unsafe_(
            format!("Rotate the secret every 30 days with `{lambda}`"),
            vec![edit::insert_after(ctx.file(res), res.block, &text)],
        );
        ctx.report_with_fix(
            res,
            res.block.header,
            format!("`{}` is never rotated: no `{ROTATION}` rotates it", res.address()),
            fix,
        );
    }
    for res in ctx.resources(ROTATION) {
        let file = ctx.file(res);
        for rules in ctx.nested(res.config(), "rotation_rules") {
            let (name, field, days, fixed) = if let Some(field) = rules.attr("automatically_after_days") {
                ("automatically_after_days", field, ctx.value(field).as_f64(), "30")
            } else if let Some(field) = rules.attr("schedule_expression") {
                ("schedule_expression", field, ctx.value(field).as_str().and_then(rate_days), "\"rate(30 days)\"")
            } else {
                continue;
            };
            let Some(days) = days.filter(|d| *d > MAX_DAYS) else { continue };
            let finding = ctx.report(
                res,
                field.range,
                format!(
                    "`{}` rotates the secret only every {} days (90 at most recommended)",
                    res.address(),
                    format_number(days)
                ),
            );
            if let Some(block) = rules.block() {
                finding
                    .fixes
                    .push(Fix::new("Rotate every 30 days", vec![edit::set_attribute(file, block, name, fixed)]));
            }
        }
    }
    for crate::terraform::check::Resource { file, block } in ctx.blocks("module") {
        if !is_registry_module(block, "secrets-manager") {
            continue;
        }
        let res = Resource { file, block };
        let fix = Fix::unsafe_(
            "Turn rotation on (it needs `rotation_lambda_arn` and `rotation_rules`)",
            vec![edit::set_attribute(ctx.file(res), block, "enable_rotation", "true")],
        );
        match ctx.attr(block, "enable_rotation") {
            None => ctx.report_with_fix(
                res,
                block.header,
                format!("`{}` does not set `enable_rotation`, so the secret is never rotated", res.address()),
                fix,
            ),
            Some((attr, value)) if value.as_bool() == Some(false) => {
                ctx.report_with_fix(res, attr.range, format!("`{}` turns secret rotation off", res.address()), fix)
            }
            Some(_) => {}
        }
    }
}

/// The days between rotations of a `rate(N days)` or `rate(N hours)` schedule; `None` for a cron expression
/// (its period depends on the fields) or anything else.
fn rate_days(schedule: &str) -> Option<f64> {
    let inner = schedule.trim().strip_prefix("rate(")?.strip_suffix(')')?;
    let (n, unit) = inner.trim().split_once(' ')?;
    let n: f64 = n.trim().parse().ok()?;
    match unit.trim() {
        "day" | "days" => Some(n),
        "hour" | "hours" => Some(n / 24.0),
        _ => None,
    }
}

const CFN_SECRET: &str = "AWS::SecretsManager::Secret";
const CFN_ROTATION: &str = "AWS::SecretsManager::RotationSchedule";

fn check_cfn(ctx: &mut CfnContext) {
    let rotations: Vec<CfnResource> = ctx.resources(CFN_ROTATION).collect();
    // A schedule whose secret is a parameter or an import may rotate any secret.
    let unresolved = rotations.iter().any(|r| match ctx.prop(*r, "SecretId") {
        Some((node, _)) => ctx.resources(CFN_SECRET).all(|s| !ctx.refers_to(node, s)),
        None => true,
    });
    if !unresolved {
        for res in ctx.resources(CFN_SECRET).collect::<Vec<_>>() {
            if rotations.iter().any(|r| ctx.prop(*r, "SecretId").is_some_and(|(node, _)| ctx.refers_to(node, res))) {
                continue;
            }
            let schedule = json!({
                "Type": CFN_ROTATION,
                "Properties": {
                    "SecretId": { "Ref": res.logical_id },
                    "RotationLambdaARN": "<rotation-lambda-arn>",
                    "RotationRules": { "AutomaticallyAfterDays": 30 }
                }
            });
            let edit = add_cfn_resource(ctx, &format!("{}Rotation", res.logical_id), &schedule);
            let range = ctx.header(res);
            let message = format!("`{}` is never rotated: no `{CFN_ROTATION}` rotates it", res.logical_id);
            let finding = ctx.report(res, range, message);
            if let Some(edit) = edit {
                finding
                    .fixes
                    .push(Fix::unsafe_("Rotate the secret every 30 days (name its rotation function)", vec![edit]));
            }
        }
    }
    for res in rotations {
        let (path, days, fixed) = if let Some((_, v)) = ctx.prop(res, "RotationRules.AutomaticallyAfterDays") {
            ("RotationRules.AutomaticallyAfterDays", v.as_f64(), json!(30))
        } else if let Some((_, v)) = ctx.prop(res, "RotationRules.ScheduleExpression") {
            ("RotationRules.ScheduleExpression", v.as_str().and_then(rate_days), json!("rate(30 days)"))
        } else {
            continue;
        };
        let Some(days) = days.filter(|d| *d > MAX_DAYS) else { continue };
        let Some((node, _)) = ctx.prop(res, path) else { continue };
        let range = ctx.prop_range(res, path).unwrap_or(node.range);
        let edit = cfn_edit::replace_value(ctx.template, node, &fixed);
        let message = format!(
            "`{}` rotates the secret only every {} days (90 at most recommended)",
            res.logical_id,
            format_number(days)
        );
        ctx.report(res, range, message).fixes.push(Fix::new("Rotate every 30 days", vec![edit]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines, run};

    #[test]
    fn flags_secrets_nobody_rotates() {
        let text = r#"resource "aws_secretsmanager_secret" "lonely" {
  name = "lonely"
}
resource "aws_secretsmanager_secret" "by_ref" {
  name = "by-ref"
}
resource "aws_secretsmanager_secret" "by_name" {
  name = "by-name"
}
resource "aws_secretsmanager_secret" "legacy" {
  name                = "legacy"
  rotation_lambda_arn = "arn:aws:lambda:us-east-1:1:function:rotate"
}
resource "aws_secretsmanager_secret_rotation" "by_ref" {
  secret_id           = aws_secretsmanager_secret.by_ref.id
  rotation_lambda_arn = "arn"
  rotation_rules {
    automatically_after_days = 30
  }
}
resource "aws_secretsmanager_secret_rotation" "by_name" {
  secret_id           = "by-name"
  rotation_lambda_arn = "arn"
  rotation_rules {
    automatically_after_days = 365
  }
}
"#;
        assert_eq!(lines(&RULE, text), [1, 25]);
        assert_eq!(check_fixes(&RULE, text), 2);
        assert!(!run(&RULE, text)[0].fixes[0].preferred);
    }

    #[test]
    fn an_unknown_secret_id_may_rotate_any_secret() {
        let text = r#"resource "aws_secretsmanager_secret" "s" {
  name = "s"
}
resource "aws_secretsmanager_secret_rotation" "r" {
  secret_id = var.secret_id
}
"#;
        assert!(run(&RULE, text).is_empty());
    }

    #[test]
    fn flags_the_registry_module_without_rotation() {
        let text = r#"module "secret" {
  source = "terraform-aws-modules/secrets-manager/aws"
  name   = "s"
}
module "rotated" {
  source          = "terraform-aws-modules/secrets-manager/aws"
  enable_rotation = true
}
module "off" {
  source          = "terraform-aws-modules/secrets-manager/aws"
  enable_rotation = false
}
"#;
        assert_eq!(lines(&RULE, text), [1, 11]);
        assert_eq!(check_fixes(&RULE, text), 2);
    }

    #[test]
    fn rate_schedules_are_read() {
        let text = r#"resource "aws_secretsmanager_secret" "s" {
  name = "s"
}
resource "aws_secretsmanager_secret_rotation" "yearly" {
  secret_id = aws_secretsmanager_secret.s.id
  rotation_rules {
    schedule_expression = "rate(365 days)"
  }
}
resource "aws_secretsmanager_secret_rotation" "monthly" {
  secret_id = aws_secretsmanager_secret.s.id
  rotation_rules {
    schedule_expression = "rate(30 days)"
  }
}
resource "aws_secretsmanager_secret_rotation" "cron" {
  secret_id = aws_secretsmanager_secret.s.id
  rotation_rules {
    schedule_expression = "cron(0 16 1,15 * ? *)"
  }
}
"#;
        assert_eq!(lines(&RULE, text), [7]);
        assert_eq!(check_fixes(&RULE, text), 1);
        assert_eq!(rate_days("rate(48 hours)"), Some(2.0));
        assert_eq!(rate_days("rate(1 day)"), Some(1.0));
        assert_eq!(rate_days("cron(0 0 * * ? *)"), None);
    }

    #[test]
    fn cloudformation_secrets_nobody_rotates() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes, run_cfn};
        let yaml = "Resources:
  Lonely:
    Type: AWS::SecretsManager::Secret
  Rotated:
    Type: AWS::SecretsManager::Secret
  Schedule:
    Type: AWS::SecretsManager::RotationSchedule
    Properties:
      SecretId: !Ref Rotated
      RotationLambdaARN: arn
      RotationRules:
        ScheduleExpression: rate(180 days)
";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 12]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
        assert!(!run_cfn(&RULE, yaml)[0].fixes[0].preferred);
        let unknown = "Parameters:
  Secret:
    Type: String
Resources:
  S:
    Type: AWS::SecretsManager::Secret
  Schedule:
    Type: AWS::SecretsManager::RotationSchedule
    Properties:
      SecretId: !Ref Secret
      RotationRules:
        AutomaticallyAfterDays: !Ref Days
";
        assert!(cfn_lines(&RULE, unknown).is_empty());
    }
}
