use crate::cloudformation::check::CfnContext;
use crate::kit::network::{cfn_sg_rules, ingress_rules};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::format_number;

pub static RULE: Rule = Rule {
    id: "sg-ingress-port-range",
    title: "Security group ingress rule opens a range of ports instead of single ports",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "EC2",
    why: "Port ranges open services nobody listed, typically left over from debugging or copy-paste; each extra open port is attack surface the team does not know it exposes.",
    aws_side: "AWS enforces the range as written. Minimal port exposure is the customer's duty.",
    equivalents: Equivalents { checkov: &[], kics: &["87482183-a8e7-4e42-a566-7a23ec231c16"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags TCP and UDP security group ingress rules whose `from_port` and `to_port` differ (`0`-`0`,                which some read as every port, is left out; all-protocol rules are `sg-ingress-all-protocols`'s),                whatever their ingress peer.",
        fix: "Open the ports the workload uses, one rule each (or a small, documented range).",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_security_group", "aws_default_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"],
            check,
            example: r#"resource "aws_security_group" "app" {
  ingress {
    from_port   = 8000
    to_port     = 8100
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}"#,
            fixed_example: r#"resource "aws_security_group" "app" {
  ingress {
    from_port   = 8080
    to_port     = 8080
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"],
            check: check_cfn,
            example: r#"Resources:
  App:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: app
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 8000
          ToPort: 8100
          CidrIp: 10.0.0.0/16
"#,
            fixed_example: r#"Resources:
  App:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: app
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 8080
          ToPort: 8080
          CidrIp: 10.0.0.0/16
"#,
        }),
    },
};

fn check(ctx: &mut TfContext) {
    for rule in ingress_rules(ctx) {
        // Named module rules (`all-tcp`) are ranges by design of the module.
        let Some((from, to)) = rule.port_range() else { continue };
        let Some(field) = rule.config.attr("from_port") else { continue };
        let message = format!(
            "`{}` accepts ports {}-{} inbound",
            rule.resource.address(),
            format_number(from),
            format_number(to)
        );
        ctx.report(rule.resource, field.range, message);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for rule in cfn_sg_rules(ctx, false) {
        let Some((from, to)) = rule.port_range() else { continue };
        let range = rule.node.entry("FromPort").map_or(rule.node.range, |e| e.range);
        let message = format!(
            "`{}` accepts ports {}-{} inbound",
            rule.resource.logical_id,
            format_number(from),
            format_number(to)
        );
        ctx.report(rule.resource, range, message);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_port_ranges() {
        let tf = r#"resource "aws_security_group" "a" {
  ingress {
    from_port   = 80
    to_port     = 87
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
  ingress {
    from_port   = 0
    to_port     = 65535
    protocol    = "-1"
    cidr_blocks = ["10.0.0.0/8"]
  }
  ingress {
    from_port   = "443"
    to_port     = 443
    protocol    = "6"
    cidr_blocks = ["10.0.0.0/8"]
  }
  ingress {
    from_port   = var.from
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}
resource "aws_security_group_rule" "r" {
  type      = "ingress"
  protocol  = "udp"
  from_port = 1024
  to_port   = 65535
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 36]);
    }

    #[test]
    fn cloudformation_port_ranges() {
        let yaml = "Resources:\n  A:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupIngress:\n        - {IpProtocol: tcp, FromPort: 80, ToPort: 87, CidrIp: 0.0.0.0/0}\n        - {IpProtocol: tcp, FromPort: 0, ToPort: 0, CidrIp: 0.0.0.0/0}\n        - {IpProtocol: tcp, FromPort: '80', ToPort: 80, CidrIp: 0.0.0.0/0}\n  B:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      IpProtocol: tcp\n      FromPort: 0\n      ToPort: 65535\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6, 13]);
    }
}
