use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::kit::setting;
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};
use crate::terraform::check::{Resource, TfContext};
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "docdb-storage-unencrypted",
    title: "DocumentDB cluster storage is not encrypted",
    severity: Severity::High,
    row: Row::ManagedServiceConfig,
    service: "DocumentDB",
    why: "DocumentDB stores application documents, typically customer records. Unencrypted, the cluster volume, \
          automated backups and snapshots are readable from any copy, and encryption cannot be turned on for an \
          existing cluster: the data must be migrated.",
    aws_side: "AWS encrypts storage, backups, replicas and snapshots when asked at creation; asking is the \
               customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_74", "CKV_AWS_292"],
        kics: &["bc1f9009-84a0-490f-ae09-3e0ea6d74ad6"],
        trivy: &["AVD-AWS-0021", "aws-documentdb-enable-storage-encryption"],
    },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_docdb_cluster", "aws_docdb_global_cluster"],
            path: "storage_encrypted",
            applies: Some(applies),
            example: r#"resource "aws_docdb_cluster" "docs" {
  cluster_identifier = "docs"
}"#,
            fixed: r#"resource "aws_docdb_cluster" "docs" {
  cluster_identifier = "docs"
  storage_encrypted = true
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::DocDB::DBCluster"],
            path: "StorageEncrypted",
            applies: Some(applies_cfn),
            example: r#"Resources:
  Docs:
    Type: AWS::DocDB::DBCluster
    Properties:
      DBClusterIdentifier: docs
"#,
            fixed: r#"Resources:
  Docs:
    Type: AWS::DocDB::DBCluster
    Properties:
      DBClusterIdentifier: docs
      StorageEncrypted: true
"#,
        }),
        want: Want::Bool(true),
        absent: Some("its volume, backups and snapshots are not encrypted (the default is `false`)"),
        insecure: "its volume, backups and snapshots are not encrypted",
        fix_title: "Encrypt the storage (replaces the cluster)",
        ..Setting::DEFAULT
    },
};

/// A restored cluster, a member of a global cluster, or a global cluster made from an existing one takes its
/// source's encryption when the setting is left out.
fn applies(ctx: &TfContext, res: Resource) -> bool {
    let sources: &[&str] = if res.ty() == "aws_docdb_global_cluster" {
        &["source_db_cluster_identifier"]
    } else {
        &["snapshot_identifier", "global_cluster_identifier", "restore_to_point_in_time"]
    };
    ctx.attr(res.block, "storage_encrypted").is_some() || !setting::has_any(res, sources)
}

fn applies_cfn(ctx: &CfnContext, res: CfnResource) -> bool {
    !matches!(ctx.prop(res, "StorageEncrypted"), None | Some((_, Value::Null)))
        || !setting::cfn_has_any(res, &["SnapshotIdentifier", "SourceDBClusterIdentifier", "GlobalClusterIdentifier"])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_unencrypted_clusters_and_global_clusters() {
        // KICS: absent and `false` fail, `true` passes.
        let tf = r#"variable "enc" {}
resource "aws_docdb_cluster" "absent" {
  engine = "docdb"
}
resource "aws_docdb_cluster" "off" {
  storage_encrypted = false
}
resource "aws_docdb_cluster" "restored" {
  snapshot_identifier = "snap"
}
resource "aws_docdb_global_cluster" "global" {
  global_cluster_identifier = "g"
}
resource "aws_docdb_global_cluster" "from_source" {
  source_db_cluster_identifier = aws_docdb_cluster.absent.arn
}
resource "aws_docdb_cluster" "on" {
  storage_encrypted = true
}
resource "aws_docdb_cluster" "unknown" {
  storage_encrypted = var.enc
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 6, 11]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn cloudformation_unencrypted_clusters() {
        let yaml = "Resources:\n  A:\n    Type: AWS::DocDB::DBCluster\n    Properties:\n      StorageEncrypted: false\n  B:\n    Type: AWS::DocDB::DBCluster\n    Properties:\n      SnapshotIdentifier: snap\n  C:\n    Type: AWS::DocDB::DBCluster\n    Properties:\n      Port: 27017\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5, 10]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
