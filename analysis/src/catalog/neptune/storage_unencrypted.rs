use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::kit::setting;
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};
use crate::terraform::check::{Resource, TfContext};

pub static RULE: Rule = Rule {
    id: "neptune-storage-unencrypted",
    title: "Neptune cluster storage is not encrypted",
    severity: Severity::High,
    row: Row::ManagedServiceConfig,
    service: "Neptune",
    why: "Neptune graphs often hold the relationships that matter most: identity graphs, fraud rings, knowledge \
          graphs. Without storage encryption, the cluster volume, its automated backups and every snapshot are \
          readable by anyone who obtains a copy, and encryption cannot be added later without restoring into a \
          new cluster.",
    aws_side: "AWS encrypts the storage, backups and replicas with AES-256 when asked at creation time; asking is \
               the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_44"],
        kics: &["98d59056-f745-4ef5-8613-32bca8d40b7e", "bf4473f1-c8a2-4b1b-8134-bd32efabab93"],
        trivy: &["AVD-AWS-0076", "aws-neptune-enable-storage-encryption"],
    },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_neptune_cluster"],
            path: "storage_encrypted",
            applies: Some(applies),
            example: r#"resource "aws_neptune_cluster" "graph" {
  cluster_identifier = "graph"
}"#,
            fixed: r#"resource "aws_neptune_cluster" "graph" {
  cluster_identifier = "graph"
  storage_encrypted = true
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::Neptune::DBCluster"],
            path: "StorageEncrypted",
            applies: Some(applies_cfn),
            example: r#"Resources:
  Graph:
    Type: AWS::Neptune::DBCluster
    Properties:
      DBClusterIdentifier: graph
"#,
            fixed: r#"Resources:
  Graph:
    Type: AWS::Neptune::DBCluster
    Properties:
      DBClusterIdentifier: graph
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

/// A restored or replicated cluster takes its source's encryption when the setting is left out.
fn applies(ctx: &TfContext, res: Resource) -> bool {
    ctx.attr(res.block, "storage_encrypted").is_some()
        || !setting::has_any(
            res,
            &["snapshot_identifier", "replication_source_identifier", "global_cluster_identifier"],
        )
}

fn applies_cfn(ctx: &CfnContext, res: CfnResource) -> bool {
    !matches!(ctx.prop(res, "StorageEncrypted"), None | Some((_, crate::value::Value::Null)))
        || !setting::cfn_has_any(res, &["SnapshotIdentifier", "SourceDBClusterIdentifier"])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_unencrypted_clusters_unless_restored() {
        let tf = r#"variable "enc" {}
resource "aws_neptune_cluster" "absent" {
  engine = "neptune"
}
resource "aws_neptune_cluster" "off" {
  storage_encrypted = false
}
resource "aws_neptune_cluster" "restored" {
  snapshot_identifier = "snap"
}
resource "aws_neptune_cluster" "restored_off" {
  snapshot_identifier = "snap"
  storage_encrypted   = false
}
resource "aws_neptune_cluster" "on" {
  storage_encrypted = true
}
resource "aws_neptune_cluster" "unknown" {
  storage_encrypted = var.enc
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 6, 13]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn cloudformation_false_is_flagged_even_on_a_restore() {
        // KICS: `StorageEncrypted: false` next to `SnapshotIdentifier` and `SourceDBClusterIdentifier`.
        let yaml = "Resources:\n  A:\n    Type: AWS::Neptune::DBCluster\n    Properties:\n      SnapshotIdentifier: s\n      SourceDBClusterIdentifier: c\n      StorageEncrypted: false\n  B:\n    Type: AWS::Neptune::DBCluster\n    Properties:\n      SnapshotIdentifier: s\n  C:\n    Type: AWS::Neptune::DBCluster\n    Properties:\n      StorageEncrypted: true\n  D:\n    Type: AWS::Neptune::DBCluster\n";
        assert_eq!(cfn_lines(&RULE, yaml), [7, 16]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
