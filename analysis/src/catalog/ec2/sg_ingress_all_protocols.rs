use crate::cloudformation::check::CfnContext;
use crate::kit::network::{cfn_sg_rules, ingress_rules, Protocol};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "sg-ingress-all-protocols",
    title: "Security group ingress rule allows every protocol",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "EC2",
    why: "Allowing every protocol inbound exposes all ports of the group's members to the source at once; a service \
          started later on the host (a debug port, a database) is reachable without anyone deciding it should be.",
    aws_side: "AWS filters what the rule names. Naming only the needed protocols and ports is the customer's duty.",
    equivalents: Equivalents { checkov: &[], kics: &["1a427b25-2e9e-4298-9530-0499a55e736b"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags security group ingress rules whose protocol is `-1` / `all`, whatever their source (a CIDR, \
               another group, the group itself). Whether the source is the whole internet is \
               `sg-ingress-open-to-world`'s concern.",
        fix: "Name the protocols and ports the members serve, one rule each.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &[
                "aws_security_group",
                "aws_default_security_group",
                "aws_security_group_rule",
                "aws_vpc_security_group_ingress_rule",
            ],
            check,
            example: r#"resource "aws_security_group_rule" "from_app" {
  type                     = "ingress"
  from_port                = 0
  to_port                  = 0
  protocol                 = "-1"
  source_security_group_id = aws_security_group.app.id
  security_group_id        = aws_security_group.db.id
}"#,
            fixed_example: r#"resource "aws_security_group_rule" "from_app" {
  type                     = "ingress"
  from_port                = 5432
  to_port                  = 5432
  protocol                 = "tcp"
  source_security_group_id = aws_security_group.app.id
  security_group_id        = aws_security_group.db.id
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"],
            check: check_cfn,
            example: r#"Resources:
  FromApp:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !Ref Db
      IpProtocol: -1
      SourceSecurityGroupId: !Ref App
"#,
            fixed_example: r#"Resources:
  FromApp:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !Ref Db
      IpProtocol: tcp
      FromPort: 5432
      ToPort: 5432
      SourceSecurityGroupId: !Ref App
"#,
        }),
    },
};

fn check(ctx: &mut TfContext) {
    for ingress in ingress_rules(ctx) {
        if ingress.protocol != Some(Protocol::All) {
            continue;
        }
        let range = ["protocol", "ip_protocol", "ingress_rules"]
            .iter()
            .find_map(|a| ingress.config.attr(a))
            .map_or(ingress.config.header(), |f| f.range);
        let message = format!("`{}` accepts every protocol inbound", ingress.resource.address());
        ctx.report(ingress.resource, range, message);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for rule in cfn_sg_rules(ctx, false) {
        if rule.protocol != Some(Protocol::All) {
            continue;
        }
        let range = rule.node.entry("IpProtocol").map_or(rule.node.range, |e| e.range);
        let message = format!("`{}` accepts every protocol inbound", rule.resource.logical_id);
        ctx.report(rule.resource, range, message);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_all_protocol_ingress() {
        let tf = r#"resource "aws_security_group" "a" {
  ingress {
    from_port = 0
    to_port   = 0
    protocol  = "-1"
    self      = true
  }
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    protocol = "-1"
  }
}
resource "aws_vpc_security_group_ingress_rule" "all" {
  ip_protocol                  = "all"
  referenced_security_group_id = aws_security_group.b.id
}
"#;
        assert_eq!(lines(&RULE, tf), [5, 19]);
    }

    #[test]
    fn cloudformation_all_protocol_ingress() {
        let yaml = "Resources:\n  A:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupIngress:\n        - {IpProtocol: -1, FromPort: 80, ToPort: 80, CidrIp: 0.0.0.0/0}\n      SecurityGroupEgress:\n        - {IpProtocol: -1, CidrIp: 0.0.0.0/0}\n  B:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      IpProtocol: -1\n      SourceSecurityGroupId: !Ref Other\n  C:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      IpProtocol: tcp\n      FromPort: 0\n      ToPort: 65535\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6, 12]);
    }
}
