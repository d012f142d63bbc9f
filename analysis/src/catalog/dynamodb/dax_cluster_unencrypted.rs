use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "dax-cluster-unencrypted",
    title: "DAX cluster is not encrypted at rest",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "DynamoDB",
    why: "DAX nodes cache table items on local storage; unencrypted, cached copies of the data sit on disk outside \
          the table's own encryption.",
    aws_side: "AWS encrypts DAX node storage when asked at creation; asking is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_47"],
        kics: &["f11aec39-858f-4b6f-b946-0a1bf46c0c87"],
        trivy: &["AVD-AWS-0023", "aws-dynamodb-enable-at-rest-encryption"],
    },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_dax_cluster"],
            path: "server_side_encryption.enabled",
            example: r#"resource "aws_dax_cluster" "cache" {
  cluster_name = "cache"
  node_type    = "dax.r4.large"
}"#,
            fixed: r#"resource "aws_dax_cluster" "cache" {
  cluster_name = "cache"
  node_type    = "dax.r4.large"
  server_side_encryption {
    enabled = true
  }
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::DAX::Cluster"],
            path: "SSESpecification.SSEEnabled",
            example: r#"Resources:
  Cache:
    Type: AWS::DAX::Cluster
    Properties:
      NodeType: dax.r4.large
      ReplicationFactor: 3
"#,
            fixed: r#"Resources:
  Cache:
    Type: AWS::DAX::Cluster
    Properties:
      NodeType: dax.r4.large
      ReplicationFactor: 3
      SSESpecification:
        SSEEnabled: true
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Bool(true),
        absent: Some("the items its nodes cache are stored unencrypted"),
        insecure: "the items its nodes cache are stored unencrypted",
        fix_title: "Encrypt the cluster at rest (replaces it)",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_unencrypted_clusters() {
        // KICS: no block, an empty block, `enabled = false`.
        let tf = r#"variable "on" {}
resource "aws_dax_cluster" "absent" {
  cluster_name = "a"
}
resource "aws_dax_cluster" "empty" {
  server_side_encryption {
  }
}
resource "aws_dax_cluster" "off" {
  server_side_encryption {
    enabled = false
  }
}
resource "aws_dax_cluster" "on" {
  server_side_encryption {
    enabled = true
  }
}
resource "aws_dax_cluster" "unknown" {
  server_side_encryption {
    enabled = var.on
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 6, 11]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn cloudformation_encryption() {
        let yaml = "Resources:\n  A:\n    Type: AWS::DAX::Cluster\n    Properties:\n      SSESpecification:\n        SSEEnabled: false\n  B:\n    Type: AWS::DAX::Cluster\n    Properties:\n      SSESpecification:\n        SSEEnabled: true\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
