use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::kit::autoscaling::{cfn_has_load_balancer, has_load_balancer};
use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};
use crate::terraform::check::{Resource, TfContext};

pub static RULE: Rule = Rule {
    id: "asg-elb-health-check-disabled",
    title: "Auto Scaling group behind a load balancer uses EC2 health checks only",
    severity: Severity::Low,
    row: Row::BusinessContinuity,
    service: "Auto Scaling",
    why: "EC2 status checks only notice dead hardware or a hung operating system; an instance whose application \
          has crashed stays \"healthy\", keeps its share of traffic and is never replaced. Load balancer health \
          checks let the group replace the instances that fail the application's check.",
    aws_side: "AWS runs both kinds of checks. Which one drives replacement is the customer's setting.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV2_AWS_15"],
        kics: &[],
        trivy: &[],
        how: "Checkov only sees groups attached through `aws_autoscaling_attachment`, and also requires a health \
              check on the load balancer; onus reads the group's own lists too.",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_autoscaling_group"],
            modules: &[("autoscaling", "health_check_type", true)],
            path: "health_check_type",
            applies: Some(behind_load_balancer),
            example: r#"resource "aws_autoscaling_group" "web" {
  max_size          = 4
  min_size          = 2
  target_group_arns = [aws_lb_target_group.web.arn]
}"#,
            fixed: r#"resource "aws_autoscaling_group" "web" {
  max_size          = 4
  min_size          = 2
  target_group_arns = [aws_lb_target_group.web.arn]
  health_check_type = "ELB"
}"#,
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::AutoScaling::AutoScalingGroup"],
            path: "HealthCheckType",
            applies: Some(cfn_behind_load_balancer),
            example: r#"Resources:
  Web:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MaxSize: '4'
      MinSize: '2'
      TargetGroupARNs:
        - !Ref WebTargets
"#,
            fixed: r#"Resources:
  Web:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MaxSize: '4'
      MinSize: '2'
      TargetGroupARNs:
        - !Ref WebTargets
      HealthCheckType: ELB
"#,
        }),
        want: Want::OneOf(&["ELB", "VPC_LATTICE"]),
        absent: Some("it replaces instances on EC2 status checks only, although a load balancer checks them"),
        insecure: "it replaces instances on EC2 status checks only, although a load balancer checks them",
        fix_title: "Replace instances that fail the load balancer's health check",
        ..Setting::DEFAULT
    },
};

fn behind_load_balancer(ctx: &TfContext, res: Resource) -> bool {
    has_load_balancer(ctx, res)
}

fn cfn_behind_load_balancer(ctx: &CfnContext, res: CfnResource) -> bool {
    cfn_has_load_balancer(ctx, res)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_fixes, lines};

    #[test]
    fn flags_ec2_checks_behind_a_load_balancer() {
        let tf = r#"resource "aws_autoscaling_group" "ec2" {
  target_group_arns = ["arn"]
  health_check_type = "EC2"
}
resource "aws_autoscaling_group" "elb" {
  load_balancers    = ["elb"]
  health_check_type = "ELB"
}
resource "aws_autoscaling_group" "workers" {
  max_size = 3
}
module "asg" {
  source            = "terraform-aws-modules/autoscaling/aws"
  target_group_arns = ["arn"]
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 12]);
        assert_eq!(check_fixes(&RULE, tf), 2);
        let yaml = "Resources:\n  A:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties:\n      LoadBalancerNames: [elb]\n      HealthCheckType: EC2\n  B:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties:\n      MaxSize: '1'\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6]);
    }
}
