use crate::fix::Fix;
use crate::kit::rds::{self, CLUSTER, INSTANCE};
use crate::kit::setting;
use crate::responsibility::Row;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;

pub static RULE: Rule = Rule {
    id: "rds-cluster-snapshot-unencrypted",
    title: "RDS snapshot of an unencrypted database",
    severity: Severity::High,
    row: Row::ManagedServiceConfig,
    service: "RDS",
    why: "A manual snapshot is a full copy of the database that lives until someone deletes it, and snapshots \
          are what gets copied to other accounts and regions. Taken from an unencrypted database, it is an \
          unencrypted copy of all the data.",
    aws_side: "AWS stores snapshots durably and encrypts them exactly when their source is encrypted. \
               Encrypting the source database (or copying the snapshot with a KMS key) is the customer's duty.",
    equivalents: Equivalents { checkov: &[], kics: &[], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_146"],
        kics: &["656880aa-1388-488f-a6d4-8f73c23149b2"],
        trivy: &[],
        how: "Checkov's CKV_AWS_146 expects `storage_encrypted = true` on `aws_db_cluster_snapshot`, an attribute \
              the user cannot set, so it fails every cluster snapshot; this rule flags snapshots of unencrypted \
              sources. KICS's RDS Database Cluster not Encrypted (656880aa) fails a cluster snapshot unless its \
              cluster is declared with `storage_encrypted = true`, so also snapshots of undeclared clusters, of \
              clusters encrypted by `kms_key_id`, restores, replicas and Serverless v1, which this rule passes.",
    },
    matcher: &Custom {
        what: "Flags `aws_db_cluster_snapshot` (and `aws_db_snapshot`) resources whose source `aws_rds_cluster` \
               (`aws_db_instance`) in the same module has unencrypted storage: a snapshot always has the encryption \
               of its source.",
        fix: "Encrypt the source (`storage_encrypted = true`, which replaces an existing database), or copy existing \
              snapshots with `aws_db_cluster_snapshot_copy` and a `kms_key_id`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_db_cluster_snapshot", "aws_db_snapshot"],
            check,
            example: r#"resource "aws_rds_cluster" "db" {
  cluster_identifier = "db"
  engine             = "aurora-postgresql"
}

resource "aws_db_cluster_snapshot" "db" {
  db_cluster_identifier          = aws_rds_cluster.db.id
  db_cluster_snapshot_identifier = "db-snapshot"
}"#,
            fixed_example: r#"resource "aws_rds_cluster" "db" {
  cluster_identifier = "db"
  engine             = "aurora-postgresql"
  storage_encrypted  = true
}

resource "aws_db_cluster_snapshot" "db" {
  db_cluster_identifier          = aws_rds_cluster.db.id
  db_cluster_snapshot_identifier = "db-snapshot"
}"#,
        }),
        cloudformation: None,
    },
};

/// Whether a source database is known to be unencrypted.
fn unencrypted(ctx: &TfContext, source: Resource) -> bool {
    if setting::has_any(
        source,
        &["kms_key_id", "snapshot_identifier", "replication_source_identifier", "replicate_source_db"],
    ) {
        return false;
    }
    if source.ty() == CLUSTER && rds::is_serverless_v1(ctx, source) != Some(false) {
        return false;
    }
    match ctx.attr(source.block, "storage_encrypted") {
        None => true,
        Some((_, v)) => v.as_bool() == Some(false),
    }
}

fn check(ctx: &mut TfContext) {
    let pairs = [
        ("aws_db_cluster_snapshot", "db_cluster_identifier", CLUSTER, "cluster_identifier"),
        ("aws_db_snapshot", "db_instance_identifier", INSTANCE, "identifier"),
    ];
    for (ty, link, source_ty, name_attr) in pairs {
        for snapshot in ctx.resources(ty).collect::<Vec<_>>() {
            let Some(link) = snapshot.block.attr(link) else { continue };
            let Some(source) = ctx.all_resources(source_ty).find(|s| ctx.refers_to(&link.expr, *s, &[name_attr]))
            else {
                continue;
            };
            if !unencrypted(ctx, source) {
                continue;
            }
            let message = format!(
                "`{}` snapshots `{}`, whose storage is not encrypted, so the snapshot is not encrypted either",
                snapshot.address(),
                source.address()
            );
            let fix = (source.file == snapshot.file).then(|| {
                let edit = edit::set_attribute(ctx.file(source), source.block, "storage_encrypted", "true");
                Fix::unsafe_(format!("Encrypt `{}` (replaces the database)", source.address()), vec![edit])
            });
            ctx.report(snapshot, snapshot.block.header, message).fixes.extend(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_snapshots_of_unencrypted_sources() {
        let tf = r#"resource "aws_db_cluster_snapshot" "a" {
  db_cluster_identifier = aws_rds_cluster.plain.id
}
resource "aws_rds_cluster" "plain" {
  cluster_identifier = "plain"
  engine_mode        = "multimaster"
}
resource "aws_db_cluster_snapshot" "b" {
  db_cluster_identifier = "off"
}
resource "aws_rds_cluster" "off" {
  cluster_identifier = "off"
  storage_encrypted  = false
}
resource "aws_db_snapshot" "c" {
  db_instance_identifier = aws_db_instance.db.identifier
}
resource "aws_db_instance" "db" {
  engine = "mysql"
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 8, 15]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn encrypted_unknown_and_missing_sources_are_not_flagged() {
        let tf = r#"variable "enc" {}
resource "aws_db_cluster_snapshot" "a" {
  db_cluster_identifier = aws_rds_cluster.enc.id
}
resource "aws_rds_cluster" "enc" {
  storage_encrypted = true
}
resource "aws_db_cluster_snapshot" "b" {
  db_cluster_identifier = aws_rds_cluster.v.id
}
resource "aws_rds_cluster" "v" {
  storage_encrypted = var.enc
}
resource "aws_db_cluster_snapshot" "c" {
  db_cluster_identifier = aws_rds_cluster.elsewhere.id
}
resource "aws_db_cluster_snapshot" "d" {
}
"#;
        assert!(lines(&RULE, tf).is_empty());
    }
}
