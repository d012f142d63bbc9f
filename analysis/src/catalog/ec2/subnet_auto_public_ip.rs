use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::kit::ec2::module_major_version;
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "subnet-auto-public-ip",
    title: "Subnet gives every instance a public IP",
    severity: Severity::Medium,
    row: Row::NetworkSecurity,
    service: "VPC",
    why: "Every instance launched into such a subnet gets an internet-routable address, whether or not it is \
          meant to be reachable. One permissive security group then exposes it directly; workloads that do not \
          serve the internet should sit behind a load balancer or NAT instead.",
    aws_side: "AWS assigns public addresses exactly as the subnet (or the launch request) says, and its own \
               default-VPC subnets do so. Deciding which subnets hand out public IPs is the customer's design.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_130"],
        kics: &["b3de4e4c-14be-4159-b99d-9ad194365e4c", "52f04a44-6bfa-4c41-b1d3-4ae99a2de05c"],
        trivy: &["AVD-AWS-0164", "aws-ec2-no-public-ip-subnet"],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_subnet` resources with `map_public_ip_on_launch = true`, and VPC registry module calls that \
               set it to `true`, or leave it to the module's default (`true` before v5) while creating public \
               subnets.",
        fix: "Set `map_public_ip_on_launch = false`, and give public addresses only to the resources that need them \
              (load balancers, NAT gateways, or an explicit `associate_public_ip_address`).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_subnet"],
            check,
            example: r#"resource "aws_subnet" "app" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.0.1.0/24"
  map_public_ip_on_launch = true
}"#,
            fixed_example: r#"resource "aws_subnet" "app" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.0.1.0/24"
  map_public_ip_on_launch = false
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::Subnet"],
            check: check_cfn,
            example: r#"Resources:
  Public:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.0.0/24
      MapPublicIpOnLaunch: true
"#,
            fixed_example: r#"Resources:
  Public:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.0.0/24
      MapPublicIpOnLaunch: false
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::EC2::Subnet").collect::<Vec<_>>() {
        let Some((node, v)) = ctx.prop(res, "MapPublicIpOnLaunch") else { continue };
        if v.as_bool() != Some(true) {
            continue;
        }
        let range = ctx.prop_range(res, "MapPublicIpOnLaunch").unwrap_or(node.range);
        let fix = Fix::new(
            "Do not assign public IPs on launch",
            vec![cfn_edit::replace_value(ctx.template, node, &serde_json::json!(false))],
        );
        let message = format!("`{}` assigns a public IP to every instance launched in it", res.logical_id);
        ctx.report(res, range, message).fixes.push(fix);
    }
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources_like("aws_subnet", "vpc").collect::<Vec<_>>() {
        let file = ctx.file(res);
        let fix = Fix::new(
            "Do not assign public IPs on launch",
            vec![edit::set_attribute(file, res.block, "map_public_ip_on_launch", "false")],
        );
        match ctx.attr(res.block, "map_public_ip_on_launch") {
            Some((attr, v)) if v.as_bool() == Some(true) => {
                let message = format!("`{}` assigns a public IP to every instance launched in it", res.address());
                ctx.report_with_fix(res, attr.range, message, fix);
            }
            Some(_) => {}
            None if res.is_module() => {
                // Versions before 5.0 default to true, for the public subnets the call creates.
                if module_major_version(res.block).is_none_or(|v| v >= 5) {
                    continue;
                }
                let public = ctx.attr(res.block, "public_subnets").map(|(_, v)| v);
                let creates_public = match public {
                    Some(Value::List(items)) => !items.is_empty(),
                    _ => false,
                };
                if !creates_public {
                    continue;
                }
                let message = format!(
                    "`{}` does not set `map_public_ip_on_launch`, and this module version assigns public IPs in its public subnets",
                    res.address()
                );
                ctx.report_with_fix(res, res.block.header, message, fix);
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_true_and_old_module_defaults() {
        let text = r#"resource "aws_subnet" "a" {
  map_public_ip_on_launch = true
}
module "vpc" {
  source                  = "terraform-aws-modules/vpc/aws"
  version                 = "3.7.0"
  private_subnets         = ["10.0.1.0/24"]
  map_public_ip_on_launch = true
}
module "vpc3" {
  source         = "terraform-aws-modules/vpc/aws"
  version        = "~> 3.0"
  public_subnets = ["10.0.101.0/24"]
}
"#;
        assert_eq!(lines(&RULE, text), vec![2, 8, 10]);
        assert_eq!(check_fixes(&RULE, text), 3);
    }

    #[test]
    fn ignores_defaults_false_and_unknown() {
        let text = r#"resource "aws_subnet" "a" {
  cidr_block = "10.0.1.0/24"
}
resource "aws_subnet" "b" {
  map_public_ip_on_launch = false
}
resource "aws_subnet" "c" {
  map_public_ip_on_launch = var.public
}
module "private_only" {
  source          = "terraform-aws-modules/vpc/aws"
  version         = "3.7.0"
  private_subnets = ["10.0.1.0/24"]
}
module "v5" {
  source         = "terraform-aws-modules/vpc/aws"
  version        = "~> 5.0"
  public_subnets = ["10.0.101.0/24"]
}
"#;
        assert!(lines(&RULE, text).is_empty());
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::EC2::Subnet\n    Properties:\n      MapPublicIpOnLaunch: true\n  B:\n    Type: AWS::EC2::Subnet\n    Properties: {MapPublicIpOnLaunch: !Ref P}\n  C:\n    Type: AWS::EC2::Subnet\n    Properties: {CidrBlock: 10.0.0.0/24}\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
        let json =
            r#"{"Resources": {"A": {"Type": "AWS::EC2::Subnet", "Properties": {"MapPublicIpOnLaunch": "true"}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [1]);
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
