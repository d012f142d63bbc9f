use crate::cloudformation::check::CfnContext;
use crate::kit::ec2::{cfn_nacl_world_allows, nacl_inbound_allows};
use crate::kit::network::narrow_world_field_fix;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "nacl-admin-port-open-to-world",
    title: "Network ACL allows SSH or RDP from the whole internet",
    severity: Severity::High,
    row: Row::NetworkSecurity,
    service: "VPC",
    why: "Network ACLs are the subnet-wide layer behind security groups. An explicit rule admitting SSH or RDP \
          from anywhere removes that second layer for the most attacked administration ports: one permissive \
          security group is then enough to expose every host of the subnet.",
    aws_side: "AWS evaluates network ACL entries in rule-number order at the subnet boundary. Which entries \
               exist, and what they admit, is the customer's configuration.",
    equivalents: Equivalents { checkov: &[], kics: &["a20be318-cac7-457b-911d-04cc6e812c25"], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_232", "CKV_AWS_231"],
        kics: &["3af7f2fd-06e6-4dab-b996-2912bea19ba4"],
        trivy: &["AVD-AWS-0105", "aws-ec2-no-public-ingress-acl"],
        how: "Checkov's CKV_AWS_232 (22) and CKV_AWS_231 (3389) fail a world allow over any protocol, UDP included, \
              and all-protocol entries, and Trivy's AVD-AWS-0105 also fails all-protocol entries; this rule judges \
              TCP entries and leaves all-protocol ones to nacl-all-traffic-open-to-world. KICS's Network ACL With \
              Unrestricted Access To SSH (3af7f2fd) is about port 22 only and ignores rule order, where this rule \
              also flags RDP (3389) and lets a lower-numbered deny close the port.",
    },
    matcher: &Custom {
        what: "Flags inbound `allow` entries of network ACLs (`aws_network_acl`, `aws_default_network_acl`, \
               `aws_network_acl_rule` and the VPC module's ACL inputs) that let TCP port 22 (SSH) or 3389 (RDP) in \
               from `0.0.0.0/0` or `::/0`. A TCP entry written `0`-`0` is read as every port, as the VPC module's \
               examples use it. Entries for all protocols are left to `nacl-all-traffic-open-to-world`. Entries \
               are read in rule-number order: a port a lower-numbered deny refuses from the world is not open. In \
               CloudFormation, the same for `AWS::EC2::NetworkAclEntry`.",
        fix: "Narrow the entry's `cidr_block` to the administration ranges (VPN, bastion), or add a lower-numbered \
              `deny` entry for 22 and 3389; reach instances through Session Manager instead.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_network_acl", "aws_default_network_acl", "aws_network_acl_rule"],
            check,
            example: r#"resource "aws_network_acl_rule" "ssh" {
  network_acl_id = aws_network_acl.main.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  from_port      = 22
  to_port        = 22
  cidr_block     = "0.0.0.0/0"
}"#,
            fixed_example: r#"resource "aws_network_acl_rule" "ssh" {
  network_acl_id = aws_network_acl.main.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "allow"
  from_port      = 22
  to_port        = 22
  cidr_block     = "10.0.0.0/8"
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::NetworkAclEntry"],
            check: check_cfn,
            example: r#"Resources:
  Ssh:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Acl
      RuleNumber: 100
      Protocol: 6
      RuleAction: allow
      PortRange: { From: 22, To: 22 }
      CidrBlock: 0.0.0.0/0
"#,
            fixed_example: r#"Resources:
  Ssh:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Acl
      RuleNumber: 100
      Protocol: 6
      RuleAction: allow
      PortRange: { From: 22, To: 22 }
      CidrBlock: 10.0.0.0/8
"#,
        }),
    },
};

