use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "neptune-copy-tags-to-snapshot-disabled",
    title: "Neptune cluster does not copy its tags to snapshots",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "Neptune",
    why: "Snapshots without the cluster's tags fall outside tag-based access conditions, cost allocation and \
          retention tooling, and cannot be traced back to an owner or a data classification.",
    aws_side: "AWS copies the tags to snapshots when asked; tagging data and its copies consistently is the \
               customer's duty.",
    equivalents: Equivalents { checkov: &["CKV_AWS_362"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_neptune_cluster"],
            path: "copy_tags_to_snapshot",
            example: r#"resource "aws_neptune_cluster" "graph" {
  cluster_identifier = "graph"
}"#,
            fixed: r#"resource "aws_neptune_cluster" "graph" {
  cluster_identifier = "graph"
  copy_tags_to_snapshot = true
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::Neptune::DBCluster"],
            path: "CopyTagsToSnapshot",
            example: r#"Resources:
  Graph:
    Type: AWS::Neptune::DBCluster
    Properties:
      StorageEncrypted: true
"#,
            fixed: r#"Resources:
  Graph:
    Type: AWS::Neptune::DBCluster
    Properties:
      StorageEncrypted: true
      CopyTagsToSnapshot: true
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Bool(true),
        absent: Some("its snapshots carry none of its tags (the default is `false`)"),
        insecure: "its snapshots carry none of its tags",
        fix_title: "Copy the tags to snapshots",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_clusters_that_do_not_copy_tags() {
        let tf = r#"variable "c" {}
resource "aws_neptune_cluster" "absent" {
  engine = "neptune"
}
resource "aws_neptune_cluster" "off" {
  copy_tags_to_snapshot = false
}
resource "aws_neptune_cluster" "on" {
  copy_tags_to_snapshot = true
}
resource "aws_neptune_cluster" "unknown" {
  copy_tags_to_snapshot = var.c
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 6]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_copy_tags() {
        let yaml = "Resources:\n  A:\n    Type: AWS::Neptune::DBCluster\n    Properties:\n      CopyTagsToSnapshot: false\n  B:\n    Type: AWS::Neptune::DBCluster\n    Properties:\n      CopyTagsToSnapshot: true\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
