use crate::cloudformation::check::CfnContext;
use crate::kit::ec2::{cfn_nacl_entries, nacl_entries};
use crate::kit::network::Protocol;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "nacl-tcp-udp-all-ports",
    title: "Network ACL entry allows every TCP or UDP port",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "VPC",
    why: "A TCP or UDP entry without a port range opens every service of the subnet to its range, so the ACL no \
          longer documents or limits anything for it.",
    aws_side: "AWS applies the entries as written. Naming the ports each range needs is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["f57f849c-883b-4cb7-85e7-f7b199dff163"], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_352"],
        kics: &[],
        trivy: &[],
        how: "Checkov reads inbound `aws_network_acl_rule` only, flags any entry whose `from_port` is 0 or absent \
              (all-protocol entries included) and ignores `to_port` and the action.",
    },
    matcher: &Custom {
        what: "Flags network ACL `allow` entries of protocol TCP or UDP whose port range is missing, `0`-`0` (read \
               as every port) or `0`/`1`-`65535`, in either direction. Inbound entries from the whole internet are \
               `nacl-all-traffic-open-to-world`'s in Terraform.",
        fix: "Give each entry the port range it needs (a service port, or 1024-65535 for return traffic).",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_network_acl", "aws_default_network_acl", "aws_network_acl_rule"],
            check,
            example: r#"resource "aws_network_acl_rule" "in" {
  network_acl_id = aws_network_acl.private.id
  rule_number    = 100
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "172.16.0.0/24"
  from_port      = 0
  to_port        = 65535
}"#,
            fixed_example: r#"resource "aws_network_acl_rule" "in" {
  network_acl_id = aws_network_acl.private.id
  rule_number    = 100
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "172.16.0.0/24"
  from_port      = 22
  to_port        = 22
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::NetworkAclEntry"],
            check: check_cfn,
            example: r#"Resources:
  In:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Private
      RuleNumber: 100
      Protocol: 6
      RuleAction: allow
      CidrBlock: 172.16.0.0/24
"#,
            fixed_example: r#"Resources:
  In:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Private
      RuleNumber: 100
      Protocol: 6
      RuleAction: allow
      CidrBlock: 172.16.0.0/24
      PortRange:
        From: 22
        To: 22
"#,
        }),
    },
};

fn name(p: Option<Protocol>) -> &'static str {
    if p == Some(Protocol::Udp) {
        "UDP"
    } else {
        "TCP"
    }
}

fn check(ctx: &mut TfContext) {
    for entry in nacl_entries(ctx) {
        if entry.allow != Some(true) || !entry.all_ports() || entry.all_traffic_from_world() {
            continue;
        }
        let range = ["from_port", "protocol"]
            .iter()
            .find_map(|a| entry.config.attr(a))
            .map_or(entry.config.header(), |f| f.range);
        let message = format!("`{}` allows every {} port", entry.resource.address(), name(entry.protocol));
        ctx.report(entry.resource, range, message);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for entry in cfn_nacl_entries(ctx) {
        let tcp_udp = matches!(entry.protocol, Some(Protocol::Tcp | Protocol::Udp));
        let all = match (entry.from_port, entry.to_port) {
            (Some(f), Some(t)) => f <= 1.0 && t >= 65535.0,
            _ => true,
        };
        if entry.allow != Some(true) || !tcp_udp || !all {
            continue;
        }
        let range = ctx
            .prop_range(entry.resource, "PortRange")
            .or_else(|| ctx.prop_range(entry.resource, "Protocol"))
            .unwrap_or(ctx.header(entry.resource));
        let message = format!("`{}` allows every {} port", entry.resource.logical_id, name(entry.protocol));
        ctx.report(entry.resource, range, message);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_tcp_and_udp_entries_without_a_range() {
        let tf = r#"resource "aws_network_acl" "a" {
  ingress {
    protocol   = "tcp"
    rule_no    = 100
    action     = "allow"
    cidr_block = "10.0.0.0/8"
    from_port  = 0
    to_port    = 0
  }
  egress {
    protocol   = "udp"
    rule_no    = 100
    action     = "allow"
    cidr_block = "10.0.0.0/8"
    from_port  = 1
    to_port    = 65535
  }
  ingress {
    protocol   = "tcp"
    rule_no    = 200
    action     = "allow"
    cidr_block = "10.0.0.0/8"
    from_port  = 1024
    to_port    = 65535
  }
  ingress {
    protocol   = "tcp"
    rule_no    = 300
    action     = "deny"
    cidr_block = "10.0.0.0/8"
    from_port  = 0
    to_port    = 0
  }
}
resource "aws_network_acl_rule" "r" {
  protocol    = "6"
  rule_action = "allow"
  cidr_block  = "10.0.0.0/8"
}
"#;
        assert_eq!(lines(&RULE, tf), [7, 15, 36]);
    }

    #[test]
    fn cloudformation_entries_without_a_range() {
        let yaml = "Resources:\n  A:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      Protocol: 6\n      RuleAction: allow\n      PortRange:\n        From: 22\n  B:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      Protocol: 6\n      RuleAction: allow\n  C:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      Protocol: 17\n      RuleAction: allow\n      PortRange: {From: 0, To: 65535}\n  D:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      Protocol: 6\n      RuleAction: allow\n      PortRange: {From: 22, To: 22}\n";
        assert_eq!(cfn_lines(&RULE, yaml), [7, 12, 19]);
    }
}
