use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use crate::terraform::model::{ExprKind, Step};

pub static RULE: Rule = Rule {
    id: "ec2-public-ip",
    title: "EC2 instance gets a public IP address",
    severity: Severity::Medium,
    row: Row::NetworkSecurity,
    service: "EC2",
    why: "A public address makes the instance directly reachable from the internet, so a single permissive \
          security group rule or a vulnerable listening service is enough to compromise it. Instances that do \
          not serve the internet themselves should stay private behind a load balancer or NAT.",
    aws_side: "AWS assigns the public address the launch asks for, or the subnet's default when the launch \
               says nothing. Whether an instance is internet-facing is the customer's design decision.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_389"],
        kics: &["5a2486aa-facf-477d-a5c1-b010789459ce"],
        trivy: &["AVD-AWS-0009", "aws-autoscaling-no-public-ip", "aws-ec2-no-public-ip"],
    },
    related: Related {
        checkov: &["CKV_AWS_88"],
        kics: &[],
        trivy: &[],
        how: "Checkov's CKV_AWS_88 fails an instance only for an explicit `associate_public_ip_address = true`; this \
              rule also flags an instance that leaves it out outside a known private subnet.",
    },
    matcher: &Custom {
        what: "Flags `aws_instance` resources (and ec2-instance module calls) with `associate_public_ip_address = \
               true`, or without the attribute, without an explicit network interface and outside a subnet known \
               to be private, where the subnet decides (default-VPC subnets assign public IPs); and launch \
               templates and launch configurations that assign public IPs.",
        fix: "Set `associate_public_ip_address = false` and reach the instance through a load balancer, Session \
              Manager or a VPN.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_instance", "aws_launch_template", "aws_launch_configuration"],
            check,
            example: r#"resource "aws_instance" "web" {
  ami                         = "ami-123456"
  instance_type               = "t3.micro"
  associate_public_ip_address = true
}"#,
            fixed_example: r#"resource "aws_instance" "web" {
  ami                         = "ami-123456"
  instance_type               = "t3.micro"
  associate_public_ip_address = false
}"#,
        }),
        cloudformation: None,
    },
};

/// Whether the instance's `subnet_id` is known not to assign public IPs: an `aws_subnet` of the configuration
/// without `map_public_ip_on_launch = true`, or a non-public subnet list of a module (`module.vpc.private_subnets`).
fn in_private_subnet(ctx: &TfContext, res: Resource) -> bool {
    let Some(attr) = res.block.attr("subnet_id") else { return false };
    if let ExprKind::Traversal(root, steps) = &attr.expr.kind {
        if root == "module" {
            return matches!(steps.get(1), Some(Step::Attr(output))
                if output.ends_with("_subnets") && output != "public_subnets");
        }
    }
    let subnets: Vec<Resource> = ctx.all_resources("aws_subnet").collect();
    subnets.into_iter().find(|s| ctx.refers_to(&attr.expr, *s, &[])).is_some_and(|s| {
        match ctx.attr(s.block, "map_public_ip_on_launch") {
            None => true,
            Some((_, v)) => v.as_bool() == Some(false),
        }
    })
}

fn check(ctx: &mut TfContext) {
    let instances: Vec<Resource> = ctx.resources_like("aws_instance", "ec2-instance").collect();
    for res in instances {
        let file = ctx.file(res);
        let fix = Fix::new(
            "Do not associate a public IP",
            vec![edit::set_attribute(file, res.block, "associate_public_ip_address", "false")],
        );
        match ctx.attr(res.block, "associate_public_ip_address") {
            Some((attr, v)) if v.as_bool() == Some(true) => {
                let message = format!("`{}` gets a public IP address", res.address());
                ctx.report_with_fix(res, attr.range, message, fix);
            }
            Some(_) => {}
            None => {
                // An explicit network interface carries its own addressing.
                if !ctx.nested(res.config(), "network_interface").is_empty() || in_private_subnet(ctx, res) {
                    continue;
                }
                let message = format!(
                    "`{}` does not set `associate_public_ip_address`, so its subnet decides (default-VPC and public subnets assign a public IP)",
                    res.address()
                );
                ctx.report_with_fix(res, res.block.header, message, fix);
            }
        }
    }
    for res in ctx.resources("aws_launch_configuration").collect::<Vec<_>>() {
        let Some((attr, v)) = ctx.attr(res.block, "associate_public_ip_address") else { continue };
        if v.as_bool() != Some(true) {
            continue;
        }
        let file = ctx.file(res);
        let fix = Fix::new(
            "Do not associate a public IP",
            vec![edit::set_attribute(file, res.block, "associate_public_ip_address", "false")],
        );
        ctx.report_with_fix(res, attr.range, format!("`{}` gives its instances public IPs", res.address()), fix);
    }
    for res in ctx.resources("aws_launch_template").collect::<Vec<_>>() {
        for nic in ctx.blocks_of(res.block, "network_interfaces") {
            let Some((attr, v)) = ctx.attr(nic, "associate_public_ip_address") else { continue };
            if v.as_bool() != Some(true) {
                continue;
            }
            let file = ctx.file(res);
            let fix = Fix::new(
                "Do not associate a public IP",
                vec![edit::set_attribute(file, nic, "associate_public_ip_address", "false")],
            );
            ctx.report_with_fix(res, attr.range, format!("`{}` gives its instances public IPs", res.address()), fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_true_and_absent() {
        let text = r#"resource "aws_instance" "a" {
  ami = "ami-1"
}
resource "aws_instance" "b" {
  associate_public_ip_address = true
}
module "ec2" {
  source    = "terraform-aws-modules/ec2-instance/aws"
  subnet_id = "subnet-1"
}
resource "aws_launch_template" "t" {
  network_interfaces {
    associate_public_ip_address = "true"
  }
}
"#;
        assert_eq!(lines(&RULE, text), vec![1, 5, 7, 13]);
        assert_eq!(check_fixes(&RULE, text), 4);
    }

    #[test]
    fn ignores_false_unknown_and_explicit_interfaces() {
        let text = r#"resource "aws_instance" "a" {
  associate_public_ip_address = false
}
resource "aws_instance" "b" {
  associate_public_ip_address = var.public
}
module "ec2" {
  source = "terraform-aws-modules/ec2-instance/aws"
  network_interface {
    network_interface_id = aws_network_interface.this.id
    device_index         = 0
  }
}
resource "aws_launch_configuration" "c" {
  image_id = "ami-1"
}
resource "aws_subnet" "private" {
  cidr_block = "10.0.1.0/24"
}
resource "aws_instance" "in_private" {
  subnet_id = aws_subnet.private.id
}
resource "aws_instance" "in_module_private" {
  subnet_id = module.vpc.private_subnets[0]
}
"#;
        assert!(lines(&RULE, text).is_empty());
    }
}
