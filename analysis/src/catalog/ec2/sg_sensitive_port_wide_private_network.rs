use super::sg_sensitive_port_open_to_world::SENSITIVE_PORTS;
use crate::cloudformation::check::CfnContext;
use crate::kit::network::{ipv4_cidr, is_private_ipv4, report_ports_from_ranges, report_ports_from_ranges_cfn};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "sg-sensitive-port-wide-private-network",
    title: "Security group exposes a sensitive port to a whole private address block",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "EC2",
    why: "Opening a database or admin port to an entire 10.0.0.0/8 lets every host of every peered VPC, VPN and office network reach it; once any of them is compromised, lateral movement to the sensitive service is one connection away. Source security groups or the application's subnets are the least-privilege choice.",
    aws_side: "AWS enforces the CIDR. Deciding who may reach sensitive ports, and segmenting the networks behind                them, is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["92fe237e-074c-4262-81a4-2077acb928c1"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags security group ingress rules (TCP, UDP or all protocols) covering a sensitive port (the list of                `sg-sensitive-port-open-to-world`: remote administration, file sharing, directories, databases,                caches; a TCP/UDP `0`-`0` range is read as every port) whose source is a wide private block (inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, with a prefix of /16 or shorter).",
        fix: "Allow the specific hosts or security groups that need the service, or reach it through Session               Manager, a VPN or PrivateLink.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"],
            check,
            example: r#"resource "aws_security_group" "db" {
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}"#,
            fixed_example: r#"resource "aws_security_group" "db" {
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["10.0.12.0/24"]
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"],
            check: check_cfn,
            example: r#"Resources:
  Db:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: db
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 5432
          ToPort: 5432
          CidrIp: 10.0.0.0/8
"#,
            fixed_example: r#"Resources:
  Db:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: db
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 5432
          ToPort: 5432
          CidrIp: 10.0.12.0/24
"#,
        }),
    },
};

/// A private IPv4 block of 65,536 addresses or more (`/16` or shorter) inside 10.0.0.0/8, 172.16.0.0/12 or
/// 192.168.0.0/16.
fn is_wide_private_range(cidr: &str) -> bool {
    ipv4_cidr(cidr).is_some_and(|(addr, len)| len <= 16 && is_private_ipv4(addr, len))
}

const KIND: &str = "a whole private address block: every host of every network it spans can reach the service";

fn check(ctx: &mut TfContext) {
    report_ports_from_ranges(ctx, SENSITIVE_PORTS, is_wide_private_range, KIND);
}

fn check_cfn(ctx: &mut CfnContext) {
    report_ports_from_ranges_cfn(ctx, SENSITIVE_PORTS, is_wide_private_range, KIND);
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_sensitive_ports_from_wide_private_blocks() {
        let tf = r#"resource "aws_security_group" "a" {
  ingress {
    from_port   = 2200
    to_port     = 2500
    protocol    = "-1"
    cidr_blocks = ["10.0.0.0/8"]
  }
  ingress {
    from_port   = 135
    to_port     = 170
    protocol    = "udp"
    cidr_blocks = ["10.68.0.0", "172.16.0.0/12"]
  }
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.1.2.0/24", "11.0.0.0/8", "0.0.0.0/0", "172.32.0.0/12"]
  }
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["192.168.0.0/16"]
  }
}
module "sg" {
  source                   = "terraform-aws-modules/security-group/aws"
  ingress_with_cidr_blocks = [{ from_port = 0, to_port = 0, protocol = "-1", cidr_blocks = "172.16.0.0/12" }]
}
"#;
        assert_eq!(lines(&RULE, tf), [6, 12, 29]);
    }

    #[test]
    fn cloudformation_wide_private_blocks() {
        let yaml = "Resources:\n  A:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties: {IpProtocol: tcp, FromPort: 3306, ToPort: 3306, CidrIp: 192.168.0.0/16}\n  B:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties: {IpProtocol: tcp, FromPort: 3306, ToPort: 3306, CidrIp: 192.168.1.0/24}\n";
        assert_eq!(cfn_lines(&RULE, yaml), [4]);
    }
}
