use super::sg_sensitive_port_open_to_world::SENSITIVE_PORTS;
use crate::cloudformation::check::CfnContext;
use crate::kit::network::{report_ports_from_ranges, report_ports_from_ranges_cfn};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "sg-sensitive-port-small-public-network",
    title: "Security group exposes a sensitive port to a small address range (/25 to /29)",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "EC2",
    why: "Allow-listing a small range for a database or admin port still exposes the service to everyone behind that range (a shared office NAT, a hosting provider's neighbours) and to anyone who takes over one of its addresses; admin and data ports are better reached through Session Manager, a VPN or PrivateLink.",
    aws_side: "AWS enforces the CIDR. Deciding who may reach sensitive ports, and segmenting the networks behind                them, is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["e35c16a2-d54e-419d-8546-a804d8e024d0"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags security group ingress rules (TCP, UDP or all protocols) covering a sensitive port (the list of                `sg-sensitive-port-open-to-world`: remote administration, file sharing, directories, databases,                caches; a TCP/UDP `0`-`0` range is read as every port) whose source is a small range (prefix length /25 to /29, private or public).",
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
    cidr_blocks = ["10.92.168.0/28"]
  }
}"#,
            fixed_example: r#"resource "aws_security_group" "db" {
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["10.92.168.10/32"]
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
          CidrIp: 10.92.168.0/28
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
          CidrIp: 10.92.168.10/32
"#,
        }),
    },
};

/// A range of 8 to 128 addresses (`/25` to `/29`), whatever its addresses.
fn is_small_range(cidr: &str) -> bool {
    ["/25", "/26", "/27", "/28", "/29"].iter().any(|s| cidr.trim().ends_with(s))
}

const KIND: &str = "a small address range: everyone behind it can reach the service";

fn check(ctx: &mut TfContext) {
    report_ports_from_ranges(ctx, SENSITIVE_PORTS, is_small_range, KIND);
}

fn check_cfn(ctx: &mut CfnContext) {
    report_ports_from_ranges_cfn(ctx, SENSITIVE_PORTS, is_small_range, KIND);
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_sensitive_ports_from_small_ranges() {
        let tf = r#"resource "aws_security_group" "a" {
  ingress {
    from_port   = 2200
    to_port     = 2500
    protocol    = "-1"
    cidr_blocks = ["12.0.0.0/25"]
  }
  ingress {
    from_port   = 135
    to_port     = 170
    protocol    = "udp"
    cidr_blocks = ["10.68.0.0", "0.0.0.0/28"]
  }
  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["10.68.0.0/26"]
  }
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["1.2.3.0/28"]
  }
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["1.2.3.4/32", "1.2.3.4/5", "0.0.0.0/0", aws_vpc.main.cidr_block]
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [6, 12, 18]);
    }

    #[test]
    fn cloudformation_small_ranges() {
        let yaml = "Resources:\n  A:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupIngress:\n        - {IpProtocol: tcp, FromPort: 3306, ToPort: 3306, CidrIp: 203.0.113.0/27}\n        - {IpProtocol: tcp, FromPort: 3306, ToPort: 3306, CidrIp: 203.0.113.0/24}\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6]);
    }
}
