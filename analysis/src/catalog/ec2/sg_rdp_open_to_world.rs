use crate::cloudformation::check::CfnContext;
use crate::kit::network::{report_world_port, report_world_port_cfn, PortProtocols};
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "sg-rdp-open-to-world",
    title: "Security group allows RDP from the whole internet",
    severity: Severity::High,
    row: Row::NetworkSecurity,
    service: "EC2",
    why: "Remote Desktop exposed to the internet is one of the most scanned and brute-forced services, and RDP \
          has a history of pre-authentication remote code execution bugs (BlueKeep). An exposed Windows host \
          is a common entry point for ransomware.",
    aws_side: "AWS protects its network fabric against DoS, spoofing and port scanning; the security groups you \
               write decide what reaches your instances. Opening a port is the customer's choice and duty.",
    equivalents: Equivalents { checkov: &["CKV_AWS_25"], kics: &["c9846969-d066-431f-9b34-8c4abafe422a"], trivy: &[] },
    related: Related {
        checkov: &[],
        kics: &["151187cb-0efc-481c-babd-ad24e3c9bc22", "3ae83918-7ec7-4cb8-80db-b91ef0f94002"],
        trivy: &["AVD-AWS-0107", "aws-ec2-no-public-ingress-sgr"],
        how: "Trivy's AVD-AWS-0107 flags world ingress to SSH (22) and every all-protocol rule as well as RDP; this \
              rule is about port 3389 only. KICS's Remote Desktop Port Open To Internet (151187cb) fails TCP rules \
              only, where this rule also flags UDP and all-protocol rules. KICS's CloudFormation Security Groups \
              Unrestricted Access To RDP (3ae83918) reads a group's inline ingress only, fails a rule whose \
              `FromPort` or `ToPort` is 3389 from `0.0.0.0/0` whatever its protocol, and misses ranges around \
              3389, `::/0` and `AWS::EC2::SecurityGroupIngress` resources.",
    },
    matcher: &Custom {
        what: "Flags ingress rules that open port 3389 (RDP, over TCP, UDP or all protocols) to `0.0.0.0/0` or \
               `::/0`, in security groups, security group rule resources and the security-group registry module.",
        fix: "Allow RDP only from known ranges (a VPN, a bastion, the VPC's CIDR), or use Fleet Manager / Session \
              Manager port forwarding instead of an open port.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &[
                "aws_security_group",
                "aws_default_security_group",
                "aws_security_group_rule",
                "aws_vpc_security_group_ingress_rule",
            ],
            check,
            example: r#"resource "aws_security_group" "win" {
  ingress {
    from_port   = 3389
    to_port     = 3389
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}"#,
            fixed_example: r#"resource "aws_security_group" "win" {
  ingress {
    from_port   = 3389
    to_port     = 3389
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"],
            check: check_cfn,
            example: r#"Resources:
  Web:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 3389
          ToPort: 3389
          CidrIp: 0.0.0.0/0
"#,
            fixed_example: r#"Resources:
  Web:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 3389
          ToPort: 3389
          CidrIp: 10.0.0.0/8
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    report_world_port_cfn(ctx, "RDP", 3389.0, PortProtocols::Any);
}

fn check(ctx: &mut TfContext) {
    report_world_port(ctx, "RDP", 3389.0, PortProtocols::Any);
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_ranges_covering_3389_from_the_internet() {
        let text = r#"resource "aws_security_group" "a" {
  ingress {
    from_port   = 3000
    to_port     = 4000
    protocol    = "tcp"
    cidr_blocks = ["1.0.0.0/0"]
  }
  ingress {
    from_port        = 3380
    to_port          = 3450
    protocol         = "tcp"
    ipv6_cidr_blocks = ["::/0"]
  }
}
resource "aws_security_group_rule" "b" {
  type        = "ingress"
  from_port   = 0
  to_port     = 0
  protocol    = "-1"
  cidr_blocks = ["0.0.0.0/0"]
}
resource "aws_security_group_rule" "egress" {
  type        = "egress"
  from_port   = 3389
  to_port     = 3389
  protocol    = "tcp"
  cidr_blocks = ["0.0.0.0/0"]
}
"#;
        assert_eq!(lines(&RULE, text), vec![12, 20]);
        assert_eq!(check_fixes(&RULE, text), 2);
    }

    #[test]
    fn ignores_private_unknown_and_other_ports() {
        let text = r#"variable "cidr" {}
resource "aws_security_group" "a" {
  ingress {
    from_port   = 3389
    to_port     = 3389
    protocol    = "tcp"
    cidr_blocks = [var.cidr, "0.1.0.0/0"]
  }
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = var.port
    to_port     = 3389
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    protocol = "tcp"
  }
}
"#;
        assert!(lines(&RULE, text).is_empty());
    }

    #[test]
    fn cloudformation_inline_and_rule_resources() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupIngress:\n        - {IpProtocol: udp, FromPort: 3000, ToPort: 4000, CidrIp: 0.0.0.0/0}\n        - {IpProtocol: tcp, FromPort: 3389, ToPort: 3389, CidrIp: 192.168.0.0/16}\n        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}\n  B:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      IpProtocol: tcp\n      FromPort: 3389\n      ToPort: 3389\n      CidrIpv6: ::/0\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6, 15]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
