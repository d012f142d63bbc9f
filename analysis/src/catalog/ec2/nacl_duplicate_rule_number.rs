use crate::cloudformation::check::CfnContext;
use crate::fix::{Edit, Fix};
use crate::kit::ec2::{cfn_nacl_entries, nacl_entries, nacl_entries_of};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::format_number;

pub static RULE: Rule = Rule {
    id: "nacl-duplicate-rule-number",
    title: "Two network ACL entries share a rule number in the same direction",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "VPC",
    why: "AWS keeps one entry per rule number and direction; a duplicate is rejected at deploy time or, through \
          drift, silently replaces the other entry, so the ACL that runs is not the one that was reviewed.",
    aws_side: "AWS evaluates entries by rule number. Keeping the numbers unique is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["045ddb54-cfc5-4abb-9e05-e427b2bc96fe"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags network ACL entries that share their ACL, direction and rule number with another entry \
               (inline entries and `aws_network_acl_rule` in Terraform, `AWS::EC2::NetworkAclEntry` in \
               CloudFormation, where rule numbers are compared as numbers). Every entry of the clash is flagged.",
        fix: "Give each entry of a direction its own rule number (leave gaps of 10 or 100 for later entries).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_network_acl", "aws_default_network_acl", "aws_network_acl_rule"],
            check,
            example: r#"resource "aws_network_acl" "private" {
  vpc_id = aws_vpc.main.id
  ingress {
    protocol   = "tcp"
    rule_no    = 100
    action     = "allow"
    cidr_block = "10.0.0.0/16"
    from_port  = 443
    to_port    = 443
  }
  ingress {
    protocol   = "tcp"
    rule_no    = 100
    action     = "allow"
    cidr_block = "10.0.0.0/16"
    from_port  = 22
    to_port    = 22
  }
}"#,
            fixed_example: r#"resource "aws_network_acl" "private" {
  vpc_id = aws_vpc.main.id
  ingress {
    protocol   = "tcp"
    rule_no    = 100
    action     = "allow"
    cidr_block = "10.0.0.0/16"
    from_port  = 443
    to_port    = 443
  }
  ingress {
    protocol   = "tcp"
    rule_no    = 110
    action     = "allow"
    cidr_block = "10.0.0.0/16"
    from_port  = 22
    to_port    = 22
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::NetworkAclEntry"],
            check: check_cfn,
            example: r#"Resources:
  Https:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Private
      RuleNumber: 100
      Protocol: 6
      RuleAction: allow
      CidrBlock: 10.0.0.0/16
      PortRange: {From: 443, To: 443}
  Ssh:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Private
      RuleNumber: 100
      Protocol: 6
      RuleAction: allow
      CidrBlock: 10.0.0.0/16
      PortRange: {From: 22, To: 22}
"#,
            fixed_example: r#"Resources:
  Https:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Private
      RuleNumber: 100
      Protocol: 6
      RuleAction: allow
      CidrBlock: 10.0.0.0/16
      PortRange: {From: 443, To: 443}
  Ssh:
    Type: AWS::EC2::NetworkAclEntry
    Properties:
      NetworkAclId: !Ref Private
      RuleNumber: 110
      Protocol: 6
      RuleAction: allow
      CidrBlock: 10.0.0.0/16
      PortRange: {From: 22, To: 22}
"#,
        }),
    },
};

type Key = (String, bool, u64);

/// The first rule number after `n` that no entry of the ACL and direction uses.
fn free_number(acl: &str, egress: bool, n: u64, used: impl Fn(&Key) -> bool) -> Option<u64> {
    (n + 1..=32766).find(|m| !used(&(acl.to_string(), egress, *m)))
}

fn direction(egress: bool) -> &'static str {
    if egress {
        "outbound"
    } else {
        "inbound"
    }
}

