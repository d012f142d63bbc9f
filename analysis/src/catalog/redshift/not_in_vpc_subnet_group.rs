use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "redshift-not-in-vpc-subnet-group",
    title: "Redshift cluster is not placed in a chosen VPC subnet group",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "Redshift",
    why: "Without a subnet group the cluster lands in the default VPC (historically EC2-Classic), whose default \
          subnets are public and shared with whatever else was launched there without thought. Naming a subnet \
          group places the warehouse in private subnets the customer designed and controls.",
    aws_side: "AWS places the cluster where the subnet group says; choosing private subnets is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_154"],
        kics: &["0a494a6a-ebe2-48a0-9d77-cf9d5125e1b3"],
        trivy: &["AVD-AWS-0127", "aws-redshift-use-vpc"],
    },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_redshift_cluster"],
            path: "cluster_subnet_group_name",
            example: r#"resource "aws_redshift_cluster" "dw" {
  cluster_identifier = "dw"
}"#,
            fixed: r#"resource "aws_redshift_cluster" "dw" {
  cluster_identifier = "dw"
  cluster_subnet_group_name = "<redshift-subnet-group>"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::Redshift::Cluster"],
            path: "ClusterSubnetGroupName",
            example: r#"Resources:
  Warehouse:
    Type: AWS::Redshift::Cluster
    Properties:
      NodeType: ra3.xlplus
"#,
            fixed: r#"Resources:
  Warehouse:
    Type: AWS::Redshift::Cluster
    Properties:
      NodeType: ra3.xlplus
      ClusterSubnetGroupName: '<redshift-subnet-group>'
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Present { placeholder: "<redshift-subnet-group>" },
        absent: Some("it is placed in the default VPC's subnets, which are public"),
        insecure: "it is placed in the default VPC's subnets, which are public",
        fix_title: "Place it in a subnet group of private subnets (placeholder to replace)",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_clusters_without_a_subnet_group() {
        let tf = r#"variable "group" {}
resource "aws_redshift_cluster" "absent" {
  node_type = "dc1.large"
}
resource "aws_redshift_cluster" "empty" {
  cluster_subnet_group_name = ""
}
resource "aws_redshift_cluster" "placed" {
  cluster_subnet_group_name = aws_redshift_subnet_group.dw.name
}
resource "aws_redshift_cluster" "unknown" {
  cluster_subnet_group_name = var.group
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 6]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_subnet_group() {
        let yaml = "Resources:\n  A:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      NodeType: dc1.large\n  B:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      ClusterSubnetGroupName: !Ref Group\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
