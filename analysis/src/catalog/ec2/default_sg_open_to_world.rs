use crate::cloudformation::check::CfnContext;
use crate::fix::Fix;
use crate::kit::ec2::cfn_in_default_group;
use crate::kit::ec2::delete_lines;
use crate::kit::network::{cfn_narrow_world_fix, cfn_sg_rules};
use crate::kit::network::{field_strings, is_world_cidr};
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::view::Config;

pub static RULE: Rule = Rule {
    id: "default-sg-open-to-world",
    title: "Default security group allows traffic to or from the whole internet",
    severity: Severity::High,
    row: Row::NetworkSecurity,
    service: "VPC",
    why: "Every instance, interface or database launched without an explicit security group lands in the VPC's \
          default group. Internet-wide rules there silently expose, or let exfiltrate, whatever someone forgets \
          to place in a dedicated group.",
    aws_side: "AWS creates each VPC's default security group (members may talk to each other, all outbound is \
               allowed) and cannot delete it. What rules it holds afterwards is the customer's decision; CIS \
               recommends that it allows nothing.",
    equivalents: Equivalents { checkov: &[], kics: &[], trivy: &[] },
    related: Related {
        checkov: &["CKV2_AWS_12"],
        kics: &["46883ce1-dc3e-4b17-9195-c6a601624c73", "ea33fcf7-394b-4d11-a228-985c5d08f205"],
        trivy: &["AVD-AWS-0173", "aws-ec2-restrict-all-in-default-sg"],
        how: "Checkov's CKV2_AWS_12 and Trivy's AVD-AWS-0173 fail a default security group with any rule, open to \
              the world or not, where this rule needs a world range; CKV2_AWS_12 reports on the `aws_vpc` and also \
              fails a VPC whose default security group is not managed in code. KICS's Terraform Default Security \
              Groups With Unrestricted Traffic (46883ce1) reads only a single `ingress` or `egress` block (a group \
              with two blocks of a direction passes there), where this rule judges every rule. KICS's CloudFormation \
              query (ea33fcf7) fails an `AWS::EC2::SecurityGroup` named `default` with any rule, open to the world or \
              not, and does not follow a VPC's `DefaultSecurityGroup`; this rule needs a world range and follows it.",
    },
    matcher: &Custom {
        what: "Flags `aws_default_security_group` resources with an `ingress` or `egress` rule whose range is \
               `0.0.0.0/0` or `::/0`.",
        fix: "Remove the internet-wide rules (ideally all rules: an `aws_default_security_group` without `ingress` \
              and `egress` strips the group empty) and give workloads dedicated security groups.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_default_security_group"],
            check,
            example: r#"resource "aws_default_security_group" "default" {
  vpc_id = aws_vpc.main.id

  ingress {
    protocol    = -1
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}"#,
            fixed_example: r#"resource "aws_default_security_group" "default" {
  vpc_id = aws_vpc.main.id
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &[
                "AWS::EC2::SecurityGroupIngress",
                "AWS::EC2::SecurityGroupEgress",
                "AWS::EC2::SecurityGroup",
            ],
            check: check_cfn,
            example: r#"Resources:
  DefaultSshIn:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt Vpc.DefaultSecurityGroup
      IpProtocol: tcp
      FromPort: 22
      ToPort: 22
      CidrIp: 0.0.0.0/0
"#,
            fixed_example: r#"Resources:
  DefaultSshIn:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt Vpc.DefaultSecurityGroup
      IpProtocol: tcp
      FromPort: 22
      ToPort: 22
      CidrIp: 10.0.0.0/8
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    for (direction, egress) in [("ingress", false), ("egress", true)] {
        for rule in cfn_sg_rules(ctx, egress) {
            if !cfn_in_default_group(ctx, &rule) {
                continue;
            }
            let Some((cidr, _, range)) = rule.world() else { continue };
            let message = format!(
                "`{}` gives the default security group an {direction} rule for {cidr}",
                rule.resource.logical_id
            );
            let fix = cfn_narrow_world_fix(ctx, &rule);
            ctx.report(rule.resource, range, message).fixes.extend(fix);
        }
    }
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_default_security_group").collect::<Vec<_>>() {
        for direction in ["ingress", "egress"] {
            for rule in ctx.nested(res.config(), direction) {
                let world = ["cidr_blocks", "ipv6_cidr_blocks"].iter().find_map(|name| {
                    let field = rule.attr(name)?;
                    field_strings(ctx, Some(field)).into_iter().find(|c| is_world_cidr(c)).map(|c| (c, field))
                });
                let Some((cidr, field)) = world else { continue };
                let message = format!(
                    "`{}`, the VPC's default security group, has an {direction} rule for {cidr}",
                    res.address()
                );
                let source = &ctx.file(res).source;
                let fix = match rule {
                    Config::Block(block) => {
                        Some(Fix::new(format!("Remove this {direction} rule"), vec![delete_lines(source, block.range)]))
                    }
                    Config::Object(_) => None,
                };
                ctx.report(res, field.range, message).fixes.extend(fix);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_world_rules_in_both_directions() {
        let text = r#"resource "aws_default_security_group" "a" {
  ingress {
    protocol    = -1
    self        = true
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port        = 0
    to_port          = 0
    protocol         = "-1"
    ipv6_cidr_blocks = ["::/0"]
  }
}
resource "aws_default_security_group" "b" {
  egress = [{ protocol = "-1", from_port = 0, to_port = 0, cidr_blocks = ["0.0.0.0/0"] }]
}
"#;
        assert_eq!(lines(&RULE, text), vec![7, 13, 17]);
        assert_eq!(check_fixes(&RULE, text), 2);
    }

    #[test]
    fn ignores_private_bogus_and_unknown_ranges() {
        let text = r#"resource "aws_default_security_group" "a" {
  ingress {
    protocol         = -1
    self             = true
    from_port        = 0
    to_port          = 0
    cidr_blocks      = ["10.1.0.0/16", var.x]
    ipv6_cidr_blocks = ["250.250.250.1:8451"]
  }
  egress {
    protocol = "-1"
  }
}
resource "aws_security_group" "not_default" {
  ingress {
    cidr_blocks = ["0.0.0.0/0"]
  }
}
"#;
        assert!(lines(&RULE, text).is_empty());
    }

    #[test]
    fn cloudformation_default_group_rules() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: !GetAtt Vpc.DefaultSecurityGroup\n      IpProtocol: '-1'\n      CidrIp: 0.0.0.0/0\n  B:\n    Type: AWS::EC2::SecurityGroupEgress\n    Properties:\n      GroupId: {'Fn::GetAtt': [Vpc, DefaultSecurityGroup]}\n      IpProtocol: '-1'\n      CidrIpv6: ::/0\n  C:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties: {GroupName: default, IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}\n  D:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties: {GroupId: !Ref Sg, IpProtocol: '-1', CidrIp: 0.0.0.0/0}\n  E:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupName: default\n      SecurityGroupEgress:\n        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}\n  F:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: !GetAtt Vpc.DefaultSecurityGroup\n      IpProtocol: '-1'\n      CidrIp: 10.0.0.0/16\n";
        assert_eq!(cfn_lines(&RULE, yaml), [7, 16, 25, 13]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 4);
    }
}
