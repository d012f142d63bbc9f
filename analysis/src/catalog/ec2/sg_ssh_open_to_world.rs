use crate::cloudformation::check::CfnContext;
use crate::kit::network::{report_world_port, report_world_port_cfn, PortProtocols};
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "sg-ssh-open-to-world",
    title: "Security group allows SSH from the whole internet",
    severity: Severity::High,
    row: Row::NetworkSecurity,
    service: "EC2",
    why: "SSH open to the internet is scanned and brute-forced within minutes of an instance starting. One weak \
          key or an unpatched sshd then gives an attacker a shell inside your VPC.",
    aws_side: "AWS protects its network fabric against DoS, spoofing and port scanning; the security groups you \
               write decide what reaches your instances. Opening a port is the customer's choice and duty.",
    equivalents: Equivalents { checkov: &["CKV_AWS_24"], kics: &["6e856af2-62d7-4ba2-adc1-73b62cef9cc1"], trivy: &[] },
    related: Related {
        checkov: &[],
        kics: &["65905cec-d691-4320-b320-2000436cb696"],
        trivy: &["AVD-AWS-0107", "aws-ec2-no-public-ingress-sgr"],
        how: "Trivy's AVD-AWS-0107 flags world ingress to RDP (3389) and every all-protocol rule as well as SSH; \
              this rule is about port 22 only. KICS's Terraform Security Group With Unrestricted Access To SSH \
              (65905cec) needs protocol `tcp` and `0.0.0.0/0` and reads only inline rules; this rule also flags \
              `::/0`.",
    },
    matcher: &Custom {
        what: "Flags ingress rules that open TCP port 22 to `0.0.0.0/0` or `::/0`, inline in `aws_security_group` or \
               as `aws_security_group_rule` / `aws_vpc_security_group_ingress_rule` resources.",
        fix: "Allow SSH only from known ranges (a bastion, a VPN, the VPC's CIDR), or drop SSH and use AWS Systems \
              Manager Session Manager.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &[
                "aws_security_group",
                "aws_default_security_group",
                "aws_security_group_rule",
                "aws_vpc_security_group_ingress_rule",
            ],
            check,
            example: r#"resource "aws_security_group" "web" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}"#,
            fixed_example: r#"resource "aws_security_group" "web" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"],
            check: check_cfn,
            example: r#"Resources:
  Web:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: 0.0.0.0/0
"#,
            fixed_example: r#"Resources:
  Web:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: 10.0.0.0/8
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    report_world_port_cfn(ctx, "SSH", 22.0, PortProtocols::Tcp);
}

fn check(ctx: &mut TfContext) {
    report_world_port(ctx, "SSH", 22.0, PortProtocols::Tcp);
}

#[cfg(test)]
mod tests {
    use super::RULE;

    #[test]
    fn cloudformation_inline_and_rule_resources() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Parameters:\n  Cidr: {Type: String}\nResources:\n  A:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupIngress:\n        - {IpProtocol: tcp, FromPort: '22', ToPort: '22', CidrIp: 10.0.0.1/0}\n        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !Ref Cidr}\n        - {IpProtocol: udp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}\n  B:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: !Ref A\n      IpProtocol: '-1'\n      CidrIpv6: ::/0\n  C:\n    Type: AWS::EC2::SecurityGroupEgress\n    Properties: {IpProtocol: '-1', CidrIp: 0.0.0.0/0}\n";
        assert_eq!(cfn_lines(&RULE, yaml), [8, 16]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
        let json = r#"{"Resources": {"A": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"SecurityGroupIngress": [
  {"IpProtocol": "tcp", "FromPort": 20, "ToPort": 30, "CidrIp": "0.0.0.0/0"}]}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [2]);
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
