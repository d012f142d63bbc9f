use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "redshift-enhanced-vpc-routing-disabled",
    title: "Redshift cluster does not use enhanced VPC routing",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "Redshift",
    why: "Without enhanced VPC routing, `COPY` and `UNLOAD` traffic to S3 bypasses the VPC: endpoint policies, flow \
          logs and egress controls do not see it, so data can be unloaded to any bucket in any account without \
          passing a control the customer owns.",
    aws_side: "AWS routes the traffic through the VPC when the setting is on (Security Hub Redshift.7); the VPC's \
               endpoints and their policies are the customer's.",
    equivalents: Equivalents { checkov: &["CKV_AWS_321"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_redshift_cluster"],
            path: "enhanced_vpc_routing",
            example: r#"resource "aws_redshift_cluster" "dw" {
  cluster_identifier = "dw"
}"#,
            fixed: r#"resource "aws_redshift_cluster" "dw" {
  cluster_identifier = "dw"
  enhanced_vpc_routing = true
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::Redshift::Cluster"],
            path: "EnhancedVpcRouting",
            example: r#"Resources:
  Warehouse:
    Type: AWS::Redshift::Cluster
    Properties:
      EnhancedVpcRouting: false
"#,
            fixed: r#"Resources:
  Warehouse:
    Type: AWS::Redshift::Cluster
    Properties:
      EnhancedVpcRouting: true
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Bool(true),
        absent: Some("`COPY` and `UNLOAD` traffic bypasses the VPC's endpoints, policies and flow logs"),
        insecure: "`COPY` and `UNLOAD` traffic bypasses the VPC's endpoints, policies and flow logs",
        fix: "Set `enhanced_vpc_routing = true` (in CloudFormation, `EnhancedVpcRouting: true`), with an S3 gateway \
              endpoint or a NAT route in the VPC, without which `COPY` and `UNLOAD` stop working.",
        fix_title: "Route the cluster's traffic through the VPC (needs an S3 endpoint or NAT)",
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_clusters_without_enhanced_routing() {
        let tf = r#"variable "on" {}
resource "aws_redshift_cluster" "absent" {
  node_type = "dc2.large"
}
resource "aws_redshift_cluster" "off" {
  enhanced_vpc_routing = false
}
resource "aws_redshift_cluster" "on" {
  enhanced_vpc_routing = true
}
resource "aws_redshift_cluster" "unknown" {
  enhanced_vpc_routing = var.on
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 6]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_routing() {
        let yaml = "Resources:\n  A:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      NodeType: dc2.large\n  B:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      EnhancedVpcRouting: 'true'\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
