use crate::cloudformation::check::CfnContext;
use crate::fix::Fix;
use crate::kit::ec2::cfn_in_default_group;
use crate::kit::ec2::delete_lines;
use crate::kit::network::cfn_sg_rules;
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::view::Config;

pub static RULE: Rule = Rule {
    id: "default-sg-has-rules",
    title: "Default security group is not empty",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "VPC",
    why: "Resources launched without an explicit security group join the VPC's default group, often by \
          mistake. Any rule left there (even the default \"members talk to each other, everything goes out\") \
          grants those forgotten resources network access nobody reviewed.",
    aws_side: "AWS creates each VPC's default security group with a self-referencing inbound rule and an \
               allow-all outbound rule, and cannot delete the group. Emptying it is the customer's duty.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["9a4ef195-74b9-4c58-b8ed-2b2fe4353a75"],
        trivy: &["AVD-AWS-0173", "aws-ec2-restrict-all-in-default-sg"],
    },
    related: Related {
        checkov: &["CKV2_AWS_12"],
        kics: &[],
        trivy: &[],
        how: "Checkov's CKV2_AWS_12 tests the same rules but reports on the `aws_vpc`, and also fails a VPC whose \
              default security group is not managed in code.",
    },
    matcher: &Custom {
        what: "Flags `aws_default_security_group` resources that keep any `ingress` or `egress` rule, whatever its \
               source (CIS AWS Foundations 5.4: the default security group restricts all traffic).",
        fix: "Remove every `ingress` and `egress` rule: an `aws_default_security_group` without rules strips the \
              group empty. Give workloads dedicated security groups.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_default_security_group"],
            check,
            example: r#"resource "aws_default_security_group" "default" {
  vpc_id = aws_vpc.main.id

  ingress {
    protocol  = -1
    self      = true
    from_port = 0
    to_port   = 0
  }
}"#,
            fixed_example: r#"resource "aws_default_security_group" "default" {
  vpc_id = aws_vpc.main.id
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress"],
            check: check_cfn,
            example: r#"Resources:
  DefaultIn:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt Vpc.DefaultSecurityGroup
      IpProtocol: tcp
      FromPort: 443
      ToPort: 443
      CidrIp: 10.0.0.0/16
"#,
            fixed_example: r#"Resources:
  AppSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: app
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 10.0.0.0/16
"#,
        }),
    },
};

/// Rule resources attached to a VPC's default group (a group declared as `default` is left to
/// `default-sg-open-to-world`: EC2 reserves the name).
fn check_cfn(ctx: &mut CfnContext) {
    for (direction, egress) in [("ingress", false), ("egress", true)] {
        for rule in cfn_sg_rules(ctx, egress) {
            if rule.resource.ty == "AWS::EC2::SecurityGroup" || !cfn_in_default_group(ctx, &rule) {
                continue;
            }
            let message =
                format!("`{}` adds an {direction} rule to the VPC's default security group", rule.resource.logical_id);
            let range = ctx.header(rule.resource);
            ctx.report(rule.resource, range, message);
        }
    }
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_default_security_group").collect::<Vec<_>>() {
        for direction in ["ingress", "egress"] {
            let rules = ctx.nested(res.config(), direction);
            if rules.is_empty() {
                continue;
            }
            let message = format!("`{}`, the VPC's default security group, keeps {direction} rules", res.address());
            let source = &ctx.file(res).source;
            // Blocks are removed one by one; an `ingress = [...]` attribute as a whole.
            let mut targets: Vec<_> = rules
                .iter()
                .filter_map(|r| match r {
                    Config::Block(b) => Some(b.range),
                    Config::Object(_) => None,
                })
                .collect();
            if let Some(attr) = res.block.attr(direction) {
                targets.push(attr.range);
            }
            for range in targets {
                let fix = Fix::new(format!("Remove the {direction} rule"), vec![delete_lines(source, range)]);
                ctx.report_with_fix(res, range, message.clone(), fix);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_each_rule_block_and_list() {
        let text = r#"resource "aws_default_security_group" "a" {
  vpc_id = aws_vpc.main.id

  ingress = [
    {
      protocol  = -1
      self      = true
      from_port = 0
      to_port   = 0
    }
  ]

  egress {
    from_port = 0
    to_port   = 0
    protocol  = "-1"
  }
}
"#;
        assert_eq!(lines(&RULE, text), vec![4, 13]);
        assert_eq!(check_fixes(&RULE, text), 2);
    }

    #[test]
    fn an_empty_default_group_is_fine() {
        let text = r#"resource "aws_vpc" "main" {
  cidr_block = "10.1.0.0/16"
}
resource "aws_default_security_group" "a" {
  vpc_id  = aws_vpc.main.id
  ingress = []
}
"#;
        assert!(lines(&RULE, text).is_empty());
    }

    #[test]
    fn cloudformation_rules_of_the_default_group() {
        use crate::kit::testing::cfn_lines;
        let yaml = "Resources:\n  A:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: !GetAtt Vpc.DefaultSecurityGroup\n      IpProtocol: '-1'\n      SourceSecurityGroupId: !GetAtt Vpc.DefaultSecurityGroup\n  B:\n    Type: AWS::EC2::SecurityGroupEgress\n    Properties: {GroupId: !Ref Sg, IpProtocol: '-1', CidrIp: 0.0.0.0/0}\n  C:\n    Type: AWS::EC2::SecurityGroupEgress\n    Properties: {GroupId: !GetAtt [Vpc, DefaultSecurityGroup], IpProtocol: '-1', CidrIp: 10.0.0.0/8}\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 11]);
    }
}
