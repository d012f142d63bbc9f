use crate::cloudformation::check::CfnContext;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "ecs-task-execution-role-same-as-task-role",
    title: "ECS task definition uses the same role for execution and for the task",
    severity: Severity::Low,
    row: Row::AccessRestriction,
    service: "ECS",
    why: "The execution role pulls images and reads every secret of the task; giving the application the same \
          role hands its code those rights too (and usually more), instead of only what the application needs.",
    aws_side: "AWS uses each role for its purpose. Keeping them separate is the customer's.",
    equivalents: Equivalents { checkov: &["CKV_AWS_249"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags task definitions (`aws_ecs_task_definition`, `AWS::ECS::TaskDefinition`) whose \
               `execution_role_arn` and `task_role_arn` are the same expression, value or reference.",
        fix: "Give the task its own role with only the application's permissions, distinct from the execution \
              role.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ecs_task_definition"],
            check,
            example: r#"resource "aws_ecs_task_definition" "api" {
  family             = "api"
  execution_role_arn = aws_iam_role.ecs.arn
  task_role_arn      = aws_iam_role.ecs.arn
}"#,
            fixed_example: r#"resource "aws_ecs_task_definition" "api" {
  family             = "api"
  execution_role_arn = aws_iam_role.execution.arn
  task_role_arn      = aws_iam_role.api.arn
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ECS::TaskDefinition"],
            check: check_cfn,
            example: r#"Resources:
  Api:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ExecutionRoleArn: !GetAtt Ecs.Arn
      TaskRoleArn: !GetAtt Ecs.Arn
"#,
            fixed_example: r#"Resources:
  Api:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ExecutionRoleArn: !GetAtt Execution.Arn
      TaskRoleArn: !GetAtt ApiRole.Arn
"#,
        }),
    },
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_ecs_task_definition").collect::<Vec<_>>() {
        let (Some(exec), Some(task)) = (res.block.attr("execution_role_arn"), res.block.attr("task_role_arn")) else {
            continue;
        };
        let source = &ctx.file(res).source;
        let text =
            |r: crate::text::TextRange| source.get(r.start..r.end).map(|s| s.split_whitespace().collect::<String>());
        let same_text = text(exec.expr.range).is_some_and(|t| Some(t) == text(task.expr.range));
        let (a, b) = (ctx.eval(&exec.expr), ctx.eval(&task.expr));
        let same_value = a.as_str().is_some_and(|s| !s.is_empty()) && a == b;
        if same_text || same_value {
            let message = format!("`{}` gives its application the execution role's rights", res.address());
            ctx.report(res, task.range, message);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ECS::TaskDefinition").collect::<Vec<_>>() {
        let (Some((exec, a)), Some((task, b))) = (ctx.prop(res, "ExecutionRoleArn"), ctx.prop(res, "TaskRoleArn"))
        else {
            continue;
        };
        // The same literal, or the same function of the same resource (`!GetAtt Role.Arn` twice).
        let text = |n: &crate::cloudformation::tree::Node| {
            ctx.template.source.get(n.range.start..n.range.end).map(|s| s.split_whitespace().collect::<String>())
        };
        let same = if exec.intrinsic().is_some() { text(exec) == text(task) } else { a.as_str().is_some() && a == b };
        if same {
            let message = format!("`{}` gives its application the execution role's rights", res.logical_id);
            let range = ctx.prop_range(res, "TaskRoleArn").unwrap_or(task.range);
            ctx.report(res, range, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_shared_roles() {
        let tf = r#"resource "aws_ecs_task_definition" "same" {
  execution_role_arn = aws_iam_role.ecs.arn
  task_role_arn      = aws_iam_role.ecs.arn
}
resource "aws_ecs_task_definition" "literal" {
  execution_role_arn = "arn:aws:iam::1:role/x"
  task_role_arn      = "arn:aws:iam::1:role/x"
}
resource "aws_ecs_task_definition" "different" {
  execution_role_arn = aws_iam_role.exec.arn
  task_role_arn      = aws_iam_role.task.arn
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 7]);
        let yaml = "Resources:\n  A:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ExecutionRoleArn: !GetAtt R.Arn\n      TaskRoleArn: !GetAtt R.Arn\n  B:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ExecutionRoleArn: !GetAtt R.Arn\n      TaskRoleArn: !GetAtt S.Arn\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6]);
    }
}
