use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "dax-endpoint-no-tls",
    title: "DAX cluster endpoint does not use TLS",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "DynamoDB",
    why: "Without TLS, every item read through DAX and every write travels in plaintext between the application and \
          the cache, where anyone able to capture VPC traffic can read it.",
    aws_side: "AWS terminates TLS on the endpoint when configured; choosing it at creation is the customer's duty.",
    equivalents: Equivalents { checkov: &["CKV_AWS_239"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_dax_cluster"],
            path: "cluster_endpoint_encryption_type",
            example: r#"resource "aws_dax_cluster" "cache" {
  cluster_name = "cache"
}"#,
            fixed: r#"resource "aws_dax_cluster" "cache" {
  cluster_name = "cache"
  cluster_endpoint_encryption_type = "TLS"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::DAX::Cluster"],
            path: "ClusterEndpointEncryptionType",
            example: r#"Resources:
  Cache:
    Type: AWS::DAX::Cluster
    Properties:
      ClusterEndpointEncryptionType: NONE
"#,
            fixed: r#"Resources:
  Cache:
    Type: AWS::DAX::Cluster
    Properties:
      ClusterEndpointEncryptionType: TLS
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::OneOf(&["TLS"]),
        absent: Some("its endpoint speaks plaintext (the default is `NONE`)"),
        insecure: "its endpoint speaks plaintext",
        fix_title: "Serve the endpoint over TLS (replaces the cluster)",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_plaintext_endpoints() {
        let tf = r#"variable "t" {}
resource "aws_dax_cluster" "absent" {
  cluster_name = "a"
}
resource "aws_dax_cluster" "none" {
  cluster_endpoint_encryption_type = "NONE"
}
resource "aws_dax_cluster" "tls" {
  cluster_endpoint_encryption_type = "TLS"
}
resource "aws_dax_cluster" "unknown" {
  cluster_endpoint_encryption_type = var.t
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 6]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_endpoint() {
        let yaml = "Resources:\n  A:\n    Type: AWS::DAX::Cluster\n    Properties:\n      NodeType: dax.r4.large\n  B:\n    Type: AWS::DAX::Cluster\n    Properties:\n      ClusterEndpointEncryptionType: TLS\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
