use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::kit::elb::{cfn_has_sg_rules as has_rules, cfn_used_by_load_balancer as used_by_load_balancer};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity};
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "elb-security-group-default-egress",
    title: "Load balancer security group keeps the default allow-all egress",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "ELB",
    why: "A load balancer only needs to reach its targets; allow-all egress lets a compromised or misrouted load \
          balancer path reach anything.",
    aws_side: "AWS adds an allow-all egress rule to every new security group; CloudFormation keeps it when the \
               template declares no egress. Narrowing it is the customer's choice. (Terraform's \
               `aws_security_group` removes that rule when no egress is written.)",
    equivalents: Equivalents { checkov: &[], kics: &["01d5a458-a6c4-452a-ac50-054d59275b7c"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `AWS::EC2::SecurityGroup` used by a load balancer (`AWS::ElasticLoadBalancing::LoadBalancer`, \
               `AWS::ElasticLoadBalancingV2::LoadBalancer` `SecurityGroups`) that declares no `SecurityGroupEgress` \
               and has no `AWS::EC2::SecurityGroupEgress`, so it keeps the default rule allowing all egress.",
        fix: "Declare `SecurityGroupEgress` allowing only the targets' port towards the targets' security group.",
        has_fix: true,
        terraform: None,
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::SecurityGroup"],
            check: check_cfn,
            example: r#"Resources:
  LbGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: load balancer
      VpcId: !Ref Vpc
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
      VpcId: !Ref Vpc
      SecurityGroupEgress:
        - IpProtocol: tcp
          FromPort: 8080
          ToPort: 8080
          DestinationSecurityGroupId: !Ref AppGroup
  Lb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      SecurityGroups: [!Ref LbGroup]
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::EC2::SecurityGroup").collect::<Vec<_>>() {
        if !used_by_load_balancer(ctx, res)
            || has_rules(ctx, res, "SecurityGroupEgress", "AWS::EC2::SecurityGroupEgress")
        {
            continue;
        }
        let egress = json!([{"IpProtocol": "tcp", "FromPort": "<target-port>", "ToPort": "<target-port>", "DestinationSecurityGroupId": "<targets-security-group>"}]);
        let fix = Fix::unsafe_(
            "Allow egress to the targets only (fill in port and group)",
            vec![cfn_edit::set_property(ctx.template, res, "SecurityGroupEgress", &egress)],
        );
        let range = ctx.header(res);
        let message = format!(
            "`{}` is a load balancer's security group without egress rules, so it keeps the default rule allowing all egress",
            res.logical_id
        );
        ctx.report(res, range, message).fixes.push(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes};

    #[test]
    fn load_balancer_groups_without_egress() {
        let yaml = "Resources:\n  Bare:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: x\n  Ruled:\n    Type: AWS::EC2::SecurityGroup\n  Egress:\n    Type: AWS::EC2::SecurityGroupEgress\n    Properties:\n      GroupId: !GetAtt Ruled.GroupId\n  Other:\n    Type: AWS::EC2::SecurityGroup\n  Lb:\n    Type: AWS::ElasticLoadBalancing::LoadBalancer\n    Properties:\n      SecurityGroups: [Bare, !GetAtt Ruled.GroupId]\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
