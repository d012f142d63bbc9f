use crate::cloudformation::check::CfnContext;
use crate::kit::network::{cfn_narrow_world_fix, cfn_sg_rules, egress_destinations, narrow_world_fix};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "sg-egress-open-to-world",
    title: "Security group allows outbound traffic to the whole internet",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "EC2",
    why: "Unrestricted egress is what lets malware call home, a compromised host download its tooling, and stolen \
          data leave the network in one request; restricting destinations (VPC endpoints, proxies, known ranges) \
          turns exfiltration and command-and-control into visible, blocked connections.",
    aws_side: "AWS enforces the rules; the allow-all egress rule new groups get is AWS's convenience. Tightening \
               it is the customer's.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["1cc2fbd7-816c-4fbf-ad6d-38a4afa4312a"],
        trivy: &["AVD-AWS-0104", "aws-ec2-no-public-egress-sgr"],
    },
    related: Related {
        checkov: &["CKV_AWS_382"],
        kics: &[],
        trivy: &[],
        how: "Checkov flags only egress to the world on every protocol and port; onus flags any egress rule to the \
              world.",
    },
    matcher: &Custom {
        what: "Flags explicit security group egress rules (inline `egress` blocks, `aws_security_group_rule` of type \
               egress, `aws_vpc_security_group_egress_rule`, security-group module inputs, CloudFormation \
               `SecurityGroupEgress`) whose destination is `0.0.0.0/0` or `::/0`. The implicit allow-all egress of a \
               template group without `SecurityGroupEgress` is not flagged.",
        fix: "Allow only the destinations the workload needs: VPC endpoints (prefix lists), a proxy or NAT with \
              filtering, known partner ranges, other security groups.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &[
                "aws_security_group",
                "aws_default_security_group",
                "aws_security_group_rule",
                "aws_vpc_security_group_egress_rule",
            ],
            check,
            example: r#"resource "aws_security_group" "app" {
  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}"#,
            fixed_example: r#"resource "aws_security_group" "app" {
  egress {
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    prefix_list_ids = [aws_vpc_endpoint.s3.prefix_list_id]
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupEgress"],
            check: check_cfn,
            example: r#"Resources:
  App:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: app
      SecurityGroupEgress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 0.0.0.0/0
"#,
            fixed_example: r#"Resources:
  App:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: app
      SecurityGroupEgress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          DestinationPrefixListId: pl-63a5400a
"#,
        }),
    },
};

fn check(ctx: &mut TfContext) {
    for egress in egress_destinations(ctx) {
        let Some((cidr, range)) = egress.world_source() else { continue };
        let message = format!("`{}` allows outbound traffic to {cidr}", egress.resource.address());
        let fix = narrow_world_fix(ctx, &egress);
        ctx.report(egress.resource, range, message).fixes.extend(fix);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for rule in cfn_sg_rules(ctx, true) {
        let Some((cidr, _, range)) = rule.world() else { continue };
        let message = format!("`{}` allows outbound traffic to {cidr}", rule.resource.logical_id);
        let fix = cfn_narrow_world_fix(ctx, &rule);
        ctx.report(rule.resource, range, message).fixes.extend(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_egress_to_the_world() {
        let tf = r#"resource "aws_security_group" "a" {
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "aws_security_group_rule" "e" {
  type             = "egress"
  protocol         = "tcp"
  from_port        = 443
  to_port          = 443
  ipv6_cidr_blocks = ["::/0"]
}
resource "aws_vpc_security_group_egress_rule" "narrow" {
  ip_protocol = "tcp"
  cidr_ipv4   = "10.0.0.0/8"
}
module "sg" {
  source             = "terraform-aws-modules/security-group/aws"
  egress_rules       = ["all-all"]
  egress_cidr_blocks = ["0.0.0.0/0"]
}
module "unknown" {
  source             = "terraform-aws-modules/security-group/aws"
  egress_rules       = ["all-all"]
  egress_cidr_blocks = var.cidrs
}
"#;
        assert_eq!(lines(&RULE, tf), [6, 20, 28]);
        assert_eq!(crate::kit::testing::check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_egress_to_the_world() {
        let yaml = "Resources:\n  A:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupIngress:\n        - {IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIp: 0.0.0.0/0}\n      SecurityGroupEgress:\n        - {IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIp: 0.0.0.0/0}\n  B:\n    Type: AWS::EC2::SecurityGroupEgress\n    Properties: {IpProtocol: tcp, FromPort: 0, ToPort: 65535, CidrIpv6: ::/0}\n  C:\n    Type: AWS::EC2::SecurityGroupEgress\n    Properties: {IpProtocol: tcp, CidrIpv6: '2001:db8::/48'}\n  D:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: implicit egress\n";
        assert_eq!(cfn_lines(&RULE, yaml), [8, 11]);
        assert_eq!(crate::kit::testing::check_cfn_fixes(&RULE, yaml), 2);
    }
}
