use crate::responsibility::Row;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{is_registry_module, TfContext};

pub static RULE: Rule = Rule {
    id: "default-vpc-declared",
    title: "Configuration manages the default VPC instead of a purpose-built one",
    severity: Severity::Medium,
    row: Row::NetworkSecurity,
    service: "VPC",
    why: "Adopting the default VPC into Terraform keeps alive a network whose subnets are all public and whose \
          route table already reaches the internet; resources placed there inherit that exposure. The secure \
          pattern is to create dedicated VPCs with private subnets and to leave (or delete) the default one.",
    aws_side: "AWS creates a default VPC in each region for convenience. Whether to use it is the customer's \
               decision.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_148"],
        kics: &["96ed3526-0179-4c73-b1b2-372fde2e0d13"],
        trivy: &["AVD-AWS-0101", "aws-ec2-no-default-vpc"],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags every `aws_default_vpc`, and `terraform-aws-modules/vpc` calls that manage the default VPC \
               (`manage_default_vpc = true`, or any `default_vpc_*` input).",
        fix: "Create the workload's own VPC (`aws_vpc`) with private subnets and remove the default VPC from the \
              configuration; delete it in each region if nothing uses it.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_default_vpc"],
            check,
            example: r#"resource "aws_default_vpc" "default" {
  tags = {
    Name = "Default VPC"
  }
}"#,
            fixed_example: r#"resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}"#,
        }),
        cloudformation: None,
    },
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_default_vpc") {
        // `count = var.manage_default_vpc ? 1 : 0` with the input off: not created.
        if ctx.attr(res.block, "count").is_some_and(|(_, v)| v.as_f64() == Some(0.0)) {
            continue;
        }
        let deletes = ctx.attr(res.block, "force_destroy").is_some_and(|(_, v)| v.as_bool() == Some(true));
        let hint =
            if deletes { " (`force_destroy` deletes it on destroy, but the resource keeps it until then)" } else { "" };
        let message =
            format!("`{}` manages the region's default VPC, whose subnets are all public{hint}", res.address());
        let edit = crate::kit::ec2::delete_lines(&ctx.file(res).source, res.block.range);
        let fix = crate::fix::Fix::unsafe_(
            "Stop managing the default VPC (move its resources to a VPC of their own first)",
            vec![edit],
        );
        ctx.report_with_fix(res, res.block.header, message, fix);
    }
    for res in ctx.blocks("module").filter(|m| is_registry_module(m.block, "vpc")).collect::<Vec<_>>() {
        let manage = res.block.attr("manage_default_vpc");
        let manages = manage.is_some_and(|a| ctx.eval(&a.expr).as_bool() == Some(true));
        let input = res
            .block
            .attributes
            .iter()
            .find(|a| a.name.starts_with("default_vpc_") && ctx.eval(&a.expr) != crate::value::Value::Null);
        let at = match (manages, input) {
            (true, _) => manage.map(|a| a.range),
            (false, Some(a)) if manage.is_none() => Some(a.range),
            _ => None,
        };
        if let Some(range) = at {
            let message = format!("`{}` manages the region's default VPC, whose subnets are all public", res.address());
            ctx.report(res, range, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::lines;

    #[test]
    fn flags_default_vpcs_and_module_inputs() {
        let tf = r#"resource "aws_default_vpc" "d" {
}
module "vpc" {
  source           = "terraform-aws-modules/vpc/aws"
  version          = "3.7.0"
  default_vpc_name = "my-default-vpc"
}
module "managed" {
  source             = "terraform-aws-modules/vpc/aws"
  manage_default_vpc = true
}
module "off" {
  source             = "terraform-aws-modules/vpc/aws"
  manage_default_vpc = false
  default_vpc_name   = "unused"
}
module "plain" {
  source = "terraform-aws-modules/vpc/aws"
  cidr   = "10.0.0.0/16"
}
resource "aws_vpc" "main" {
  instance_tenancy = "default"
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 6, 10]);
        let off = "variable \"manage\" {\n  default = false\n}\nresource \"aws_default_vpc\" \"this\" {\n  count = var.manage ? 1 : 0\n}\n";
        assert!(lines(&RULE, off).is_empty());
        assert_eq!(crate::kit::testing::check_fixes(&RULE, tf), 1);
    }
}
