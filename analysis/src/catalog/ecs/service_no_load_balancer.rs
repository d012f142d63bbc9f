use crate::cloudformation::check::CfnContext;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "ecs-service-no-load-balancer",
    title: "ECS service is not attached to a load balancer",
    severity: Severity::Low,
    row: Row::BusinessContinuity,
    service: "ECS",
    why: "Without a load balancer (or service discovery), clients must find the tasks themselves; replacing tasks \
          during deployments or failures then breaks their connections, and no health-based routing protects users \
          from bad tasks.",
    aws_side: "AWS registers tasks with the load balancer once it is configured. The design is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["fb2b0ecf-1492-491a-a70d-ba1df579175d"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags ECS services (`aws_ecs_service`, `AWS::ECS::Service`) with no `load_balancer` \
               (`LoadBalancers` absent or empty), no service registry and no Service Connect configuration. Queue \
               workers and batch-like services legitimately have none: suppress them.",
        fix: "Register the service's tasks with a target group (`load_balancer` block, CloudFormation \
              `LoadBalancers`), or with service discovery for internal clients.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ecs_service"],
            check,
            example: r#"resource "aws_ecs_service" "api" {
  name            = "api"
  task_definition = aws_ecs_task_definition.api.arn
}"#,
            fixed_example: r#"resource "aws_ecs_service" "api" {
  name            = "api"
  task_definition = aws_ecs_task_definition.api.arn
  load_balancer {
    target_group_arn = aws_lb_target_group.api.arn
    container_name   = "api"
    container_port   = 8080
  }
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
"#,
            fixed_example: r#"Resources:
  Api:
    Type: AWS::ECS::Service
    Properties:
      TaskDefinition: !Ref ApiTask
      LoadBalancers:
        - TargetGroupArn: !Ref ApiTargets
          ContainerName: api
          ContainerPort: 8080
"#,
        }),
    },
};

const WHY: &str = "clients reach its tasks without health-based routing (a worker without clients: suppress)";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_ecs_service").collect::<Vec<_>>() {
        let routed = ["load_balancer", "service_registries", "service_connect_configuration"]
            .iter()
            .any(|n| !ctx.nested(res.config(), n).is_empty() || ctx.attr(res.block, n).is_some());
        if !routed {
            let message = format!("`{}` is attached to no load balancer: {WHY}", res.address());
            ctx.report(res, res.block.header, message);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ECS::Service").collect::<Vec<_>>() {
        if res.properties.is_some_and(|p| p.intrinsic().is_some()) {
            continue;
        }
        let balanced = match ctx.prop(res, "LoadBalancers") {
            None | Some((_, Value::Null)) => false,
            Some((_, Value::List(items))) => !items.is_empty(),
            Some(_) => true,
        };
        let other = ["ServiceRegistries", "ServiceConnectConfiguration"].iter().any(|k| ctx.prop(res, k).is_some());
        if balanced || other {
            continue;
        }
        let range = ctx.prop_range(res, "LoadBalancers").unwrap_or(ctx.header(res));
        let message = format!("`{}` is attached to no load balancer: {WHY}", res.logical_id);
        ctx.report(res, range, message);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_services_without_load_balancers() {
        let tf = r#"resource "aws_ecs_service" "none" {
  name = "a"
}
resource "aws_ecs_service" "lb" {
  load_balancer {
    target_group_arn = aws_lb_target_group.t.arn
  }
}
resource "aws_ecs_service" "discovery" {
  service_registries {
    registry_arn = aws_service_discovery_service.s.arn
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [1]);
        let yaml = "Resources:\n  A:\n    Type: AWS::ECS::Service\n    Properties:\n      DesiredCount: 1\n  B:\n    Type: AWS::ECS::Service\n    Properties:\n      LoadBalancers: []\n  C:\n    Type: AWS::ECS::Service\n    Properties:\n      LoadBalancers:\n        - TargetGroupArn: !Ref T\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 9]);
    }
}
