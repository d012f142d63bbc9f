use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::NodeKind;
use crate::fix::Fix;
use crate::kit::eks;
use crate::kit::lifecycle::module_major;
use crate::kit::network::is_world_cidr;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use crate::terraform::model::Attribute;
use crate::text::TextRange;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "eks-public-endpoint",
    title: "EKS API endpoint is reachable from the whole internet",
    severity: Severity::High,
    row: Row::AccessRestriction,
    service: "EKS",
    why: "A Kubernetes API server open to the internet is scanned and attacked continuously: every leaked \
          kubeconfig, token or IAM credential, and every API-server vulnerability, becomes directly exploitable \
          from anywhere. Restricting the endpoint to the private network or to known CIDRs removes that \
          exposure.",
    aws_side: "AWS runs and patches the API server and authenticates every request. Which networks can reach the \
               endpoint is the customer's choice, and the default is the whole internet.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_38"],
        kics: &["42f4b905-3736-4213-bfe9-c0660518cda8", "61cf9883-1752-4768-b18c-0d57f2737709"],
        trivy: &[],
    },
    related: Related {
        checkov: &["CKV_AWS_39"],
        kics: &[],
        trivy: &[
            "AVD-AWS-0040",
            "aws-eks-no-public-cluster-access",
            "AVD-AWS-0041",
            "aws-eks-no-public-cluster-access-to-cidr",
        ],
        how: "Checkov's CKV_AWS_39 and Trivy's AVD-AWS-0040 fail any public endpoint, even one restricted to an \
              office range, and Trivy's AVD-AWS-0041 any public CIDR in `public_access_cidrs`; this rule flags a \
              public endpoint only when `public_access_cidrs` is absent or holds a world CIDR.",
    },
    matcher: &Custom {
        what: "Flags `aws_eks_cluster` resources whose `vpc_config` leaves `endpoint_public_access` on (the default) \
               with `public_access_cidrs` absent or empty (EKS's default is then `0.0.0.0/0`) or containing a world \
               CIDR, and `terraform-aws-modules/eks` calls that open the public endpoint to the world.",
        fix: "Set `endpoint_private_access = true` and `endpoint_public_access = false` (reach the API through the \
              VPC, a VPN or a bastion), or keep the public endpoint but list the administrators' CIDRs in \
              `public_access_cidrs`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_eks_cluster"],
            check,
            example: r#"resource "aws_eks_cluster" "main" {
  name     = "main"
  role_arn = aws_iam_role.cluster.arn
  vpc_config {
    subnet_ids = var.subnet_ids
  }
}"#,
            fixed_example: r#"resource "aws_eks_cluster" "main" {
  name     = "main"
  role_arn = aws_iam_role.cluster.arn
  vpc_config {
    subnet_ids              = var.subnet_ids
    endpoint_private_access = true
    endpoint_public_access  = false
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &[eks::CFN_CLUSTER],
            check: check_cfn,
            example: r#"Resources:
  Main:
    Type: AWS::EKS::Cluster
    Properties:
      Name: main
      RoleArn: !GetAtt ClusterRole.Arn
      ResourcesVpcConfig:
        SubnetIds: !Ref SubnetIds
"#,
            fixed_example: r#"Resources:
  Main:
    Type: AWS::EKS::Cluster
    Properties:
      Name: main
      RoleArn: !GetAtt ClusterRole.Arn
      ResourcesVpcConfig:
        SubnetIds: !Ref SubnetIds
        EndpointPrivateAccess: true
        EndpointPublicAccess: false
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources(eks::CFN_CLUSTER).collect::<Vec<_>>() {
        let Some((vpc, _)) = ctx.prop(res, "ResourcesVpcConfig") else { continue };
        if !(matches!(vpc.kind, NodeKind::Map(_)) && vpc.intrinsic().is_none()) {
            continue;
        }
        let public = ctx.prop(res, "ResourcesVpcConfig.EndpointPublicAccess");
        let public_on = match &public {
            None => true,
            Some((_, v)) => v.as_bool() == Some(true),
        };
        if !public_on {
            continue;
        }
        let world = match ctx.prop(res, "ResourcesVpcConfig.PublicAccessCidrs") {
            None | Some((_, Value::Null)) => None,
            // An empty list restricts nothing: EKS applies its default, `0.0.0.0/0`.
            Some((_, Value::List(items))) if items.is_empty() => {
                ctx.prop_range(res, "ResourcesVpcConfig.PublicAccessCidrs")
            }
            Some((_, v)) => {
                if !v.one_or_many().iter().any(|c| c.as_str().is_some_and(is_world_cidr)) {
                    continue;
                }
                ctx.prop_range(res, "ResourcesVpcConfig.PublicAccessCidrs")
            }
        };
        let range = world
            .or_else(|| public.and_then(|_| ctx.prop_range(res, "ResourcesVpcConfig.EndpointPublicAccess")))
            .or_else(|| ctx.prop_range(res, "ResourcesVpcConfig"))
            .unwrap_or(vpc.range);
        let fix = Fix::unsafe_(
            "Make the endpoint private (reach it from the VPC)",
            vec![
                cfn_edit::set_key(ctx.template, vpc, "EndpointPrivateAccess", &json!(true)),
                cfn_edit::set_key(ctx.template, vpc, "EndpointPublicAccess", &json!(false)),
            ],
        );
        let message = format!("`{}` exposes its Kubernetes API endpoint to the whole internet", res.logical_id);
        ctx.report(res, range, message).fixes.push(fix);
    }
}

