use crate::cloudformation::check::CfnContext;
use crate::kit::refs::{cfn_names, reference};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "vpc-without-network-firewall",
    title: "VPC has no AWS Network Firewall",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "VPC",
    why: "Security groups and network ACLs filter by address and port only; a network firewall adds stateful \
          inspection, domain allow-lists for egress and intrusion prevention, which is how exfiltration to \
          arbitrary hosts and known-bad traffic are stopped at the VPC's edge.",
    aws_side: "AWS runs the managed firewall. Deploying it and writing its policy is the customer's.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["fd632aaf-b8a1-424d-a4d1-0de22fd3247a", "3e293410-d5b8-411f-85fd-7d26294f20c9"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags VPCs (`aws_vpc`, `AWS::EC2::VPC`) that no Network Firewall of the configuration \
               (`aws_networkfirewall_firewall`, `AWS::NetworkFirewall::Firewall`) protects through its `vpc_id`. \
               Organisations that inspect traffic centrally (an inspection VPC behind a transit gateway) suppress \
               it.",
        fix: "Deploy an AWS Network Firewall in the VPC (or route its traffic through a central inspection VPC) with \
              a policy that allow-lists egress destinations.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_vpc"],
            check,
            example: r#"resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}"#,
            fixed_example: r#"resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_networkfirewall_firewall" "main" {
  name                = "main"
  firewall_policy_arn = aws_networkfirewall_firewall_policy.main.arn
  vpc_id              = aws_vpc.main.id
  subnet_mapping {
    subnet_id = aws_subnet.firewall.id
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::VPC"],
            check: check_cfn,
            example: r#"Resources:
  Main:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
"#,
            fixed_example: r#"Resources:
  Main:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  Firewall:
    Type: AWS::NetworkFirewall::Firewall
    Properties:
      FirewallName: main
      FirewallPolicyArn: !Ref Policy
      VpcId: !Ref Main
      SubnetMappings:
        - SubnetId: !Ref FirewallSubnet
"#,
        }),
    },
};

fn check(ctx: &mut TfContext) {
    for vpc in ctx.resources("aws_vpc").collect::<Vec<_>>() {
        let protected = ctx
            .all_resources("aws_networkfirewall_firewall")
            .any(|f| f.block.attr("vpc_id").and_then(|a| reference(&a.expr)).is_some_and(|r| r.is(vpc)));
        if !protected {
            let message = format!("`{}` has no Network Firewall inspecting its traffic", vpc.address());
            ctx.report(vpc, vpc.block.header, message);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for vpc in ctx.resources("AWS::EC2::VPC").collect::<Vec<_>>() {
        let protected = ctx
            .resources("AWS::NetworkFirewall::Firewall")
            .any(|f| f.properties.and_then(|p| p.get("VpcId")).is_some_and(|n| cfn_names(ctx, n, vpc)));
        if !protected {
            let message = format!("`{}` has no Network Firewall inspecting its traffic", vpc.logical_id);
            let range = ctx.header(vpc);
            ctx.report(vpc, range, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_example, cfn_lines, lines, tf_example};

    #[test]
    fn flags_vpcs_without_a_firewall() {
        let (bad, good) = tf_example(&RULE);
        assert_eq!(lines(&RULE, &bad), [1]);
        assert!(lines(&RULE, &good).is_empty());
        let other = good.replace("vpc_id              = aws_vpc.main.id", "vpc_id              = aws_vpc.other.id");
        assert_eq!(lines(&RULE, &other), [1]);
    }

    #[test]
    fn cloudformation_vpcs_without_a_firewall() {
        let (bad, good) = cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &bad), [2]);
        assert!(cfn_lines(&RULE, &good).is_empty());
    }
}
