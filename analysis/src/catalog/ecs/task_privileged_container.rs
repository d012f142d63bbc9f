use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::kit::ecs::{cfn_containers, containers};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "ecs-task-privileged-container",
    title: "ECS task definition runs a privileged container",
    severity: Severity::High,
    row: Row::AccessRestriction,
    service: "ECS",
    why: "A privileged container has every Linux capability and the host's devices; escaping to the EC2 host, to \
          every other task on it and to the instance role is trivial. Fargate rejects it, and on EC2 it is rarely \
          needed.",
    aws_side: "AWS runs the container as defined. Keeping containers unprivileged is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_334"],
        kics: &[],
        trivy: &[],
        how: "Checkov reads a misspelt `privilege` key, so it never fires on a real `\"privileged\": true`.",
    },
    matcher: &Custom {
        what: "Flags task definitions (`aws_ecs_task_definition`, `AWS::ECS::TaskDefinition`) with a container \
               whose `privileged` is `true`. Definitions read from files or templates are not judged.",
        fix: "Remove `privileged` (or set it to `false`) and grant the container the specific Linux capabilities \
              it needs through `linuxParameters.capabilities`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ecs_task_definition"],
            check,
            example: r#"resource "aws_ecs_task_definition" "app" {
  family = "app"
  container_definitions = jsonencode([{
    name       = "app"
    image      = "app:1.0"
    privileged = true
  }])
}"#,
            fixed_example: r#"resource "aws_ecs_task_definition" "app" {
  family = "app"
  container_definitions = jsonencode([{
    name       = "app"
    image      = "app:1.0"
    privileged = false
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
          Privileged: true
"#,
            fixed_example: r#"Resources:
  App:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: app
          Image: app:1.0
          Privileged: false
"#,
        }),
    },
};

const FIX: &str = "Run the container unprivileged";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_ecs_task_definition").collect::<Vec<_>>() {
        let Some(list) = containers(ctx, res) else { continue };
        let Some(attr) = res.block.attr("container_definitions") else { continue };
        for c in list {
            if c.value.get("privileged").as_bool() != Some(true) {
                continue;
            }
            let message = format!("`{}` runs container{} privileged", res.address(), c.name());
            let field = c.object.and_then(|o| o.attr("privileged"));
            let range = field.map_or(attr.range, |f| f.range);
            let finding = ctx.report(res, range, message);
            if let Some(f) = field {
                finding.fixes.push(Fix::new(FIX, vec![Edit { range: f.expr.range, text: "false".into() }]));
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ECS::TaskDefinition").collect::<Vec<_>>() {
        for c in cfn_containers(ctx, res) {
            let Some(entry) = c.entry("Privileged") else { continue };
            if ctx.eval(&entry.value).as_bool() != Some(true) {
                continue;
            }
            let name = c.get("Name").and_then(|n| n.as_str()).map(|n| format!(" `{n}`")).unwrap_or_default();
            let message = format!("`{}` runs container{name} privileged", res.logical_id);
            let edit = cfn_edit::replace_value(ctx.template, &entry.value, &json!(false));
            ctx.report(res, entry.range, message).fixes.push(Fix::new(FIX, vec![edit]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_privileged_containers() {
        let tf = r#"resource "aws_ecs_task_definition" "a" {
  container_definitions = jsonencode([
    { name = "ok", image = var.image },
    { name = "bad", image = var.image, privileged = true },
  ])
}
resource "aws_ecs_task_definition" "heredoc" {
  container_definitions = <<EOF
[{"name": "x", "privileged": true}]
EOF
}
resource "aws_ecs_task_definition" "file" {
  container_definitions = file("x.json")
}
"#;
        assert_eq!(lines(&RULE, tf), [4, 8]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let yaml = "Resources:\n  A:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: a\n          Privileged: 'true'\n        - Name: b\n          Privileged: false\n";
        assert_eq!(cfn_lines(&RULE, yaml), [7]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