/// Where the world can reach the endpoint from: `Some(None)` for the default `0.0.0.0/0`, `Some(Some(range))` for
/// an explicit world CIDR; `None` when restricted or unknown.
fn world_cidrs(field: Option<(&Attribute, Value)>) -> Option<Option<TextRange>> {
    match field {
        None | Some((_, Value::Null)) => Some(None),
        // An empty list restricts nothing: EKS applies its default, `0.0.0.0/0`.
        Some((attr, Value::List(items))) if items.is_empty() => Some(Some(attr.range)),
        Some((attr, v)) => {
            v.one_or_many().iter().any(|c| c.as_str().is_some_and(is_world_cidr)).then_some(Some(attr.range))
        }
    }
}

fn check(ctx: &mut TfContext) {
    for res in eks::clusters(ctx) {
        if res.is_module() {
            check_module(ctx, res);
            continue;
        }
        let Some(vpc) = ctx.block_of(res.block, "vpc_config") else { continue };
        let public = ctx.attr(vpc, "endpoint_public_access");
        let public_on = match &public {
            None => true,
            Some((_, v)) => v.as_bool() == Some(true),
        };
        if !public_on {
            continue;
        }
        let Some(cidrs) = world_cidrs(ctx.attr(vpc, "public_access_cidrs")) else { continue };
        let range = cidrs.or(public.map(|(a, _)| a.range)).unwrap_or(vpc.header);
        let file = ctx.file(res);
        let fix = Fix::unsafe_(
            "Make the endpoint private (reach it from the VPC)",
            vec![
                edit::set_attribute(file, vpc, "endpoint_private_access", "true"),
                edit::set_attribute(file, vpc, "endpoint_public_access", "false"),
            ],
        );
        let message = format!("`{}` exposes its Kubernetes API endpoint to the whole internet", res.address());
        ctx.report_with_fix(res, range, message, fix);
    }
}

