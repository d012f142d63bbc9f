use crate::cloudformation::check::CfnContext;
use crate::fix::Fix;
use crate::kit::setting::set_cfn_item_key;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "emr-cluster-not-in-vpc",
    title: "EMR cluster is not placed in a VPC subnet",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "EMR",
    why: "Without a subnet the cluster lands in the default VPC's public subnets, outside the network controls \
          (private subnets, endpoints, flow logs) designed for data workloads; a master node with a public address \
          is then one security-group mistake away from the internet.",
    aws_side: "AWS launches the cluster where it is told. Its network placement is the customer's.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["2b3c8a6d-9856-43e6-ab1d-d651094f03b4", "bf89373a-be40-4c04-99f5-746742dfd7f3"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags EMR clusters (`aws_emr_cluster`, `AWS::EMR::Cluster`) that name no subnet \
               (`ec2_attributes.subnet_id` / `subnet_ids`, CloudFormation `Instances.Ec2SubnetId` / \
               `Ec2SubnetIds`).",
        fix: "Launch the cluster in a private subnet of the workload's VPC.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_emr_cluster"],
            check,
            example: r#"resource "aws_emr_cluster" "analytics" {
  name          = "analytics"
  release_label = "emr-7.0.0"
  ec2_attributes {
    instance_profile = aws_iam_instance_profile.emr.arn
  }
}"#,
            fixed_example: r#"resource "aws_emr_cluster" "analytics" {
  name          = "analytics"
  release_label = "emr-7.0.0"
  ec2_attributes {
    instance_profile = aws_iam_instance_profile.emr.arn
    subnet_id = "<private-subnet-id>"
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EMR::Cluster"],
            check: check_cfn,
            example: r#"Resources:
  Analytics:
    Type: AWS::EMR::Cluster
    Properties:
      Name: analytics
      Instances:
        KeepJobFlowAliveWhenNoSteps: true
"#,
            fixed_example: r#"Resources:
  Analytics:
    Type: AWS::EMR::Cluster
    Properties:
      Name: analytics
      Instances:
        KeepJobFlowAliveWhenNoSteps: true
        Ec2SubnetId: '<private-subnet-id>'
"#,
        }),
    },
};

const FIX: &str = "Launch it in a private subnet (placeholder to replace)";
const WHY: &str = "names no subnet, so it is launched into the default VPC";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_emr_cluster").collect::<Vec<_>>() {
        // (A top-level `subnet_id`, which the provider does not have, is read as the intent it states.)
        if res.block.attr("subnet_id").is_some() {
            continue;
        }
        let attributes = ctx.nested(res.config(), "ec2_attributes");
        let placed = attributes
            .iter()
            .any(|a| a.is_dynamic() || a.attr("subnet_id").is_some() || a.attr("subnet_ids").is_some());
        if placed {
            continue;
        }
        let file = ctx.file(res);
        let message = format!("`{}` {WHY}", res.address());
        let at = attributes.first().copied();
        let finding = ctx.report(res, at.map_or(res.block.header, |a| a.header()), message);
        if let Some(block) = at.and_then(|a| a.block()) {
            let edit = edit::set_attribute(file, block, "subnet_id", "\"<private-subnet-id>\"");
            finding.fixes.push(Fix::unsafe_(FIX, vec![edit]));
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::EMR::Cluster").collect::<Vec<_>>() {
        let Some((instances, _)) = ctx.prop(res, "Instances") else { continue };
        if instances.intrinsic().is_some() || ["Ec2SubnetId", "Ec2SubnetIds"].iter().any(|k| instances.get(k).is_some())
        {
            continue;
        }
        let message = format!("`{}` {WHY}", res.logical_id);
        let range = ctx.prop_range(res, "Instances").unwrap_or(instances.range);
        let edit = set_cfn_item_key(ctx.template, instances, "Ec2SubnetId", &json!("<private-subnet-id>"));
        ctx.report(res, range, message).fixes.push(Fix::unsafe_(FIX, vec![edit]));
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_clusters_without_a_subnet() {
        let tf = r#"resource "aws_emr_cluster" "none" {
  name = "a"
}
resource "aws_emr_cluster" "attrs" {
  ec2_attributes {
    instance_profile = "p"
  }
}
resource "aws_emr_cluster" "placed" {
  ec2_attributes {
    subnet_id = aws_subnet.private.id
  }
}
resource "aws_emr_cluster" "top" {
  subnet_id = aws_subnet.main.id
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 5]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let yaml = "Resources:\n  A:\n    Type: AWS::EMR::Cluster\n    Properties:\n      Instances:\n        MasterInstanceGroup: {InstanceCount: 1}\n  B:\n    Type: AWS::EMR::Cluster\n    Properties:\n      Instances:\n        Ec2SubnetId: !Ref Subnet\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
