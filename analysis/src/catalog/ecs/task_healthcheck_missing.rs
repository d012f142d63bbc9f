use crate::cloudformation::check::CfnContext;
use crate::kit::ecs::{cfn_containers, containers};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "ecs-task-healthcheck-missing",
    title: "ECS container definition has no health check",
    severity: Severity::Low,
    row: Row::BusinessContinuity,
    service: "ECS",
    why: "Without a container health check ECS notices a task only when its process exits; a hung or broken \
          application keeps its slot and its traffic, and nothing restarts it.",
    aws_side: "AWS runs the checks and replaces failing tasks once they are defined. Defining them is the \
               customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["d24389b4-b209-4ff0-8345-dc7a4569dcdd"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags task definitions with a container that has no `healthCheck` (CloudFormation `HealthCheck`). \
               Definitions read from files or templates are not judged.",
        fix: "Give each container a `healthCheck` whose command tests the application (an HTTP probe, a CLI ping).",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ecs_task_definition"],
            check,
            example: r#"resource "aws_ecs_task_definition" "app" {
  family = "app"
  container_definitions = jsonencode([{
    name  = "app"
    image = "app:1.0"
  }])
}"#,
            fixed_example: r#"resource "aws_ecs_task_definition" "app" {
  family = "app"
  container_definitions = jsonencode([{
    name  = "app"
    image = "app:1.0"
    healthCheck = {
      command = ["CMD-SHELL", "curl -f http://localhost/health || exit 1"]
    }
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
          HealthCheck:
            Command: [CMD-SHELL, curl -f http://localhost/health || exit 1]
"#,
        }),
    },
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_ecs_task_definition").collect::<Vec<_>>() {
        let Some(list) = containers(ctx, res) else { continue };
        let Some(attr) = res.block.attr("container_definitions") else { continue };
        for c in list {
            if !matches!(c.value.get("healthCheck"), Value::Null) {
                continue;
            }
            let message = format!("`{}` defines container{} without a health check", res.address(), c.name());
            let range = c.object.map_or(attr.range, |o| o.header());
            ctx.report(res, range, message);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ECS::TaskDefinition").collect::<Vec<_>>() {
        for c in cfn_containers(ctx, res) {
            if c.get("HealthCheck").is_some() {
                continue;
            }
            let name = c.get("Name").and_then(|n| n.as_str()).map(|n| format!(" `{n}`")).unwrap_or_default();
            let message = format!("`{}` defines container{name} without a health check", res.logical_id);
            ctx.report(res, c.range, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_containers_without_health_checks() {
        let tf = r#"resource "aws_ecs_task_definition" "a" {
  container_definitions = jsonencode([
    { name = "checked", healthCheck = { command = ["CMD", "true"] } },
    { name = "unchecked" },
  ])
}
"#;
        assert_eq!(lines(&RULE, tf), [4]);
        let yaml = "Resources:\n  A:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: a\n          HealthCheck: {Command: [CMD, 'true']}\n        - Name: b\n";
        assert_eq!(cfn_lines(&RULE, yaml), [8]);
    }
}
