use crate::cloudformation::check::CfnContext;
use crate::cloudformation::tree::Node;
use crate::kit::ec2::instances;
use crate::kit::refs::{cfn_named as named, reference, Ref, RefKind};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "ec2-in-default-vpc",
    title: "EC2 instance is launched into the default VPC",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "EC2",
    why: "The default VPC is built for convenience, with a public subnet in every zone that hands out public IPs \
          and an internet gateway already routed; an instance that falls into it is one security-group mistake \
          away from the internet, and sits outside the network segmentation, flow logs and network ACLs designed \
          for the workload.",
    aws_side: "AWS creates the default VPC in each region. Placing workloads in purpose-built VPCs and subnets is \
               the customer's design.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &[
            "7e4a6e76-568d-43ef-8c4e-36dea481bff1",
            "e42a3ef0-5325-4667-84bf-075ba1c9d58e",
            "8a6d36cd-0bc6-42b7-92c4-67acc8576861",
        ],
        trivy: &[],
    },
    related: Related {
        checkov: &[],
        kics: &[],
        trivy: &["AVD-AWS-0101", "aws-ec2-no-default-vpc"],
        how: "Trivy flags the presence of an `aws_default_vpc`, not the instances placed in it (onus: \
              `default-vpc-declared`).",
    },
    matcher: &Custom {
        what: "Flags EC2 instances (`aws_instance`, `ec2-instance` module calls, `AWS::EC2::Instance`) whose subnet \
               is a default subnet or belongs to the default VPC (`aws_default_subnet`, `aws_default_vpc`, a \
               `data \"aws_vpc\"` with `default = true`, a VPC known only by a name saying `default`), or that name \
               no subnet, network interface or launch template at all, so that EC2 picks a default subnet. In \
               CloudFormation, a subnet of the template that names no VPC is flagged itself.",
        fix: "Place the instance in a subnet of a purpose-built VPC (`subnet_id`, CloudFormation `SubnetId`), \
              preferably a private one.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_instance"],
            check,
            example: r#"resource "aws_instance" "web" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  subnet_id     = aws_default_subnet.a.id
}"#,
            fixed_example: r#"resource "aws_instance" "web" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.private_a.id
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::Instance", "AWS::EC2::Subnet"],
            check: check_cfn,
            example: r#"Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
"#,
            fixed_example: r#"Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
      SubnetId: !Ref PrivateSubnetA
"#,
        }),
    },
};

/// Whether a VPC reference is the default VPC.
fn is_default_vpc(ctx: &TfContext, r: &Ref) -> bool {
    match (r.kind, r.ty.as_str()) {
        (RefKind::Resource, "aws_default_vpc") => true,
        (RefKind::Resource, "aws_vpc") | (RefKind::Data, "aws_vpc") => {
            let targets = r.targets(ctx);
            if targets.is_empty() {
                // Not declared here: its name is all there is to go by.
                return r.name.to_ascii_lowercase().contains("default");
            }
            // A VPC the configuration creates is not the default one; a data source may look it up.
            targets.iter().any(|t| {
                t.block.kind == "data" && ctx.attr(t.block, "default").is_some_and(|(_, v)| v.as_bool() == Some(true))
            })
        }
        _ => false,
    }
}

/// Why a subnet reference is in the default VPC, if it is.
fn default_subnet(ctx: &TfContext, r: &Ref) -> Option<&'static str> {
    match (r.kind, r.ty.as_str()) {
        (RefKind::Resource, "aws_default_subnet") => Some("a default subnet"),
        (RefKind::Resource, "aws_subnet") => {
            let in_default = r.targets(ctx).iter().any(|s| {
                s.block.attr("vpc_id").and_then(|a| reference(&a.expr)).is_some_and(|v| is_default_vpc(ctx, &v))
            });
            in_default.then_some("a subnet of the default VPC")
        }
        _ => None,
    }
}

fn check(ctx: &mut TfContext) {
    for res in instances(ctx) {
        if let Some((attr, _)) = ctx.attr(res.block, "subnet_id") {
            if let Some(why) = reference(&attr.expr).and_then(|r| default_subnet(ctx, &r)) {
                let message = format!("`{}` is launched into {why}", res.address());
                ctx.report(res, attr.range, message);
            }
            continue;
        }
        let elsewhere = ["network_interface", "launch_template"]
            .iter()
            .any(|n| !ctx.nested(res.config(), n).is_empty() || ctx.attr(res.block, n).is_some());
        if !elsewhere {
            let message = format!("`{}` names no subnet, so EC2 launches it into a default subnet", res.address());
            ctx.report(res, res.block.header, message);
        }
    }
}

