use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::kit::refs::{cfn_named, reference, RefKind};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

const FIX: &str = "Give the task definition a role of its own (placeholder to replace)";

pub static RULE: Rule = Rule {
    id: "ecs-service-task-without-role",
    title: "ECS service runs a task definition without a task IAM role",
    severity: Severity::Medium,
    row: Row::AccessRestriction,
    service: "ECS",
    why: "Without a task role, code in the container has no credentials of its own; teams then pass access keys in \
          environment variables, or, on the EC2 launch type, the containers fall back to the instance role through \
          the metadata service and share the whole host's permissions.",
    aws_side: "AWS delivers task-role credentials to each task. Giving each task its own narrow role is the \
               customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["7f384a5f-b5a2-4d84-8ca3-ee0a5247becb"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags ECS services (`aws_ecs_service`, `AWS::ECS::Service`) whose task definition, declared in the \
               configuration, has no task role (`task_role_arn`, `TaskRoleArn`), that name no task definition \
               (unless deployed by an external controller), or, in CloudFormation, that refer to a task definition \
               the template does not declare.",
        fix: "Give the task definition a `task_role_arn` with only the permissions its containers need.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ecs_service"],
            check,
            example: r#"resource "aws_ecs_service" "api" {
  name            = "api"
  task_definition = aws_ecs_task_definition.api.arn
}
resource "aws_ecs_task_definition" "api" {
  family             = "api"
  execution_role_arn = aws_iam_role.execution.arn
}"#,
            fixed_example: r#"resource "aws_ecs_service" "api" {
  name            = "api"
  task_definition = aws_ecs_task_definition.api.arn
}
resource "aws_ecs_task_definition" "api" {
  family             = "api"
  execution_role_arn = aws_iam_role.execution.arn
  task_role_arn      = aws_iam_role.api.arn
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ECS::Service"],
            check: check_cfn,
            example: r#"Resources:
  Api:
    Type: AWS::ECS::Service
    Properties:
      TaskDefinition: !Ref ApiTask
  ApiTask:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ExecutionRoleArn: !GetAtt Execution.Arn
"#,
            fixed_example: r#"Resources:
  Api:
    Type: AWS::ECS::Service
    Properties:
      TaskDefinition: !Ref ApiTask
  ApiTask:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ExecutionRoleArn: !GetAtt Execution.Arn
      TaskRoleArn: !GetAtt ApiRole.Arn
"#,
        }),
    },
};

fn external(v: Option<Value>) -> bool {
    v.and_then(|v| v.as_str().map(|s| s.eq_ignore_ascii_case("EXTERNAL"))) == Some(true)
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_ecs_service").collect::<Vec<_>>() {
        let controller = ctx.nested(res.config(), "deployment_controller");
        if controller.iter().any(|c| external(ctx.field(*c, "type").map(|(_, v)| v))) {
            continue;
        }
        let Some(attr) = res.block.attr("task_definition") else {
            let message = format!("`{}` names no task definition, so its tasks have no role", res.address());
            ctx.report(res, res.block.header, message);
            continue;
        };
        let Some(r) =
            reference(&attr.expr).filter(|r| r.kind == RefKind::Resource && r.ty == "aws_ecs_task_definition")
        else {
            continue;
        };
        let without = r.targets(ctx).into_iter().find(|t| ctx.attr(t.block, "task_role_arn").is_none());
        if let Some(task) = without {
            let message = format!(
                "`{}` runs `{}`, which has no task role: its containers get no credentials of their own",
                res.address(),
                task.address()
            );
            // The role is given where the task is defined, when that is the same file.
            let fix = (task.file == res.file).then(|| {
                let edit = edit::set_attribute(ctx.file(task), task.block, "task_role_arn", "\"<task-role-arn>\"");
                Fix::unsafe_(FIX, vec![edit])
            });
            ctx.report(res, attr.range, message).fixes.extend(fix);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ECS::Service").collect::<Vec<_>>() {
        let Some(props) = res.properties.filter(|p| p.intrinsic().is_none()) else { continue };
        let controller = props.get("DeploymentController").and_then(|c| c.get("Type")).map(|n| ctx.eval(n));
        if external(controller) {
            continue;
        }
        let Some(entry) = props.entry("TaskDefinition") else {
            let message = format!("`{}` names no task definition, so its tasks have no role", res.logical_id);
            let range = ctx.header(res);
            ctx.report(res, range, message);
            continue;
        };
        match cfn_named(ctx, &entry.value) {
            Some(task) if task.ty == "AWS::ECS::TaskDefinition" => {
                let role = ctx.prop(task, "TaskRoleArn");
                if role.is_none() || matches!(role, Some((_, Value::Null))) {
                    let message = format!(
                        "`{}` runs `{}`, which has no task role: its containers get no credentials of their own",
                        res.logical_id, task.logical_id
                    );
                    let edit = cfn_edit::set_property(ctx.template, task, "TaskRoleArn", &json!("<task-role-arn>"));
                    ctx.report(res, entry.range, message).fixes.push(Fix::unsafe_(FIX, vec![edit]));
                }
            }
            Some(_) => {}
            None => {
                let Some(("Ref", arg)) = entry.value.intrinsic() else { continue };
                let Some(name) = arg.as_str() else { continue };
                let is_param = ctx.template.root.get("Parameters").and_then(|p| p.get(name)).is_some();
                if !is_param && !name.starts_with("AWS::") {
                    let message = format!(
                        "`{}` refers to the task definition `{name}`, which the template does not declare",
                        res.logical_id
                    );
                    ctx.report(res, entry.range, message);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_services_whose_tasks_have_no_role() {
        let tf = r#"resource "aws_ecs_service" "a" {
  task_definition = aws_ecs_task_definition.norole.arn
}
resource "aws_ecs_task_definition" "norole" {
  family = "x"
}
resource "aws_ecs_service" "b" {
  task_definition = aws_ecs_task_definition.role.arn
}
resource "aws_ecs_task_definition" "role" {
  task_role_arn = aws_iam_role.r.arn
}
resource "aws_ecs_service" "family" {
  task_definition = "family:3"
}
resource "aws_ecs_service" "none" {
  name = "x"
}
resource "aws_ecs_service" "external" {
  deployment_controller {
    type = "EXTERNAL"
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 16]);
        assert_eq!(crate::kit::testing::check_fixes(&RULE, tf), 1);
    }

    #[test]
    fn cloudformation_services() {
        let yaml = "Parameters:\n  Task: {Type: String}\nResources:\n  NoTask:\n    Type: AWS::ECS::Service\n    Properties:\n      DesiredCount: 1\n  Missing:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: !Ref MissingTaskDefinition\n  NoRole:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: !Ref T\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ExecutionRoleArn: x\n  Param:\n    Type: AWS::ECS::Service\n    Properties:\n      TaskDefinition: !Ref Task\n";
        assert_eq!(cfn_lines(&RULE, yaml), [4, 11, 15]);
        assert_eq!(crate::kit::testing::check_cfn_fixes(&RULE, yaml), 1);
    }
}
