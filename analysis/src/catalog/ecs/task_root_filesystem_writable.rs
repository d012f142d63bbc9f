use crate::cloudformation::check::CfnContext;
use crate::fix::{Edit, Fix};
use crate::kit::ecs::{cfn_containers, containers};
use crate::kit::setting::set_cfn_item_key;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "ecs-task-root-filesystem-writable",
    title: "ECS container has a writable root file system",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "ECS",
    why: "A writable root file system lets an attacker who gets code execution drop tools, modify binaries or \
          persist inside the container; read-only roots (with explicit volumes for scratch data) keep containers \
          immutable.",
    aws_side: "AWS enforces the flag. Setting it is the customer's hardening.",
    equivalents: Equivalents { checkov: &["CKV_AWS_336"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags task definitions with a container whose `readonlyRootFilesystem` is not `true` \
               (CloudFormation `ReadonlyRootFilesystem`). Definitions read from files or templates are not judged.",
        fix: "Set `readonlyRootFilesystem = true` on each container and mount volumes for the paths it writes.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ecs_task_definition"],
            check,
            example: r#"resource "aws_ecs_task_definition" "app" {
  family = "app"
  container_definitions = jsonencode([{
    name                   = "app"
    image                  = "app:1.0"
    readonlyRootFilesystem = false
  }])
}"#,
            fixed_example: r#"resource "aws_ecs_task_definition" "app" {
  family = "app"
  container_definitions = jsonencode([{
    name                   = "app"
    image                  = "app:1.0"
    readonlyRootFilesystem = true
  }])
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ECS::TaskDefinition"],
            check: check_cfn,
            example: r#"Resources:
  App:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: app
          Image: app:1.0
"#,
            fixed_example: r#"Resources:
  App:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: app
          Image: app:1.0
          ReadonlyRootFilesystem: true
"#,
        }),
    },
};

const FIX: &str = "Make the root file system read-only (mount volumes for what it writes)";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_ecs_task_definition").collect::<Vec<_>>() {
        let Some(list) = containers(ctx, res) else { continue };
        let Some(attr) = res.block.attr("container_definitions") else { continue };
        for c in list {
            let value = c.value.get("readonlyRootFilesystem");
            if matches!(value, Value::Unknown) || value.as_bool() == Some(true) {
                continue;
            }
            let message = format!("`{}` lets container{} write to its root file system", res.address(), c.name());
            let field = c.object.and_then(|o| o.attr("readonlyRootFilesystem"));
            let range = field.map_or_else(|| c.object.map_or(attr.range, |o| o.header()), |f| f.range);
            let finding = ctx.report(res, range, message);
            if let Some(f) = field {
                finding.fixes.push(Fix::new(FIX, vec![Edit { range: f.expr.range, text: "true".into() }]));
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ECS::TaskDefinition").collect::<Vec<_>>() {
        for c in cfn_containers(ctx, res) {
            let value = c.get("ReadonlyRootFilesystem").map(|n| ctx.eval(n));
            if matches!(value, Some(Value::Unknown)) || value.as_ref().and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let name = c.get("Name").and_then(|n| n.as_str()).map(|n| format!(" `{n}`")).unwrap_or_default();
            let message = format!("`{}` lets container{name} write to its root file system", res.logical_id);
            let range = c.entry("ReadonlyRootFilesystem").map_or(c.range, |e| e.range);
            let edit = set_cfn_item_key(ctx.template, c, "ReadonlyRootFilesystem", &json!(true));
            ctx.report(res, range, message).fixes.push(Fix::new(FIX, vec![edit]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_writable_roots() {
        let tf = r#"resource "aws_ecs_task_definition" "a" {
  container_definitions = jsonencode([
    { name = "ro", readonlyRootFilesystem = true },
    { name = "rw", readonlyRootFilesystem = false },
    { name = "absent" },
    { name = "unknown", readonlyRootFilesystem = var.ro },
  ])
}
"#;
        assert_eq!(lines(&RULE, tf), [4, 5]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let yaml = "Resources:\n  A:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: a\n        - Name: b\n          ReadonlyRootFilesystem: true\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
