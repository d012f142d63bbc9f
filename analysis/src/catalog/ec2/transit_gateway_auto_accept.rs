use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "transit-gateway-auto-accept-attachments",
    title: "Transit Gateway accepts shared VPC attachments automatically",
    severity: Severity::Medium,
    row: Row::NetworkSecurity,
    service: "VPC",
    why: "With auto-accept, any account the gateway is shared with (through RAM, possibly a whole organisation) can \
          attach a VPC and be routed into your network without anyone reviewing it.",
    aws_side: "AWS carries the attachments the gateway's owner accepts. Reviewing them is the customer's.",
    equivalents: Equivalents { checkov: &["CKV_AWS_331"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_ec2_transit_gateway"],
            path: "auto_accept_shared_attachments",
            example: r#"resource "aws_ec2_transit_gateway" "hub" {
  description                    = "hub"
  auto_accept_shared_attachments = "enable"
}"#,
            fixed: r#"resource "aws_ec2_transit_gateway" "hub" {
  description                    = "hub"
  auto_accept_shared_attachments = "disable"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::EC2::TransitGateway"],
            path: "AutoAcceptSharedAttachments",
            example: r#"Resources:
  Hub:
    Type: AWS::EC2::TransitGateway
    Properties:
      Description: hub
      AutoAcceptSharedAttachments: enable
"#,
            fixed: r#"Resources:
  Hub:
    Type: AWS::EC2::TransitGateway
    Properties:
      Description: hub
      AutoAcceptSharedAttachments: disable
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::NoneOf { insecure: &["enable"], fix: "disable" },
        absent: None,
        insecure: "any account the gateway is shared with can attach its VPC without review",
        fix_title: "Require attachments to be accepted",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_auto_accept() {
        let tf = r#"resource "aws_ec2_transit_gateway" "on" {
  auto_accept_shared_attachments = "enable"
}
resource "aws_ec2_transit_gateway" "off" {
  auto_accept_shared_attachments = "disable"
}
resource "aws_ec2_transit_gateway" "default" {
  description = "x"
}
"#;
        assert_eq!(lines(&RULE, tf), [2]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let yaml = "Resources:\n  A:\n    Type: AWS::EC2::TransitGateway\n    Properties:\n      AutoAcceptSharedAttachments: enable\n  B:\n    Type: AWS::EC2::TransitGateway\n    Properties: {}\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
