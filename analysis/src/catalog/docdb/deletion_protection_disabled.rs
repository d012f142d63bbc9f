use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "docdb-deletion-protection-disabled",
    title: "DocumentDB cluster can be deleted without deletion protection",
    severity: Severity::Medium,
    row: Row::BusinessContinuity,
    service: "DocumentDB",
    why: "Without deletion protection, one API call, a mistaken `terraform destroy` or a resource rename deletes the \
          cluster and, unless a final snapshot was configured, all of its automated backups with it.",
    aws_side: "AWS refuses to delete the cluster while protection is on; turning it on is the customer's duty.",
    equivalents: Equivalents::NONE,
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_docdb_cluster"],
            path: "deletion_protection",
            example: r#"resource "aws_docdb_cluster" "docs" {
  cluster_identifier = "docs"
}"#,
            fixed: r#"resource "aws_docdb_cluster" "docs" {
  cluster_identifier = "docs"
  deletion_protection = true
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::DocDB::DBCluster"],
            path: "DeletionProtection",
            example: r#"Resources:
  Docs:
    Type: AWS::DocDB::DBCluster
    Properties:
      DeletionProtection: false
"#,
            fixed: r#"Resources:
  Docs:
    Type: AWS::DocDB::DBCluster
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
resource "aws_docdb_cluster" "absent" {
  engine = "docdb"
}
resource "aws_docdb_cluster" "off" {
  deletion_protection = "false"
}
resource "aws_docdb_cluster" "on" {
  deletion_protection = true
}
resource "aws_docdb_cluster" "unknown" {
  deletion_protection = var.p
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 6]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_protection() {
        let yaml = "Resources:\n  A:\n    Type: AWS::DocDB::DBCluster\n    Properties:\n      StorageEncrypted: true\n  B:\n    Type: AWS::DocDB::DBCluster\n    Properties:\n      DeletionProtection: true\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
