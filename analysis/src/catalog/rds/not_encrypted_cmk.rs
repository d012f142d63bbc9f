use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::kit::{kms_key, rds, setting, versions};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};

pub static RULE: Rule = Rule {
    id: "rds-not-encrypted-cmk",
    title: "RDS storage is encrypted with the AWS-managed key, not a customer-managed KMS key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "RDS",
    why: "With the AWS-managed key `aws/rds`, anyone in the account with RDS and KMS use permissions can restore or \
          copy snapshots, and the key policy cannot be changed: you cannot separate who may read the data from who \
          may manage the database, cannot share an encrypted snapshot with another account (AWS-managed keys \
          cannot be shared), and cannot disable the key to cut off access in an incident.",
    aws_side: "AWS encrypts the storage with the key it is given and manages `aws/rds` when none is given. Owning \
               the key, its policy and its rotation is the customer's choice and duty.",
    equivalents: Equivalents { checkov: &[], kics: &["e52395b4-250b-4c60-81d5-2e58c1d37abc"], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_327"],
        kics: &[],
        trivy: &[],
        how: "Checkov judges clusters only, and also flags unencrypted ones, which `rds-storage-unencrypted` \
              reports; this rule judges the key of encrypted instances and clusters.",
    },
    matcher: &Custom {
        what: "Flags encrypted `aws_db_instance`, `aws_rds_cluster` and rds / rds-aurora module calls \
               (`storage_encrypted = true`, the modules' encrypted defaults, Aurora Serverless v1) without a \
               `kms_key_id`, or with one naming the AWS-managed key (literally or through a KMS data source); in \
               CloudFormation, `AWS::RDS::DBInstance` and `AWS::RDS::DBCluster` with `StorageEncrypted: true` (or \
               `EngineMode: serverless`) and no customer `KmsKeyId`. Aurora members, replicas and restores that \
               leave the key to their source are skipped; unencrypted storage is `rds-storage-unencrypted`'s.",
        fix: "Set `kms_key_id` to a customer-managed KMS key. The key of an existing database cannot change: copy a \
              snapshot with the new key and restore from it.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_db_instance", "aws_rds_cluster"],
            check,
            example: r#"resource "aws_db_instance" "db" {
  engine            = "postgres"
  storage_encrypted = true
}"#,
            fixed_example: r#"resource "aws_db_instance" "db" {
  engine            = "postgres"
  storage_encrypted = true
  kms_key_id        = aws_kms_key.db.arn
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"],
            check: check_cfn,
            example: r#"Resources:
  Db:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      StorageEncrypted: true
"#,
            fixed_example: r#"Resources:
  Db:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      StorageEncrypted: true
      KmsKeyId: !Ref DbKey
"#,
        }),
    },
};

const ABSENT: &str =
    "its storage is encrypted with the AWS-managed `aws/rds` key, which no key policy of yours governs";

/// Whether the storage is encrypted: explicitly, by a module's default, or as Aurora Serverless v1 always is.
fn encrypted(ctx: &TfContext, res: Resource) -> bool {
    match ctx.attr(res.block, "storage_encrypted") {
        Some((_, v)) => v.as_bool() == Some(true),
        None if rds::is_instance_module(res) => !versions::module_below(res, &[4, 0]),
        None if res.is_module() => true,
        None => rds::is_cluster(res) && rds::is_serverless_v1(ctx, res) == Some(true),
    }
}

fn check(ctx: &mut TfContext) {
    let mut targets = rds::instances(ctx);
    targets.extend(rds::clusters(ctx));
    for res in targets {
        if !rds::is_cluster(res) && rds::is_aurora_member(ctx, res) {
            continue;
        }
        let inherits =
            setting::has_any(res, &["replicate_source_db", "snapshot_identifier", "replication_source_identifier"]);
        if (inherits && res.block.attr("kms_key_id").is_none()) || !encrypted(ctx, res) {
            continue;
        }
        kms_key::check_cmk_tf(ctx, res, "kms_key_id", ABSENT);
    }
}

fn encrypted_cfn(ctx: &CfnContext, res: CfnResource) -> bool {
    match ctx.prop(res, "StorageEncrypted") {
        Some((_, v)) if v.is_known() && v != crate::value::Value::Null => v.as_bool() == Some(true),
        Some(_) => false,
        None => res.ty == rds::CFN_CLUSTER && rds::cfn_is_serverless_v1(ctx, res) == Some(true),
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    let mut targets: Vec<CfnResource> = ctx.resources(rds::CFN_INSTANCE).collect();
    targets.extend(ctx.resources(rds::CFN_CLUSTER));
    for res in targets {
        if res.ty == rds::CFN_INSTANCE && rds::cfn_is_aurora_member(ctx, res) {
            continue;
        }
        let inherits = rds::cfn_is_replica(res)
            || setting::cfn_has_any(
                res,
                &["DBSnapshotIdentifier", "SnapshotIdentifier", "ReplicationSourceIdentifier"],
            );
        if (inherits && !setting::cfn_has_any(res, &["KmsKeyId"])) || !encrypted_cfn(ctx, res) {
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
    fn flags_encrypted_storage_without_a_customer_key() {
        let tf = r#"variable "key" {}
data "aws_kms_key" "rds" {
  key_id = "alias/aws/rds"
}
resource "aws_db_instance" "default_key" {
  engine            = "mysql"
  storage_encrypted = true
}
resource "aws_rds_cluster" "managed" {
  storage_encrypted = true
  kms_key_id        = data.aws_kms_key.rds.arn
}
resource "aws_rds_cluster" "serverless" {
  engine_mode = "serverless"
}
module "db" {
  source = "terraform-aws-modules/rds/aws"
}
resource "aws_db_instance" "unencrypted" {
  engine = "mysql"
}
resource "aws_db_instance" "cmk" {
  storage_encrypted = true
  kms_key_id        = aws_kms_key.db.arn
}
resource "aws_db_instance" "unknown" {
  storage_encrypted = true
  kms_key_id        = var.key
}
resource "aws_db_instance" "replica" {
  storage_encrypted   = true
  replicate_source_db = aws_db_instance.cmk.identifier
}
module "old" {
  source  = "terraform-aws-modules/rds/aws"
  version = "~> 3.0"
}
"#;
        assert_eq!(lines(&RULE, tf), [5, 16, 11, 13]);
        assert_eq!(check_fixes(&RULE, tf), 4);
    }

    #[test]
    fn a_null_key_means_the_default_key() {
        let tf = "variable \"key\" {\n  default = null\n}\nresource \"aws_db_instance\" \"db\" {\n  storage_encrypted = true\n  kms_key_id        = var.key\n}\n";
        assert_eq!(lines(&RULE, tf), [6]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }

    #[test]
    fn cloudformation_default_key() {
        // KICS: an encrypted Aurora Serverless cluster without `KmsKeyId`; a replica with a key passes.
        let yaml = "Resources:\n  Serverless:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora\n      EngineMode: serverless\n      StorageEncrypted: true\n  Replica:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      SourceDBInstanceIdentifier: !Ref Source\n      KmsKeyId: !Ref Key\n      StorageEncrypted: true\n  Named:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      KmsKeyId: MyKey\n      StorageEncrypted: true\n  Managed:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      KmsKeyId: alias/aws/rds\n      StorageEncrypted: true\n  Plain:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: mysql\n";
        assert_eq!(cfn_lines(&RULE, yaml), [22, 2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
