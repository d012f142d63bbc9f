use crate::responsibility::Row;
use crate::rules::network::{ingress_rules, narrow_world_fix};
use crate::rules::{Equivalents, Rule, Severity};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "sg-ssh-open-to-world",
    title: "Security group allows SSH from the whole internet",
    severity: Severity::High,
    row: Row::NetworkSecurity,
    service: "EC2",
    what: "Flags ingress rules that open TCP port 22 to `0.0.0.0/0` or `::/0`, inline in `aws_security_group` or \
           as `aws_security_group_rule` / `aws_vpc_security_group_ingress_rule` resources.",
    why: "SSH open to the internet is scanned and brute-forced within minutes of an instance starting. One weak \
          key or an unpatched sshd then gives an attacker a shell inside your VPC.",
    aws_side: "AWS protects its network fabric against DoS, spoofing and port scanning; the security groups you \
               write decide what reaches your instances. Opening a port is the customer's choice and duty.",
    fix: "Allow SSH only from known ranges (a bastion, a VPN, the VPC's CIDR), or drop SSH and use AWS Systems \
          Manager Session Manager.",
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
    equivalents: Equivalents {
        checkov: &["CKV_AWS_24"],
        kics: &["65905cec-d691-4320-b320-2000436cb696"],
        trivy: &["AVD-AWS-0107", "aws-ec2-no-public-ingress-sgr"],
    },
    resource_types: &[
        "aws_security_group",
        "aws_default_security_group",
        "aws_security_group_rule",
        "aws_vpc_security_group_ingress_rule",
    ],
    terraform: Some(check),
    cloudformation: None,
    has_fix: true,
};

fn check(ctx: &mut TfContext) {
    for ingress in ingress_rules(ctx) {
        if !ingress.opens_tcp_port(22.0) {
            continue;
        }
        let Some((cidr, range)) = ingress.world_source() else { continue };
        let message = format!("`{}` allows SSH (port 22) from {cidr}", ingress.resource.address());
        let fix = narrow_world_fix(ctx, &ingress);
        ctx.report(ingress.resource, range, message).fixes.extend(fix);
    }
}