/// The name a VPC node goes by (the logical id or parameter it refers to, or its literal value).
fn vpc_name(node: &Node) -> Option<&str> {
    match node.intrinsic() {
        Some(("Ref", arg)) => arg.as_str(),
        Some(("Fn::GetAtt", arg)) => arg.as_str().or_else(|| arg.items().first()?.as_str()),
        Some(("Fn::ImportValue", arg)) => arg.as_str(),
        Some(_) => None,
        None => node.as_str(),
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    let mut reported_subnets: Vec<&str> = Vec::new();
    for res in ctx.resources("AWS::EC2::Instance").collect::<Vec<_>>() {
        let Some(props) = res.properties else { continue };
        if props.intrinsic().is_some() || props.get("LaunchTemplate").is_some() {
            continue;
        }
        let mut subnets: Vec<(&Node, crate::text::TextRange)> = Vec::new();
        if let Some(e) = props.entry("SubnetId") {
            subnets.push((&e.value, e.range));
        }
        for eni in props.get("NetworkInterfaces").map(Node::items).unwrap_or_default() {
            if let Some(e) = eni.entry("SubnetId") {
                subnets.push((&e.value, e.range));
            }
        }
        if subnets.is_empty() {
            if props.get("NetworkInterfaces").is_some_and(|n| n.intrinsic().is_some()) {
                continue;
            }
            let message = format!("`{}` names no subnet, so EC2 launches it into a default subnet", res.logical_id);
            let range = ctx.header(res);
            ctx.report(res, range, message);
            continue;
        }
        for (node, range) in subnets {
            let Some(subnet) = named(ctx, node).filter(|s| s.ty == "AWS::EC2::Subnet") else { continue };
            match subnet.properties.and_then(|p| p.get("VpcId")) {
                None => {
                    if !reported_subnets.contains(&subnet.logical_id) {
                        reported_subnets.push(subnet.logical_id);
                        let message = format!(
                            "`{}` (the subnet of `{}`) names no VPC, so it would be created in the default VPC",
                            subnet.logical_id, res.logical_id
                        );
                        let at = ctx.header(subnet);
                        ctx.report(subnet, at, message);
                    }
                }
                Some(vpc) => {
                    let is_template_vpc = named(ctx, vpc).is_some_and(|v| v.ty == "AWS::EC2::VPC");
                    let says_default = vpc_name(vpc).is_some_and(|n| n.to_ascii_lowercase().contains("default"));
                    if !is_template_vpc && says_default {
                        let message = format!(
                            "`{}` is launched into `{}`, a subnet of the default VPC",
                            res.logical_id, subnet.logical_id
                        );
                        ctx.report(res, range, message);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_default_subnets_and_instances_without_subnet() {
        let tf = r#"resource "aws_instance" "a" {
  subnet_id = aws_default_subnet.a.id
}
resource "aws_instance" "b" {
  subnet_id = aws_subnet.s.id
}
resource "aws_subnet" "s" {
  vpc_id = aws_vpc.default.id
}
resource "aws_instance" "c" {
  subnet_id = aws_subnet.d.id
}
resource "aws_subnet" "d" {
  vpc_id = data.aws_vpc.this.id
}
data "aws_vpc" "this" {
  default = true
}
resource "aws_instance" "none" {
  ami = "ami-1"
}
module "ec2" {
  source = "terraform-aws-modules/ec2-instance/aws"
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 5, 11, 19, 22]);
    }

    #[test]
    fn purpose_built_vpcs_and_unknown_subnets_pass() {
        let tf = r#"resource "aws_instance" "a" {
  subnet_id = aws_subnet.s.id
}
resource "aws_subnet" "s" {
  vpc_id = aws_vpc.main.id
}
resource "aws_instance" "b" {
  subnet_id = var.subnet
}
resource "aws_instance" "c" {
  subnet_id = module.vpc.private_subnets[0]
}
resource "aws_instance" "d" {
  launch_template {
    id = aws_launch_template.lt.id
  }
}
resource "aws_vpc" "default" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_subnet" "t" {
  vpc_id = aws_vpc.default.id
}
resource "aws_instance" "e" {
  subnet_id = aws_subnet.t.id
}
"#;
        assert!(lines(&RULE, tf).is_empty());
    }

    #[test]
    fn cloudformation_default_vpc_and_subnets_without_vpc() {
        let yaml = "Resources:\n  A:\n    Type: AWS::EC2::Instance\n    Properties:\n      SubnetId: !Ref S1\n  S1:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref DefaultVPC\n  B:\n    Type: AWS::EC2::Instance\n    Properties:\n      NetworkInterfaces:\n        - DeviceIndex: 0\n          SubnetId: !Ref S2\n  S2:\n    Type: AWS::EC2::Subnet\n    Properties:\n      CidrBlock: 10.0.0.0/24\n  C:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-1\n  D:\n    Type: AWS::EC2::Instance\n    Properties:\n      SubnetId: S3\n  S3:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5, 16, 20]);
    }
}
