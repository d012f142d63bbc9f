use serde_json::json;

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::Node;
use crate::cloudformation::CfnResource;
use crate::fix::Fix;
use crate::kit::refs::cfn_named;
use crate::kit::setting::cfn_has_any;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
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
               templates and launch configurations that assign public IPs. In CloudFormation, \
               `AWS::EC2::Instance` network interfaces, `AWS::EC2::LaunchTemplate` network interfaces and \
               `AWS::AutoScaling::LaunchConfiguration` with `AssociatePublicIpAddress: true`, and instances \
               without network interfaces whose subnet assigns public IPs: no `SubnetId` (the default VPC) or a \
               template subnet with `MapPublicIpOnLaunch: true` (a subnet from a parameter is not judged).",
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
        cloudformation: Some(CfnMatcher {
            resource_types: &[
                "AWS::EC2::Instance",
                "AWS::EC2::LaunchTemplate",
                "AWS::AutoScaling::LaunchConfiguration",
            ],
            check: check_cfn,
            example: r#"Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-123456
      NetworkInterfaces:
        - DeviceIndex: "0"
          SubnetId: !Ref Subnet
          AssociatePublicIpAddress: true
"#,
            fixed_example: r#"Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-123456
      NetworkInterfaces:
        - DeviceIndex: "0"
          SubnetId: !Ref Subnet
          AssociatePublicIpAddress: false
"#,
        }),
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

/// Reports every `AssociatePublicIpAddress: true` of a list of network interfaces.
fn report_cfn_interfaces(ctx: &mut CfnContext, res: CfnResource, interfaces: Option<&Node>, message: &str) {
    let Some(list) = interfaces else { return };
    for nic in list.items() {
        let Some(entry) = nic.entry("AssociatePublicIpAddress") else { continue };
        if ctx.eval(&entry.value).as_bool() != Some(true) {
            continue;
        }
        let edit = cfn_edit::replace_value(ctx.template, &entry.value, &json!(false));
        let message = format!("`{}` {message}", res.logical_id);
        ctx.report(res, entry.range, message).fixes.push(Fix::new("Do not associate a public IP", vec![edit]));
    }
}

/// Whether an instance without network interfaces lands in a subnet that assigns public IPs: none named (the
/// default VPC's subnets do), or a template subnet with `MapPublicIpOnLaunch: true`.
fn cfn_subnet_assigns_public_ips(ctx: &CfnContext, res: CfnResource) -> bool {
    let Some((node, _)) = ctx.prop(res, "SubnetId") else { return true };
    let Some(subnet) = cfn_named(ctx, node).filter(|s| s.ty == "AWS::EC2::Subnet") else { return false };
    ctx.prop(subnet, "MapPublicIpOnLaunch").is_some_and(|(_, v)| v.as_bool() == Some(true))
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::EC2::Instance").collect::<Vec<_>>() {
        let interfaces = ctx.prop(res, "NetworkInterfaces").map(|(n, _)| n);
        if interfaces.is_some() {
            report_cfn_interfaces(ctx, res, interfaces, "gets a public IP address");
        } else if !cfn_has_any(res, &["LaunchTemplate"]) && cfn_subnet_assigns_public_ips(ctx, res) {
            let range = ctx.header(res);
            let message = match ctx.prop(res, "SubnetId") {
                None => {
                    format!("`{}` names no subnet, so it launches in the default VPC with a public IP", res.logical_id)
                }
                Some(_) => {
                    format!("`{}` launches in a subnet that assigns public IPs (`MapPublicIpOnLaunch`)", res.logical_id)
                }
            };
            ctx.report(res, range, message);
        }
    }
    for res in ctx.resources("AWS::EC2::LaunchTemplate").collect::<Vec<_>>() {
        let interfaces = ctx.prop(res, "LaunchTemplateData.NetworkInterfaces").map(|(n, _)| n);
        report_cfn_interfaces(ctx, res, interfaces, "gives its instances public IPs");
    }
    for res in ctx.resources("AWS::AutoScaling::LaunchConfiguration").collect::<Vec<_>>() {
        let Some((node, v)) = ctx.prop(res, "AssociatePublicIpAddress") else { continue };
        if v.as_bool() != Some(true) {
            continue;
        }
        let range = ctx.prop_range(res, "AssociatePublicIpAddress").unwrap_or(node.range);
        let edit = cfn_edit::replace_value(ctx.template, node, &json!(false));
        let message = format!("`{}` gives its instances public IPs", res.logical_id);
        ctx.report(res, range, message).fixes.push(Fix::new("Do not associate a public IP", vec![edit]));
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

    #[test]
    fn cloudformation_public_addresses() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Parameters:
  Subnet:
    Type: AWS::EC2::Subnet::Id
  Public:
    Type: String
Resources:
  PublicSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      MapPublicIpOnLaunch: true
  PrivateSubnet:
    Type: AWS::EC2::Subnet
  Nic:
    Type: AWS::EC2::Instance
    Properties:
      NetworkInterfaces:
        - DeviceIndex: 0
          AssociatePublicIpAddress: true
  DefaultVpc:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-1
  InPublic:
    Type: AWS::EC2::Instance
    Properties:
      SubnetId: !Ref PublicSubnet
  InPrivate:
    Type: AWS::EC2::Instance
    Properties:
      SubnetId: !Ref PrivateSubnet
  InParameter:
    Type: AWS::EC2::Instance
    Properties:
      SubnetId: !Ref Subnet
  Unknown:
    Type: AWS::EC2::Instance
    Properties:
      NetworkInterfaces:
        - DeviceIndex: 0
          AssociatePublicIpAddress: !Ref Public
  Template:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        NetworkInterfaces:
          - DeviceIndex: 0
            AssociatePublicIpAddress: true
  Lc:
    Type: AWS::AutoScaling::LaunchConfiguration
    Properties:
      AssociatePublicIpAddress: true
";
        assert_eq!(cfn_lines(&RULE, yaml), [18, 19, 23, 47, 51]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 3);
    }
}
