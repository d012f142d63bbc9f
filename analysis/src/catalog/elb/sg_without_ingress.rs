use crate::cloudformation::check::CfnContext;
use crate::kit::elb::{cfn_has_sg_rules, cfn_used_by_load_balancer};
use crate::kit::references::{tf_names, tf_naming};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};

pub static RULE: Rule = Rule {
    id: "elb-security-group-without-ingress",
    title: "Load balancer security group has no inbound rules",
    severity: Severity::Low,
    row: Row::BusinessContinuity,
    service: "ELB",
    why: "A load balancer whose security group admits nothing cannot receive traffic: usually a broken \
          deployment, sometimes an intended drain.",
    aws_side: "AWS denies all inbound traffic that no rule allows.",
    equivalents: Equivalents { checkov: &[], kics: &["e200a6f3-c589-49ec-9143-7421d4a2c845"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags security groups used by a load balancer (`aws_lb`, `aws_alb`, `aws_elb` `security_groups`; in \
               CloudFormation the `SecurityGroups` of `AWS::ElasticLoadBalancing::LoadBalancer` and \
               `AWS::ElasticLoadBalancingV2::LoadBalancer`) that have no inbound rule, inline or standalone \
               (`aws_security_group_rule` of type `ingress`, `aws_vpc_security_group_ingress_rule`, \
               `AWS::EC2::SecurityGroupIngress`).",
        fix: "Allow the listeners' ports from the clients that should reach the load balancer.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_security_group"],
            check,
            example: r#"resource "aws_security_group" "lb" {
  name   = "lb"
  vpc_id = var.vpc_id
}

resource "aws_lb" "web" {
  security_groups = [aws_security_group.lb.id]
}"#,
            fixed_example: r#"resource "aws_security_group" "lb" {
  name   = "lb"
  vpc_id = var.vpc_id

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_lb" "web" {
  security_groups = [aws_security_group.lb.id]
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::SecurityGroup"],
            check: check_cfn,
            example: r#"Resources:
  LbGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: load balancer
  Lb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      SecurityGroups: [!Ref LbGroup]
"#,
            fixed_example: r#"Resources:
  LbGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: load balancer
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 10.0.0.0/8
  Lb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      SecurityGroups: [!Ref LbGroup]
"#,
        }),
    },
};

fn used_by_load_balancer(ctx: &TfContext, sg: Resource) -> bool {
    ["aws_lb", "aws_alb", "aws_elb"].iter().any(|ty| {
        ctx.all_resources(ty).any(|lb| lb.block.attr("security_groups").is_some_and(|a| tf_names(&a.expr, sg)))
    })
}

fn has_ingress(ctx: &TfContext, sg: Resource) -> bool {
    if !ctx.nested(sg.config(), "ingress").is_empty() || sg.block.attr("ingress").is_some() {
        return true;
    }
    let rules = tf_naming(ctx, sg, &["aws_security_group_rule"], "security_group_id");
    if rules.iter().any(|r| ctx.attr(r.block, "type").is_none_or(|(_, v)| v.as_str() != Some("egress"))) {
        return true;
    }
    !tf_naming(ctx, sg, &["aws_vpc_security_group_ingress_rule"], "security_group_id").is_empty()
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_security_group").collect::<Vec<_>>() {
        if !used_by_load_balancer(ctx, res) || has_ingress(ctx, res) {
            continue;
        }
        let message = format!(
            "`{}` is a load balancer's security group without inbound rules: nothing can reach the load balancer",
            res.address()
        );
        ctx.report(res, res.block.header, message);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::EC2::SecurityGroup").collect::<Vec<_>>() {
        if !cfn_used_by_load_balancer(ctx, res)
            || cfn_has_sg_rules(ctx, res, "SecurityGroupIngress", "AWS::EC2::SecurityGroupIngress")
        {
            continue;
        }
        let range = ctx.header(res);
        let message = format!(
            "`{}` is a load balancer's security group without inbound rules: nothing can reach the load balancer",
            res.logical_id
        );
        ctx.report(res, range, message);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn load_balancer_groups_without_ingress() {
        let tf = r#"resource "aws_security_group" "bare" {
  egress {
    from_port = 0
  }
}
resource "aws_security_group" "ruled" {
}
resource "aws_security_group_rule" "in" {
  type              = "ingress"
  security_group_id = aws_security_group.ruled.id
}
resource "aws_security_group" "unused" {
}
resource "aws_lb" "web" {
  security_groups = [aws_security_group.bare.id, aws_security_group.ruled.id]
}
"#;
        assert_eq!(lines(&RULE, tf), [1]);
        let yaml = "Resources:\n  Bare:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: x\n  Ruled:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupIngress:\n        - {IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIp: 10.0.0.0/8}\n  Lb:\n    Type: AWS::ElasticLoadBalancing::LoadBalancer\n    Properties:\n      SecurityGroups: [Bare, !Ref Ruled]\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
    }
}