/// terraform-aws-modules/eks keeps the endpoint private by default since v19.
fn check_module(ctx: &mut TfContext, res: Resource) {
    let public_name = eks::module_input(res, "cluster_endpoint_public_access", "endpoint_public_access");
    let cidrs_name = eks::module_input(res, "cluster_endpoint_public_access_cidrs", "endpoint_public_access_cidrs");
    let public = ctx.attr(res.block, public_name);
    let public_on = match &public {
        None => module_major(res.block).is_some_and(|m| m < 19),
        Some((_, v)) => v.as_bool() == Some(true),
    };
    if !public_on {
        return;
    }
    let Some(cidrs) = world_cidrs(ctx.attr(res.block, cidrs_name)) else { return };
    let range = cidrs.or(public.map(|(a, _)| a.range)).unwrap_or(res.block.header);
    let file = ctx.file(res);
    let fix = Fix::unsafe_(
        "Make the endpoint private (reach it from the VPC)",
        vec![edit::set_attribute(file, res.block, public_name, "false")],
    );
    let message = format!("`{}` exposes its Kubernetes API endpoint to the whole internet", res.address());
    ctx.report_with_fix(res, range, message, fix);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_world_reachable_endpoints() {
        let text = r#"
resource "aws_eks_cluster" "public" {
  vpc_config {
    subnet_ids             = [aws_subnet.example1.id]
    endpoint_public_access = true
  }
}
resource "aws_eks_cluster" "world" {
  vpc_config {
    endpoint_public_access = true
    public_access_cidrs    = ["0.0.0.0/0"]
  }
}
resource "aws_eks_cluster" "default" {
  vpc_config {
    subnet_ids = var.subnets
  }
}
resource "aws_eks_cluster" "private" {
  vpc_config {
    endpoint_public_access = false
  }
}
resource "aws_eks_cluster" "restricted" {
  vpc_config {
    endpoint_public_access = true
    public_access_cidrs    = ["1.1.1.1/1"]
  }
}
resource "aws_eks_cluster" "unknown" {
  vpc_config {
    endpoint_public_access = var.public
  }
}
resource "aws_eks_cluster" "unknown_cidrs" {
  vpc_config {
    public_access_cidrs = var.cidrs
  }
}
output "endpoint" {
  value = aws_eks_cluster.public.endpoint
}
module "eks_public" {
  source                         = "terraform-aws-modules/eks/aws"
  version                        = "~> 20.0"
  cluster_endpoint_public_access = true
}
module "eks_default" {
  source = "terraform-aws-modules/eks/aws"
}
module "eks_v21_restricted" {
  source                       = "terraform-aws-modules/eks/aws"
  endpoint_public_access       = true
  endpoint_public_access_cidrs = ["203.0.113.0/24"]
}
resource "aws_eks_cluster" "empty_cidrs" {
  vpc_config {
    public_access_cidrs = []
  }
}
"#;
        assert_eq!(lines(&RULE, text), [5, 11, 15, 58, 46], "an empty list is EKS's open default");
        assert_eq!(check_fixes(&RULE, text), 5);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = r#"Resources:
  Default:
    Type: AWS::EKS::Cluster
    Properties:
      ResourcesVpcConfig:
        SubnetIds: [subnet-1]
  World:
    Type: AWS::EKS::Cluster
    Properties:
      ResourcesVpcConfig:
        SubnetIds: [subnet-1]
        EndpointPublicAccess: true
        PublicAccessCidrs: [0.0.0.0/0]
  Office:
    Type: AWS::EKS::Cluster
    Properties:
      ResourcesVpcConfig:
        SubnetIds: [subnet-1]
        PublicAccessCidrs: [203.0.113.0/24]
  EmptyCidrs:
    Type: AWS::EKS::Cluster
    Properties:
      ResourcesVpcConfig:
        SubnetIds: [subnet-1]
        PublicAccessCidrs: []
  Private:
    Type: AWS::EKS::Cluster
    Properties:
      ResourcesVpcConfig: {SubnetIds: [subnet-1], EndpointPrivateAccess: true, EndpointPublicAccess: false}
  Unknown:
    Type: AWS::EKS::Cluster
    Properties:
      ResourcesVpcConfig:
        EndpointPublicAccess: !Ref Public
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [5, 13, 25]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 3);
        let json = r#"{"Resources": {"C": {"Type": "AWS::EKS::Cluster", "Properties": {
  "ResourcesVpcConfig": {"SubnetIds": ["subnet-1"], "EndpointPublicAccess": "true"}}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [2]);
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
