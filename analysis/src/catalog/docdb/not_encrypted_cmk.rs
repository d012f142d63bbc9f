use crate::cloudformation::check::CfnContext;
use crate::kit::kms_key;
use crate::kit::setting;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "docdb-not-encrypted-cmk",
    title: "DocumentDB cluster is not encrypted with a customer-managed KMS key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "DocumentDB",
    why: "With the AWS-managed key the key policy cannot be restricted, encrypted snapshots cannot be shared with a \
          separate backup account, and access to the data cannot be revoked by disabling the key. A \
          customer-managed key gives the data its own access boundary, separate from who can administer the \
          cluster.",
    aws_side: "AWS encrypts with the key it is given; creating and governing a customer-managed key is the \
               customer's choice.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["4766d3ea-241c-4ee6-93ff-c380c996bd1a", "2134641d-30a4-4b16-8ffc-2cd4c4ffd15d"],
        trivy: &[],
    },
    related: Related {
        checkov: &["CKV_AWS_182"],
        kics: &[],
        trivy: &["AVD-AWS-0022", "aws-documentdb-encryption-customer-key"],
        how: "They accept any `kms_key_id`, including one that names the AWS-managed `aws/rds` key through a \
              `data \"aws_kms_key\"`, which this rule flags.",
    },
    matcher: &Custom {
        what: "Flags `aws_docdb_cluster` without a `kms_key_id`, with an empty one, or with one naming an AWS-managed \
               key (`alias/aws/rds`, written literally or through a `data \"aws_kms_key\"` / `data \
               \"aws_kms_alias\"`); in CloudFormation, `AWS::DocDB::DBCluster` likewise with `KmsKeyId`. Restored \
               clusters and members of a global cluster, which take their source's key, are skipped when the key is \
               left out.",
        fix: "Set `kms_key_id` to a customer-managed KMS key (the cluster is replaced: migrate through a snapshot \
              copied with the new key).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_docdb_cluster"],
            check,
            example: r#"resource "aws_docdb_cluster" "docs" {
  cluster_identifier = "docs"
  storage_encrypted  = true
}"#,
            fixed_example: r#"resource "aws_docdb_cluster" "docs" {
  cluster_identifier = "docs"
  storage_encrypted  = true
  kms_key_id         = aws_kms_key.docs.arn
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::DocDB::DBCluster"],
            check: check_cfn,
            example: r#"Resources:
  Docs:
    Type: AWS::DocDB::DBCluster
    Properties:
      StorageEncrypted: true
"#,
            fixed_example: r#"Resources:
  Docs:
    Type: AWS::DocDB::DBCluster
    Properties:
      StorageEncrypted: true
      KmsKeyId: !Ref DocsKey
"#,
        }),
    },
};

const ABSENT: &str =
    "it is encrypted, if at all, with the AWS-managed `aws/rds` key, which no key policy of yours governs";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_docdb_cluster").collect::<Vec<_>>() {
        let inherits =
            setting::has_any(res, &["snapshot_identifier", "global_cluster_identifier", "restore_to_point_in_time"]);
        if inherits && ctx.attr(res.block, "kms_key_id").is_none() {
            continue;
        }
        kms_key::check_cmk_tf(ctx, res, "kms_key_id", ABSENT);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::DocDB::DBCluster").collect::<Vec<_>>() {
        let inherits =
            setting::cfn_has_any(res, &["SnapshotIdentifier", "SourceDBClusterIdentifier", "GlobalClusterIdentifier"]);
        if inherits && !setting::cfn_has_any(res, &["KmsKeyId"]) {
            continue;
        }
        kms_key::check_cmk_cfn(ctx, res, "KmsKeyId", ABSENT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_missing_and_aws_managed_keys() {
        // KICS: no key at all (even without `storage_encrypted`), and `alias/aws/rds` through a data source.
        let tf = r#"variable "key" {}
data "aws_kms_key" "managed" {
  key_id = "alias/aws/rds"
}
data "aws_kms_key" "mine" {
  key_id = "alias/myAlias"
}
resource "aws_docdb_cluster" "absent" {
  engine = "docdb"
}
resource "aws_docdb_cluster" "through_data" {
  storage_encrypted = true
  kms_key_id        = data.aws_kms_key.managed.arn
}
resource "aws_docdb_cluster" "literal" {
  kms_key_id = "alias/aws/rds"
}
resource "aws_docdb_cluster" "empty" {
  kms_key_id = ""
}
resource "aws_docdb_cluster" "customer" {
  kms_key_id = data.aws_kms_key.mine.arn
}
resource "aws_docdb_cluster" "unknown" {
  kms_key_id = var.key
}
resource "aws_docdb_cluster" "restored" {
  snapshot_identifier = "snap"
}
"#;
        assert_eq!(lines(&RULE, tf), [8, 13, 16, 19]);
        assert_eq!(check_fixes(&RULE, tf), 4);
    }

    #[test]
    fn cloudformation_keys() {
        let yaml = "Resources:\n  A:\n    Type: AWS::DocDB::DBCluster\n    Properties:\n      StorageEncrypted: true\n  B:\n    Type: AWS::DocDB::DBCluster\n    Properties:\n      KmsKeyId: arn:aws:kms:us-east-1:111122223333:alias/aws/rds\n  C:\n    Type: AWS::DocDB::DBCluster\n    Properties:\n      KmsKeyId: !GetAtt Key.Arn\n  D:\n    Type: AWS::DocDB::DBCluster\n    Properties:\n      SnapshotIdentifier: snap\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 9]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