fn check(ctx: &mut TfContext) {
    // All entries are compared (a clash may span blocks); each block reports its own.
    let mut others = Vec::new();
    for kind in ["aws_network_acl", "aws_default_network_acl", "aws_network_acl_rule"] {
        others.extend(ctx.all_resources(kind));
    }
    others.extend(ctx.all_blocks("module"));
    let entries: Vec<Option<Key>> = others
        .into_iter()
        .flat_map(|res| nacl_entries_of(ctx, res))
        .map(|e| Some((e.acl?, e.egress?, e.rule_number? as u64)))
        .collect();
    let count = |key: &Key| entries.iter().filter(|k| k.as_ref() == Some(key)).count();
    for entry in nacl_entries(ctx) {
        let (Some(acl), Some(egress), Some(n)) = (entry.acl.clone(), entry.egress, entry.rule_number) else {
            continue;
        };
        if count(&(acl, egress, n as u64)) < 2 {
            continue;
        }
        let field = ["rule_no", "rule_number"].iter().find_map(|a| entry.config.attr(a));
        let range = field.map_or(entry.config.header(), |f| f.range);
        let free = free_number(&entry.acl.clone().unwrap_or_default(), egress, n as u64, |k| count(k) > 0);
        let message = format!(
            "`{}` has another {} entry numbered {} in the same network ACL",
            entry.resource.address(),
            direction(egress),
            format_number(n)
        );
        let fix = field.zip(free).map(|(f, m)| {
            Fix::unsafe_(
                format!("Number it {m} (check the order of evaluation)"),
                vec![Edit { range: f.expr.range, text: m.to_string() }],
            )
        });
        ctx.report(entry.resource, range, message).fixes.extend(fix);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    let entries = cfn_nacl_entries(ctx);
    let key = |e: &crate::kit::ec2::CfnNaclEntry| Some((e.acl.clone()?, e.egress?, e.rule_number? as u64));
    let keys: Vec<Option<Key>> = entries.iter().map(key).collect();
    for (entry, k) in entries.iter().zip(&keys) {
        let Some(k) = k else { continue };
        if keys.iter().filter(|o| o.as_ref() == Some(k)).count() < 2 {
            continue;
        }
        let range = ctx.prop_range(entry.resource, "RuleNumber").unwrap_or(ctx.header(entry.resource));
        let message = format!(
            "`{}` has another {} entry numbered {} in the same network ACL",
            entry.resource.logical_id,
            direction(k.1),
            k.2
        );
        let free = free_number(&k.0, k.1, k.2, |o| keys.iter().any(|x| x.as_ref() == Some(o)));
        let node = ctx.prop(entry.resource, "RuleNumber").map(|(n, _)| n);
        let fix = node.zip(free).map(|(node, m)| {
            let edit = crate::cloudformation::edit::replace_value(ctx.template, node, &serde_json::json!(m));
            Fix::unsafe_(format!("Number it {m} (check the order of evaluation)"), vec![edit])
        });
        ctx.report(entry.resource, range, message).fixes.extend(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_every_entry_of_a_clash() {
        let tf = r#"resource "aws_network_acl" "a" {
  ingress {
    rule_no = 100
  }
  egress {
    rule_no = 100
  }
}
resource "aws_network_acl_rule" "dup" {
  network_acl_id = aws_network_acl.a.id
  rule_number    = 100
}
resource "aws_network_acl_rule" "other" {
  network_acl_id = aws_network_acl.a.id
  rule_number    = 200
  egress         = true
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 11]);
        assert_eq!(crate::kit::testing::check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_clashes() {
        let yaml = "Resources:\n  A:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: !Ref Acl\n      RuleNumber: 100\n      Egress: true\n  B:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: !Ref Acl\n      RuleNumber: 100\n      Egress: true\n  C:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: !Ref Acl\n      RuleNumber: '100'\n  D:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: !Ref Acl2\n      RuleNumber: '112'\n      Ingress: true\n  E:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: !Ref Acl2\n      RuleNumber: 112\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6, 12, 23, 29]);
        assert_eq!(crate::kit::testing::check_cfn_fixes(&RULE, yaml), 4);
    }
}
