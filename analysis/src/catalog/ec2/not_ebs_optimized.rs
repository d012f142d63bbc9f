use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::kit::ec2::{ebs_optimized_by_default, instance_family, instances};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "ec2-not-ebs-optimized",
    title: "EC2 instance is not EBS-optimised",
    severity: Severity::Low,
    row: Row::BusinessContinuity,
    service: "EC2",
    why: "On an instance that is not EBS-optimised, disk traffic shares the network link with application \
          traffic, so a busy network starves the disks (and the reverse); latency spikes and timeouts follow under \
          load.",
    aws_side: "Current-generation instance types are EBS-optimised by AWS at no cost. Choosing a previous-generation \
               type, or leaving its optimisation off, is the customer's choice.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["60224630-175a-472a-9e23-133827040766", "8dd0ff1f-0da4-48df-9bb3-7f338ae36a40"],
        trivy: &[],
    },
    related: Related {
        checkov: &["CKV_AWS_135"],
        kics: &[],
        trivy: &[],
        how: "Checkov fails every instance without `ebs_optimized = true`, including current-generation types \
              (t3, m5, ...) that are EBS-optimised by default; onus flags only types that are not.",
    },
    matcher: &Custom {
        what: "Flags `aws_instance` (and `ec2-instance` module calls) and `AWS::EC2::Instance` whose instance type \
               is of a previous generation that is not EBS-optimised by default (t1, t2, m1-m3, c1, c3, cc2, cg1, \
               cr1, g2, hi1, hs1, i2, r3; CloudFormation's default `m1.small` when the type is left out) and that \
               do not set `ebs_optimized = true`. Unknown instance types are not judged.",
        fix: "Use a current-generation instance type (EBS-optimised by default), or set `ebs_optimized = true` \
              where the type supports it (t1 and t2 do not).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_instance"],
            check,
            example: r#"resource "aws_instance" "db" {
  ami           = "ami-12345678"
  instance_type = "m3.xlarge"
}"#,
            fixed_example: r#"resource "aws_instance" "db" {
  ami           = "ami-12345678"
  instance_type = "m3.xlarge"
  ebs_optimized = true
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::Instance"],
            check: check_cfn,
            example: r#"Resources:
  Db:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
      InstanceType: m3.xlarge
"#,
            fixed_example: r#"Resources:
  Db:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
      InstanceType: m3.xlarge
      EbsOptimized: true
"#,
        }),
    },
};

/// Whether the family can be EBS-optimised at all (t1 and t2 cannot).
fn can_be_optimized(instance_type: &str) -> bool {
    !matches!(instance_family(instance_type).as_str(), "t1" | "t2")
}

const FIX: &str = "Turn EBS optimisation on (check the size supports it)";

fn check(ctx: &mut TfContext) {
    for res in instances(ctx) {
        let Some((_, Value::String(ty))) = ctx.attr(res.block, "instance_type") else { continue };
        if ebs_optimized_by_default(&ty) {
            continue;
        }
        let file = ctx.file(res);
        let hint = if can_be_optimized(&ty) { "" } else { " (it cannot be: use a current-generation type)" };
        match ctx.attr(res.block, "ebs_optimized") {
            None => {
                let message = format!(
                    "`{}` runs `{ty}`, which is not EBS-optimised by default, and does not set `ebs_optimized`{hint}",
                    res.address()
                );
                let finding = ctx.report(res, res.block.header, message);
                if can_be_optimized(&ty) {
                    let edit = edit::set_attribute(file, res.block, "ebs_optimized", "true");
                    finding.fixes.push(Fix::unsafe_(FIX, vec![edit]));
                }
            }
            Some((attr, v)) if v.as_bool() == Some(false) => {
                let message = format!("`{}` runs `{ty}` with EBS optimisation off{hint}", res.address());
                let finding = ctx.report(res, attr.range, message);
                if can_be_optimized(&ty) {
                    let edit = Edit { range: attr.expr.range, text: "true".into() };
                    finding.fixes.push(Fix::unsafe_(FIX, vec![edit]));
                }
            }
            Some(_) => {}
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::EC2::Instance").collect::<Vec<_>>() {
        if res.properties.is_some_and(|p| p.get("LaunchTemplate").is_some()) {
            continue; // The template may set the type and the optimisation.
        }
        // CloudFormation's default instance type is m1.small.
        let ty = match ctx.prop(res, "InstanceType") {
            None | Some((_, Value::Null)) => "m1.small".to_string(),
            Some((_, Value::String(s))) => s,
            Some(_) => continue,
        };
        if ebs_optimized_by_default(&ty) {
            continue;
        }
        let id = res.logical_id;
        let hint = if can_be_optimized(&ty) { "" } else { " (it cannot be: use a current-generation type)" };
        let fix = can_be_optimized(&ty)
            .then(|| Fix::unsafe_(FIX, vec![cfn_edit::set_property(ctx.template, res, "EbsOptimized", &json!(true))]));
        match ctx.prop(res, "EbsOptimized") {
            None | Some((_, Value::Null)) => {
                let message = format!("`{id}` runs `{ty}`, which is not EBS-optimised by default{hint}");
                let range = ctx.header(res);
                ctx.report(res, range, message).fixes.extend(fix);
            }
            Some((node, v)) if v.as_bool() == Some(false) => {
                let message = format!("`{id}` runs `{ty}` with EBS optimisation off{hint}");
                let range = ctx.prop_range(res, "EbsOptimized").unwrap_or(node.range);
                let fix = can_be_optimized(&ty)
                    .then(|| Fix::unsafe_(FIX, vec![cfn_edit::replace_value(ctx.template, node, &json!(true))]));
                ctx.report(res, range, message).fixes.extend(fix);
            }
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_previous_generation_types_without_optimisation() {
        let tf = r#"resource "aws_instance" "t2" {
  instance_type = "t2.small"
}
resource "aws_instance" "m3_off" {
  instance_type = "m3.large"
  ebs_optimized = false
}
resource "aws_instance" "t3_off" {
  instance_type = "t3.nano"
  ebs_optimized = false
}
resource "aws_instance" "m3_on" {
  instance_type = "m3.large"
  ebs_optimized = true
}
resource "aws_instance" "unknown" {
  instance_type = var.type
}
module "ec2" {
  source        = "terraform-aws-modules/ec2-instance/aws"
  instance_type = "t2.micro"
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 6, 19]);
        // t2 cannot be optimised: only the m3 finding has a fix.
        assert_eq!(check_fixes(&RULE, tf), 1);
    }

    #[test]
    fn cloudformation_default_type_and_old_families() {
        let yaml = "Resources:\n  Default:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-1\n  Off:\n    Type: AWS::EC2::Instance\n    Properties:\n      EbsOptimized: false\n  T2:\n    Type: AWS::EC2::Instance\n    Properties:\n      InstanceType: t2.small\n  T3:\n    Type: AWS::EC2::Instance\n    Properties:\n      InstanceType: t3.nano\n  Opt:\n    Type: AWS::EC2::Instance\n    Properties:\n      EbsOptimized: true\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 9, 10]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