fn check(ctx: &mut TfContext) {
    for entry in nacl_inbound_allows(ctx) {
        let Some((cidr, field)) = &entry.world else { continue };
        let ports: Vec<&str> = [(22.0, "SSH (22)"), (3389.0, "RDP (3389)")]
            .iter()
            .filter(|(p, _)| entry.admits_tcp(*p))
            .map(|(_, name)| *name)
            .collect();
        if ports.is_empty() {
            continue;
        }
        let zero = entry.from_port == Some(0.0) && entry.to_port == Some(0.0);
        let mut message = format!(
            "`{}` has a network ACL entry allowing {} from {cidr}",
            entry.resource.address(),
            ports.join(" and ")
        );
        if zero {
            message.push_str(" (TCP ports 0-0, meant as every port; AWS reads it as port 0: write the range you mean)");
        }
        let fix = narrow_world_field_fix(ctx, entry.resource, *field);
        ctx.report(entry.resource, field.range, message).fixes.extend(fix);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for allow in cfn_nacl_world_allows(ctx) {
        let ports: Vec<&str> = [(22.0, "SSH (22)"), (3389.0, "RDP (3389)")]
            .iter()
            .filter(|(p, _)| allow.admits_tcp(*p))
            .map(|(_, name)| *name)
            .collect();
        let Some((cidr, _, range)) = &allow.entry.world else { continue };
        if ports.is_empty() {
            continue;
        }
        let message = format!(
            "`{}` is a network ACL entry allowing {} from {cidr}",
            allow.entry.resource.logical_id,
            ports.join(" and ")
        );
        let fix = allow.narrow_fix(ctx);
        ctx.report(allow.entry.resource, *range, message).fixes.extend(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_admin_ports_in_every_form() {
        let text = r#"resource "aws_network_acl" "a" {
  ingress = [
    {
      protocol   = "tcp"
      rule_no    = 100
      action     = "allow"
      cidr_block = "0.0.0.0/0"
      from_port  = 22
      to_port    = 22
    }
  ]
  ingress {
    protocol        = 6
    rule_no         = 110
    action          = "allow"
    ipv6_cidr_block = "::/0"
    from_port       = 3000
    to_port         = 4000
  }
}
resource "aws_network_acl_rule" "b" {
  network_acl_id = aws_network_acl.a.id
  rule_number    = 100
  protocol       = "tcp"
  rule_action    = "allow"
  from_port      = 3389
  to_port        = 3389
  cidr_block     = "0.0.0.0/0"
}
module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
  default_network_acl_ingress = [
    {
      "action" : "allow",
      "cidr_block" : "0.0.0.0/0",
      "from_port" : 0,
      "protocol" : "tcp",
      "rule_no" : 22,
      "to_port" : 0
    }
  ]
}
"#;
        assert_eq!(lines(&RULE, text), vec![16, 7, 28, 35]);
        assert_eq!(check_fixes(&RULE, text), 4);
    }

    #[test]
    fn ignores_denies_egress_private_all_protocols_and_unknowns() {
        let text = r#"resource "aws_network_acl" "a" {
  egress {
    protocol   = "tcp"
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 22
    to_port    = 22
  }
  ingress {
    protocol   = "tcp"
    rule_no    = 100
    action     = "deny"
    cidr_block = "0.0.0.0/0"
    from_port  = 22
    to_port    = 22
  }
  ingress {
    protocol   = "tcp"
    rule_no    = 110
    action     = "allow"
    cidr_block = "10.3.0.0/18"
    from_port  = 22
    to_port    = 22
  }
  ingress {
    protocol   = "tcp"
    rule_no    = 120
    action     = var.action
    cidr_block = "0.0.0.0/0"
    from_port  = 22
    to_port    = 22
  }
}
resource "aws_network_acl_rule" "egress" {
  egress      = true
  protocol    = "tcp"
  rule_action = "allow"
  from_port   = 22
  to_port     = 22
  cidr_block  = "0.0.0.0/0"
}
module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
  default_network_acl_ingress = [
    { "action" : "allow", "cidr_block" : "0.0.0.0/0", "from_port" : 0, "protocol" : "-1", "rule_no" : 100, "to_port" : 0 }
  ]
}
"#;
        assert!(lines(&RULE, text).is_empty());
    }

    #[test]
    fn a_lower_deny_closes_the_port() {
        let text = r#"resource "aws_network_acl" "a" {
  ingress {
    protocol   = "tcp"
    rule_no    = 90
    action     = "deny"
    cidr_block = "0.0.0.0/0"
    from_port  = 22
    to_port    = 22
  }
  ingress {
    protocol   = "tcp"
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 65535
  }
}
"#;
        let findings = crate::kit::testing::run(&RULE, text);
        assert_eq!(findings.len(), 1);
        assert!(findings[0].message.contains("RDP (3389)") && !findings[0].message.contains("SSH"));
    }

    #[test]
    fn cloudformation_entries() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:
  Ssh:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Acl
      RuleNumber: 100
      Protocol: 6
      RuleAction: allow
      PortRange: { From: 20, To: 25 }
      CidrBlock: 0.0.0.0/0
  Rdp:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Acl
      RuleNumber: 110
      Protocol: 6
      RuleAction: allow
      PortRange: { From: 3389, To: 3389 }
      Ipv6CidrBlock: ::/0
  Web:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Acl
      RuleNumber: 120
      Protocol: 6
      RuleAction: allow
      PortRange: { From: 443, To: 443 }
      CidrBlock: 0.0.0.0/0
  Udp:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Acl
      RuleNumber: 130
      Protocol: 17
      RuleAction: allow
      PortRange: { From: 22, To: 22 }
      CidrBlock: 0.0.0.0/0
";
        assert_eq!(cfn_lines(&RULE, yaml), [10, 19]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
