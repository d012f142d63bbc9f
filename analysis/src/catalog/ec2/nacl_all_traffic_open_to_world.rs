use crate::cloudformation::check::CfnContext;
use crate::kit::ec2::{cfn_nacl_world_allows, nacl_inbound_allows};
use crate::kit::network::narrow_world_field_fix;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "nacl-all-traffic-open-to-world",
    title: "Network ACL allows all traffic from the whole internet",
    severity: Severity::High,
    row: Row::NetworkSecurity,
    service: "VPC",
    why: "An allow-everything entry from the internet turns the subnet's network ACL into a no-op: security \
          groups become the only control, and a single permissive group then exposes every port of every host \
          in the subnet, admin and database ports included.",
    aws_side: "AWS evaluates network ACL entries in rule-number order at the subnet boundary. The entries, and \
               whether the ACL adds a real second layer of defence, are the customer's configuration.",
    equivalents: Equivalents { checkov: &[], kics: &[], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_352"],
        kics: &[],
        trivy: &["AVD-AWS-0102", "aws-ec2-no-excessive-port-access"],
        how: "Checkov's CKV_AWS_352 fails any ingress `aws_network_acl_rule` whose `from_port` is 0 or absent, \
              whatever its CIDR and action (a deny from 10.0.0.0/8 fails), and Trivy's AVD-AWS-0102 any all-protocol \
              allow, ingress or egress, from any CIDR; this rule flags inbound allows of all traffic from the world.",
    },
    matcher: &Custom {
        what: "Flags explicit inbound `allow` entries of network ACLs (`aws_network_acl`, `aws_default_network_acl`, \
               `aws_network_acl_rule`, the VPC module's ACL inputs) that admit every protocol (`-1`/`all`) or every \
               TCP/UDP port from `0.0.0.0/0` or `::/0`, unless a lower-numbered entry denies part of that traffic \
               from the world first (entries are read in rule-number order). In CloudFormation, the same for \
               `AWS::EC2::NetworkAclEntry`.",
        fix: "Replace the entry with the ports the subnet serves (for a public subnet, typically 443 and the \
              ephemeral range 1024-65535 for return traffic), or narrow its `cidr_block`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_network_acl", "aws_default_network_acl", "aws_network_acl_rule"],
            check,
            example: r#"resource "aws_network_acl" "public" {
  vpc_id = aws_vpc.main.id

  ingress {
    protocol   = "-1"
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }
}"#,
            fixed_example: r#"resource "aws_network_acl" "public" {
  vpc_id = aws_vpc.main.id

  ingress {
    protocol   = "tcp"
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 443
    to_port    = 443
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::NetworkAclEntry"],
            check: check_cfn,
            example: r#"Resources:
  AllIn:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Acl
      RuleNumber: 100
      Protocol: -1
      RuleAction: allow
      CidrBlock: 0.0.0.0/0
"#,
            fixed_example: r#"Resources:
  AllIn:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Acl
      RuleNumber: 100
      Protocol: -1
      RuleAction: allow
      CidrBlock: 10.0.0.0/8
"#,
        }),
    },
};

fn check(ctx: &mut TfContext) {
    for entry in nacl_inbound_allows(ctx) {
        let Some((cidr, field)) = &entry.world else { continue };
        if !entry.admits_all_traffic() {
            continue;
        }
        let message =
            format!("`{}` has a network ACL entry allowing all traffic from {cidr}", entry.resource.address());
        let fix = narrow_world_field_fix(ctx, entry.resource, *field);
        ctx.report(entry.resource, field.range, message).fixes.extend(fix);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for allow in cfn_nacl_world_allows(ctx) {
        let Some((cidr, _, range)) = &allow.entry.world else { continue };
        if !allow.admits_all_traffic() {
            continue;
        }
        let message =
            format!("`{}` is a network ACL entry allowing all traffic from {cidr}", allow.entry.resource.logical_id);
        let fix = allow.narrow_fix(ctx);
        ctx.report(allow.entry.resource, *range, message).fixes.extend(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_all_protocol_and_full_port_ranges() {
        let text = r#"resource "aws_network_acl_rule" "a" {
  network_acl_id = aws_network_acl.a.id
  protocol       = -1
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}
resource "aws_default_network_acl" "d" {
  ingress {
    protocol        = "tcp"
    rule_no         = 100
    action          = "allow"
    ipv6_cidr_block = "::/0"
    from_port       = 0
    to_port         = 65535
  }
}
module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
  public_inbound_acl_rules = [
    { rule_number = 100, rule_action = "allow", protocol = "-1", from_port = 0, to_port = 0, cidr_block = "0.0.0.0/0" },
  ]
}
"#;
        assert_eq!(lines(&RULE, text), vec![12, 5, 20]);
        assert_eq!(check_fixes(&RULE, text), 3);
    }

    #[test]
    fn ignores_narrow_entries_and_module_defaults() {
        let text = r#"resource "aws_network_acl" "a" {
  ingress {
    protocol   = "tcp"
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 443
    to_port    = 443
  }
  ingress {
    protocol   = "-1"
    rule_no    = 110
    action     = "allow"
    cidr_block = "10.0.0.0/8"
    from_port  = 0
    to_port    = 0
  }
  egress {
    protocol   = "-1"
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }
}
module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
}
"#;
        assert!(lines(&RULE, text).is_empty());
    }

    #[test]
    fn a_lower_deny_shadows_the_allow() {
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
    protocol   = "-1"
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }
}
resource "aws_network_acl" "b" {
  ingress {
    protocol   = "-1"
    rule_no    = 100
    action     = "allow"
    cidr_block = "0.0.0.0/0"
    from_port  = 0
    to_port    = 0
  }
  ingress {
    protocol   = "tcp"
    rule_no    = 200
    action     = "deny"
    cidr_block = "0.0.0.0/0"
    from_port  = 22
    to_port    = 22
  }
}
"#;
        assert_eq!(lines(&RULE, text), [24]);
    }

    #[test]
    fn cloudformation_entries() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Parameters:
  Range:
    Type: String
Resources:
  Open:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Acl
      RuleNumber: 100
      Protocol: -1
      RuleAction: allow
      CidrBlock: 0.0.0.0/0
  Shadowed:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Other
      RuleNumber: 200
      Protocol: -1
      RuleAction: allow
      CidrBlock: 0.0.0.0/0
  DenyFirst:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Other
      RuleNumber: 100
      Protocol: -1
      RuleAction: deny
      CidrBlock: 0.0.0.0/0
  Egress:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Acl
      RuleNumber: 100
      Egress: true
      Protocol: -1
      RuleAction: allow
      CidrBlock: 0.0.0.0/0
  Private:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Acl
      RuleNumber: 110
      Protocol: -1
      RuleAction: allow
      CidrBlock: 10.0.0.0/8
  Unknown:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Acl
      RuleNumber: 120
      Protocol: -1
      RuleAction: allow
      CidrBlock: !Ref Range
";
        assert_eq!(cfn_lines(&RULE, yaml), [12]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
