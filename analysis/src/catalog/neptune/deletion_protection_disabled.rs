use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "neptune-deletion-protection-disabled",
    title: "Neptune cluster can be deleted without deletion protection",
    severity: Severity::Medium,
    row: Row::BusinessContinuity,
    service: "Neptune",
    why: "Without deletion protection, one API call, a mistaken `terraform destroy` or a resource rename deletes the \
          cluster and, unless a final snapshot was configured, all of its automated backups with it.",
    aws_side: "AWS refuses to delete the cluster while protection is on; turning it on is the customer's duty.",
    equivalents: Equivalents { checkov: &["CKV2_AWS_58"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_neptune_cluster"],
            path: "deletion_protection",
            example: r#"resource "aws_neptune_cluster" "graph" {
  cluster_identifier = "graph"
}"#,
            fixed: r#"resource "aws_neptune_cluster" "graph" {
  cluster_identifier = "graph"
  deletion_protection = true
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::Neptune::DBCluster"],
            path: "DeletionProtection",
            example: r#"Resources:
  Graph:
    Type: AWS::Neptune::DBCluster
    Properties:
      DeletionProtection: false
"#,
            fixed: r#"Resources:
  Graph:
    Type: AWS::Neptune::DBCluster
    Properties:
      DeletionProtection: true
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Bool(true),
        absent: Some("one API call or `terraform destroy` deletes the cluster and its automated backups"),
        insecure: "one API call or `terraform destroy` deletes the cluster and its automated backups",
        fix_title: "Turn deletion protection on",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_unprotected_clusters() {
        let tf = r#"variable "p" {}
resource "aws_neptune_cluster" "absent" {
  engine = "neptune"
}
resource "aws_neptune_cluster" "off" {
  deletion_protection = "false"
}
resource "aws_neptune_cluster" "on" {
  deletion_protection = true
}
resource "aws_neptune_cluster" "unknown" {
  deletion_protection = var.p
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 6]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_protection() {
        let yaml = "Resources:\n  A:\n    Type: AWS::Neptune::DBCluster\n    Properties:\n      StorageEncrypted: true\n  B:\n    Type: AWS::Neptune::DBCluster\n    Properties:\n      DeletionProtection: true\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
