use crate::cloudformation::check::CfnContext;
use crate::kit::autoscaling::{cfn_has_load_balancer, groups, has_load_balancer};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "asg-no-load-balancer",
    title: "Auto Scaling group is not attached to any load balancer",
    severity: Severity::Low,
    row: Row::BusinessContinuity,
    service: "Auto Scaling",
    why: "Without a load balancer, traffic goes to individual instances that the group replaces at will, so clients \
          keep hitting terminated or unhealthy hosts and the capacity scaling adds never receives requests; \
          spreading traffic and health-checking it is what keeps the service up through instance failures.",
    aws_side: "AWS replaces failed instances. Routing clients to healthy ones is the customer's architecture.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["8e94dced-9bcc-4203-8eb7-7e41202b2505", "ad21e616-5026-4b9d-990d-5b007bfe679c"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags Auto Scaling groups (`aws_autoscaling_group`, `autoscaling` module calls, \
               `AWS::AutoScaling::AutoScalingGroup`) with no load balancer or target group: `load_balancers` and \
               `target_group_arns` absent or empty, no `traffic_source`, and no `aws_autoscaling_attachment` naming \
               the group. Worker fleets without traffic (queue consumers, cluster capacity) legitimately have none: \
               suppress them.",
        fix: "Register the group with a target group (`target_group_arns`, CloudFormation `TargetGroupARNs`) or an \
              attachment resource.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_autoscaling_group"],
            check,
            example: r#"resource "aws_autoscaling_group" "web" {
  min_size            = 2
  max_size            = 4
  vpc_zone_identifier = aws_subnet.private[*].id
}"#,
            fixed_example: r#"resource "aws_autoscaling_group" "web" {
  min_size            = 2
  max_size            = 4
  vpc_zone_identifier = aws_subnet.private[*].id
  target_group_arns   = [aws_lb_target_group.web.arn]
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::AutoScaling::AutoScalingGroup"],
            check: check_cfn,
            example: r#"Resources:
  Web:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: '2'
      MaxSize: '4'
"#,
            fixed_example: r#"Resources:
  Web:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: '2'
      MaxSize: '4'
      TargetGroupARNs:
        - !Ref WebTargets
"#,
        }),
    },
};

const WHY: &str = "traffic reaches its instances without health-based routing (a worker fleet without traffic: \
                   suppress)";

fn check(ctx: &mut TfContext) {
    for res in groups(ctx) {
        if has_load_balancer(ctx, res) {
            continue;
        }
        let range = ["load_balancers", "target_group_arns"]
            .iter()
            .find_map(|a| res.block.attr(a))
            .map_or(res.block.header, |a| a.range);
        let message = format!("`{}` is attached to no load balancer: {WHY}", res.address());
        ctx.report(res, range, message);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::AutoScaling::AutoScalingGroup").collect::<Vec<_>>() {
        if res.properties.is_some_and(|p| p.intrinsic().is_some()) || cfn_has_load_balancer(ctx, res) {
            continue;
        }
        let range = ["LoadBalancerNames", "TargetGroupARNs"]
            .iter()
            .find_map(|k| ctx.prop_range(res, k))
            .unwrap_or(ctx.header(res));
        let message = format!("`{}` is attached to no load balancer: {WHY}", res.logical_id);
        ctx.report(res, range, message);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_groups_without_load_balancers() {
        let tf = r#"resource "aws_autoscaling_group" "none" {
  max_size = 1
}
resource "aws_autoscaling_group" "empty" {
  load_balancers = []
}
resource "aws_autoscaling_group" "tg" {
  target_group_arns = [var.tg]
}
resource "aws_autoscaling_group" "attached" {
  max_size = 1
}
resource "aws_autoscaling_attachment" "a" {
  autoscaling_group_name = aws_autoscaling_group.attached.id
  lb_target_group_arn    = aws_lb_target_group.t.arn
}
module "asg" {
  source  = "terraform-aws-modules/autoscaling/aws"
  version = "~> 4.0"
}
module "asg_lb" {
  source         = "terraform-aws-modules/autoscaling/aws"
  load_balancers = ["elb_1"]
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 5, 17]);
    }

    #[test]
    fn cloudformation_groups() {
        let yaml = "Resources:\n  A:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties:\n      MinSize: '1'\n  B:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties:\n      LoadBalancerNames: []\n  C:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties:\n      LoadBalancerNames: [!Ref Elb]\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 9]);
    }
}
