use crate::cloudformation::check::CfnContext;
use crate::kit::ec2::{cfn_nacl_entries, nacl_entries};
use crate::kit::network::Protocol;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "nacl-entry-all-protocols",
    title: "Network ACL entry allows every protocol",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "VPC",
    why: "An all-protocol allow entry turns the subnet-level firewall off for its range and direction; network \
          ACLs are the only stateless, subnet-wide control, and only help if their entries name what is needed.",
    aws_side: "AWS's default network ACL allows everything. Replacing it with specific entries is the customer's.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["03879981-efa2-47a0-a818-c843e1441b88"],
        trivy: &["AVD-AWS-0102", "aws-ec2-no-excessive-port-access"],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags network ACL `allow` entries, inbound or outbound and from any range, whose protocol is `-1` / \
               `all` (inline `ingress`/`egress` of `aws_network_acl` and `aws_default_network_acl`, \
               `aws_network_acl_rule`, the VPC module's ACL inputs, `AWS::EC2::NetworkAclEntry`). Inbound \
               entries from the whole internet are `nacl-all-traffic-open-to-world`'s in Terraform.",
        fix: "Allow the protocols and ports the subnet needs (TCP 443, the ephemeral return ports, ...), one entry \
              each, and let the ACL's final deny drop the rest.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_network_acl", "aws_default_network_acl", "aws_network_acl_rule"],
            check,
            example: r#"resource "aws_network_acl_rule" "out" {
  network_acl_id = aws_network_acl.private.id
  rule_number    = 100
  egress         = true
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/8"
}"#,
            fixed_example: r#"resource "aws_network_acl_rule" "out" {
  network_acl_id = aws_network_acl.private.id
  rule_number    = 100
  egress         = true
  protocol       = "tcp"
  rule_action    = "allow"
  cidr_block     = "10.0.0.0/8"
  from_port      = 443
  to_port        = 443
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::NetworkAclEntry"],
            check: check_cfn,
            example: r#"Resources:
  Out:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Private
      RuleNumber: 100
      Egress: true
      Protocol: -1
      RuleAction: allow
      CidrBlock: 0.0.0.0/0
"#,
            fixed_example: r#"Resources:
  Out:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Private
      RuleNumber: 100
      Egress: true
      Protocol: 6
      PortRange:
        From: 443
        To: 443
      RuleAction: allow
      CidrBlock: 0.0.0.0/0
"#,
        }),
    },
};

fn direction(egress: Option<bool>) -> &'static str {
    if egress == Some(true) {
        "outbound"
    } else {
        "inbound"
    }
}

fn check(ctx: &mut TfContext) {
    for entry in nacl_entries(ctx) {
        if entry.allow != Some(true) || entry.protocol != Some(Protocol::All) || entry.all_traffic_from_world() {
            continue;
        }
        let range = entry.config.attr("protocol").map_or(entry.config.header(), |f| f.range);
        let message = format!("`{}` allows every protocol {}", entry.resource.address(), direction(entry.egress));
        ctx.report(entry.resource, range, message);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for entry in cfn_nacl_entries(ctx) {
        if entry.allow != Some(true) || entry.protocol != Some(Protocol::All) {
            continue;
        }
        let range = ctx.prop_range(entry.resource, "Protocol").unwrap_or(ctx.header(entry.resource));
        let message = format!("`{}` allows every protocol {}", entry.resource.logical_id, direction(entry.egress));
        ctx.report(entry.resource, range, message);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_all_protocol_allow_entries() {
        let tf = r#"resource "aws_network_acl" "a" {
  egress {
    protocol   = "-1"
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }
  ingress {
    protocol   = "-1"
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }
  ingress {
    protocol   = "-1"
    rule_no    = 200
    action     = "deny"
    cidr_block = "10.0.0.0/8"
  }
}
resource "aws_network_acl_rule" "r" {
  protocol    = "all"
  rule_action = "allow"
  cidr_block  = "10.0.0.0/8"
}
module "vpc" {
  source                   = "terraform-aws-modules/vpc/aws"
  public_outbound_acl_rules = [{ rule_number = 100, rule_action = "allow", protocol = "-1", cidr_block = "10.0.0.0/8" }]
}
"#;
        // The world inbound entry is nacl-all-traffic-open-to-world's.
        assert_eq!(lines(&RULE, tf), [3, 26, 32]);
    }

    #[test]
    fn cloudformation_all_protocol_entries() {
        let yaml = "Resources:\n  Out:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      RuleNumber: 100\n      Protocol: -1\n      Egress: true\n      RuleAction: allow\n      CidrBlock: 0.0.0.0/0\n  Ssh:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      Protocol: 6\n      RuleAction: allow\n  Deny:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      Protocol: '-1'\n      RuleAction: deny\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6]);
    }
}
