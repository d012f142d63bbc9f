use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rules::ec2::support::delete_lines;
use crate::rules::network::{field_strings, is_world_cidr};
use crate::rules::{Equivalents, Rule, Severity};
use crate::terraform::check::TfContext;
use crate::terraform::view::Config;

pub static RULE: Rule = Rule {
    id: "default-sg-open-to-world",
    title: "Default security group allows traffic to or from the whole internet",
    severity: Severity::High,
    row: Row::NetworkSecurity,
    service: "VPC",
    what: "Flags `aws_default_security_group` resources with an `ingress` or `egress` rule whose range is \
           `0.0.0.0/0` or `::/0`.",
    why: "Every instance, interface or database launched without an explicit security group lands in the VPC's \
          default group. Internet-wide rules there silently expose, or let exfiltrate, whatever someone forgets \
          to place in a dedicated group.",
    aws_side: "AWS creates each VPC's default security group (members may talk to each other, all outbound is \
               allowed) and cannot delete it. What rules it holds afterwards is the customer's decision; CIS \
               recommends that it allows nothing.",
    fix: "Remove the internet-wide rules (ideally all rules: an `aws_default_security_group` without `ingress` \
          and `egress` strips the group empty) and give workloads dedicated security groups.",
    example: r#"resource "aws_default_security_group" "default" {
  vpc_id = aws_vpc.main.id

  ingress {
    protocol    = -1
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}"#,
    fixed_example: r#"resource "aws_default_security_group" "default" {
  vpc_id = aws_vpc.main.id
}"#,
    equivalents: Equivalents {
        checkov: &["CKV2_AWS_12"],
        kics: &["46883ce1-dc3e-4b17-9195-c6a601624c73"],
        trivy: &["AVD-AWS-0173", "aws-ec2-restrict-all-in-default-sg"],
    },
    resource_types: &["aws_default_security_group"],
    terraform: Some(check),
    cloudformation: None,
    has_fix: true,
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_default_security_group").collect::<Vec<_>>() {
        for direction in ["ingress", "egress"] {
            for rule in res.config().nested(direction) {
                let world = ["cidr_blocks", "ipv6_cidr_blocks"].iter().find_map(|name| {
                    let field = rule.attr(name)?;
                    field_strings(ctx, Some(field)).into_iter().find(|c| is_world_cidr(c)).map(|c| (c, field))
                });
                let Some((cidr, field)) = world else { continue };
                let message = format!(
                    "`{}`, the VPC's default security group, has an {direction} rule for {cidr}",
                    res.address()
                );
                let source = &ctx.file(res).source;
                let fix = match rule {
                    Config::Block(block) => {
                        Some(Fix::new(format!("Remove this {direction} rule"), vec![delete_lines(source, block.range)]))
                    }
                    Config::Object(_) => None,
                };
                ctx.report(res, field.range, message).fixes.extend(fix);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::testing::{check_fixes, lines};

    #[test]
    fn flags_world_rules_in_both_directions() {
        let text = r#"resource "aws_default_security_group" "a" {
  ingress {
    protocol    = -1
    self        = true
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port        = 0
    to_port          = 0
    protocol         = "-1"
    ipv6_cidr_blocks = ["::/0"]
  }
}
resource "aws_default_security_group" "b" {
  egress = [{ protocol = "-1", from_port = 0, to_port = 0, cidr_blocks = ["0.0.0.0/0"] }]
}
"#;
        assert_eq!(lines(&RULE, text), vec![7, 13, 17]);
        assert_eq!(check_fixes(&RULE, text), 2);
    }

    #[test]
    fn ignores_private_bogus_and_unknown_ranges() {
        let text = r#"resource "aws_default_security_group" "a" {
  ingress {
    protocol         = -1
    self             = true
    from_port        = 0
    to_port          = 0
    cidr_blocks      = ["10.1.0.0/16", var.x]
    ipv6_cidr_blocks = ["250.250.250.1:8451"]
  }
  egress {
    protocol = "-1"
  }
}
resource "aws_security_group" "not_default" {
  ingress {
    cidr_blocks = ["0.0.0.0/0"]
  }
}
"#;
        assert!(lines(&RULE, text).is_empty());
    }
}
