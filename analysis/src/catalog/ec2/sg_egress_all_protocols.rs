use crate::cloudformation::check::CfnContext;
use crate::kit::network::{cfn_sg_rules, egress_rules, Protocol};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "sg-egress-all-protocols",
    title: "Security group egress rule allows every protocol",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "EC2",
    why: "An all-protocol egress rule opens every port and protocol towards its destination, so the group no \
          longer documents or limits what the workload needs to reach; a compromised host can use any channel \
          (DNS or ICMP tunnels, arbitrary ports), and to the internet it removes every outbound control at once.",
    aws_side: "AWS enforces whatever protocols the rule names, and adds an all-protocol egress rule to new groups \
               by default. Least-privilege egress is the customer's design.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["ee464fc2-54a6-4e22-b10a-c6dcd2474d0c", "66f2d8f9-a911-4ced-ae27-34f09690bb2c"],
        trivy: &[],
    },
    related: Related {
        checkov: &["CKV_AWS_382"],
        kics: &[],
        trivy: &[],
        how: "Checkov flags all-protocol egress only when its destination is the whole internet; onus flags it to \
              any destination (the destination itself is `sg-egress-open-to-world`'s).",
    },
    matcher: &Custom {
        what: "Flags security group egress rules whose protocol is `-1` / `all` (Terraform: inline `egress`, \
               `aws_security_group_rule`, `aws_vpc_security_group_egress_rule`, the security-group module's \
               `all-all` rule; CloudFormation: `SecurityGroupEgress` entries and resources), whatever their \
               destination.",
        fix: "Name the protocols and ports the workload needs (for example TCP 443), one rule each.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &[
                "aws_security_group",
                "aws_default_security_group",
                "aws_security_group_rule",
                "aws_vpc_security_group_egress_rule",
            ],
            check,
            example: r#"resource "aws_security_group" "app" {
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["10.0.0.0/16"]
  }
}"#,
            fixed_example: r#"resource "aws_security_group" "app" {
  egress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupEgress"],
            check: check_cfn,
            example: r#"Resources:
  App:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: app
      SecurityGroupEgress:
        - IpProtocol: -1
          CidrIp: 10.0.0.0/16
"#,
            fixed_example: r#"Resources:
  App:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: app
      SecurityGroupEgress:
        - IpProtocol: tcp
          FromPort: 5432
          ToPort: 5432
          CidrIp: 10.0.0.0/16
"#,
        }),
    },
};

fn check(ctx: &mut TfContext) {
    for egress in egress_rules(ctx) {
        if egress.protocol != Some(Protocol::All) {
            continue;
        }
        let range = ["protocol", "ip_protocol", "egress_rules"]
            .iter()
            .find_map(|a| egress.config.attr(a))
            .map_or(egress.config.header(), |f| f.range);
        let to = egress.world_source().map(|(c, _)| format!(" to {c}")).unwrap_or_default();
        let message = format!("`{}` allows every protocol outbound{to}", egress.resource.address());
        ctx.report(egress.resource, range, message);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for rule in cfn_sg_rules(ctx, true) {
        if rule.protocol != Some(Protocol::All) {
            continue;
        }
        let range = rule.node.entry("IpProtocol").map_or(rule.node.range, |e| e.range);
        let to = rule.world().map(|(c, _, _)| format!(" to {c}")).unwrap_or_default();
        let message = format!("`{}` allows every protocol outbound{to}", rule.resource.logical_id);
        ctx.report(rule.resource, range, message);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_all_protocol_egress() {
        let tf = r#"resource "aws_security_group" "a" {
  egress {
    from_port       = 0
    to_port         = 0
    protocol        = -1
    security_groups = [aws_security_group.b.id]
  }
  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    protocol = "-1"
  }
}
resource "aws_vpc_security_group_egress_rule" "all" {
  ip_protocol = "-1"
  cidr_ipv4   = "0.0.0.0/0"
}
resource "aws_security_group_rule" "unknown" {
  type     = "egress"
  protocol = var.protocol
}
"#;
        assert_eq!(lines(&RULE, tf), [5, 19]);
    }

    #[test]
    fn cloudformation_all_protocol_egress() {
        let yaml = "Resources:\n  A:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupIngress:\n        - {IpProtocol: -1, CidrIp: 0.0.0.0/0}\n      SecurityGroupEgress:\n        - {IpProtocol: ALL, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}\n        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}\n  B:\n    Type: AWS::EC2::SecurityGroupEgress\n    Properties:\n      IpProtocol: '-1'\n      DestinationSecurityGroupId: !Ref Other\n";
        assert_eq!(cfn_lines(&RULE, yaml), [8, 13]);
    }
}
