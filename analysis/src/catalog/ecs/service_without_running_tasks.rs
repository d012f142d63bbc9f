use crate::cloudformation::check::CfnContext;
use crate::fix::{Edit, Fix};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::Value;

const FIX: &str = "Run two tasks (review the count the service needs)";

pub static RULE: Rule = Rule {
    id: "ecs-service-without-running-tasks",
    title: "ECS service is set to run no tasks",
    severity: Severity::Low,
    row: Row::BusinessContinuity,
    service: "ECS",
    why: "A replica service with zero desired tasks serves nothing: often a service scaled to zero during an \
          incident and never restored, or a template default that silently leaves production down.",
    aws_side: "AWS keeps the desired count. Choosing it is the customer's.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["91f16d09-689e-4926-aca7-155157f634ed", "79d745f0-d5f3-46db-9504-bef73e9fd528"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags replica ECS services whose `desired_count` (`DesiredCount`) is written as 0 and that set no \
               deployment configuration (`deployment_maximum_percent` / `deployment_minimum_healthy_percent`, \
               CloudFormation `DeploymentConfiguration` percentages or circuit breaker), a sign the count is not \
               managed by a deployment or autoscaling setup. Daemon services are not judged.",
        fix: "Set `desired_count` to the number of tasks the service needs (two or more across zones), or remove the \
              service.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ecs_service"],
            check,
            example: r#"resource "aws_ecs_service" "api" {
  name          = "api"
  desired_count = 0
}"#,
            fixed_example: r#"resource "aws_ecs_service" "api" {
  name          = "api"
  desired_count = 2
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ECS::Service"],
            check: check_cfn,
            example: r#"Resources:
  Api:
    Type: AWS::ECS::Service
    Properties:
      DesiredCount: 0
"#,
            fixed_example: r#"Resources:
  Api:
    Type: AWS::ECS::Service
    Properties:
      DesiredCount: 2
"#,
        }),
    },
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_ecs_service").collect::<Vec<_>>() {
        let Some((attr, count)) = ctx.attr(res.block, "desired_count") else { continue };
        let daemon = ctx.attr(res.block, "scheduling_strategy").is_some_and(|(_, v)| v.as_str() == Some("DAEMON"));
        let deployment = ["deployment_maximum_percent", "deployment_minimum_healthy_percent"]
            .iter()
            .any(|a| ctx.attr(res.block, a).is_some());
        if count.as_f64() == Some(0.0) && !daemon && !deployment {
            let message = format!("`{}` is set to run no tasks, so it serves nothing", res.address());
            let fix = Fix::unsafe_(FIX, vec![Edit { range: attr.expr.range, text: "2".into() }]);
            ctx.report_with_fix(res, attr.range, message, fix);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ECS::Service").collect::<Vec<_>>() {
        let Some((_, count)) = ctx.prop(res, "DesiredCount") else { continue };
        let daemon = ctx.prop(res, "SchedulingStrategy").is_some_and(|(_, v)| v.as_str() == Some("DAEMON"));
        let deployment = match ctx.prop(res, "DeploymentConfiguration") {
            None | Some((_, Value::Null)) => false,
            Some((node, _)) => {
                node.intrinsic().is_some()
                    || ["MaximumPercent", "MinimumHealthyPercent", "DeploymentCircuitBreaker"]
                        .iter()
                        .any(|k| node.get(k).is_some())
            }
        };
        if count.as_f64() == Some(0.0) && !daemon && !deployment {
            let message = format!("`{}` is set to run no tasks, so it serves nothing", res.logical_id);
            let range = ctx.prop_range(res, "DesiredCount").unwrap_or(ctx.header(res));
            let fix = ctx.prop(res, "DesiredCount").map(|(node, _)| {
                Fix::unsafe_(
                    FIX,
                    vec![crate::cloudformation::edit::replace_value(ctx.template, node, &serde_json::json!(2))],
                )
            });
            ctx.report(res, range, message).fixes.extend(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_services_scaled_to_zero() {
        let tf = r#"resource "aws_ecs_service" "zero" {
  desired_count = 0
}
resource "aws_ecs_service" "deploy" {
  desired_count                      = 0
  deployment_maximum_percent         = 200
  deployment_minimum_healthy_percent = 50
}
resource "aws_ecs_service" "one" {
  desired_count = 1
}
resource "aws_ecs_service" "absent" {
  name = "a"
}
"#;
        assert_eq!(lines(&RULE, tf), [2]);
        assert_eq!(crate::kit::testing::check_fixes(&RULE, tf), 1);
        let yaml = "Resources:\n  A:\n    Type: AWS::ECS::Service\n    Properties:\n      DesiredCount: 0\n  B:\n    Type: AWS::ECS::Service\n    Properties:\n      DesiredCount: 0\n      DeploymentConfiguration:\n        MaximumPercent: 200\n        MinimumHealthyPercent: 50\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(crate::kit::testing::check_cfn_fixes(&RULE, yaml), 1);
    }
}
