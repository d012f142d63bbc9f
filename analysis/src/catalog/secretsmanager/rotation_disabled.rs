use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
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
               `terraform-aws-modules/secrets-manager` calls without `enable_rotation = true`.",
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
        cloudformation: None,
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
            let Some(field) = rules.attr("automatically_after_days") else { continue };
            let Some(days) = ctx.value(field).as_f64().filter(|d| *d > MAX_DAYS) else { continue };
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
                finding.fixes.push(Fix::new(
                    "Rotate every 30 days",
                    vec![edit::set_attribute(file, block, "automatically_after_days", "30")],
                ));
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
}
