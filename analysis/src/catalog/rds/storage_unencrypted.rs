use crate::cloudformation::check::CfnContext;
use crate::kit::rds;
use crate::kit::setting;
use crate::kit::setting::BoolCheck;
use crate::kit::versions;
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "rds-storage-unencrypted",
    title: "RDS instance or cluster storage is not encrypted",
    severity: Severity::High,
    row: Row::ManagedServiceConfig,
    service: "RDS",
    why: "Unencrypted database storage, its automated backups, read replicas and snapshots can be read by \
          anyone who obtains a copy of the volume or a shared snapshot. Encryption cannot be turned on later \
          without copying the data to a new instance.",
    aws_side: "AWS runs the database engine, the host and its disks, and encrypts with AES-256 when asked. \
               Asking is the customer's duty: RDS encrypts nothing unless `storage_encrypted` is set (Aurora \
               Serverless v1 is the exception: always encrypted).",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_16", "CKV_AWS_96"],
        kics: &["1a690d1d-0ae7-49fa-b2db-b75ae0dd1d3e"],
        trivy: &[
            "AVD-AWS-0080",
            "aws-rds-encrypt-instance-storage-data",
            "AVD-AWS-0079",
            "aws-rds-encrypt-cluster-storage-data",
        ],
    },
    related: Related {
        checkov: &[],
        kics: &[
            "5beacce3-4020-4a3d-9e1d-a36f953df630",
            "08bd0760-8752-44e1-9779-7bb369b2b4e4",
            "3199c26c-7871-4cb3-99c2-10a59244ce7f",
            "65844ba3-03a1-40a8-b3dd-919f122e8c95",
            "ffee2785-c347-451e-89f3-11aeb08e5c84",
        ],
        trivy: &[],
        how: "KICS's CloudFormation RDS Storage Not Encrypted (5beacce3) fails every `AWS::RDS::DBInstance` without \
              `StorageEncrypted: true`: read replicas too (its own example is one), whose encryption AWS takes from \
              the source (the template is to leave `StorageEncrypted` out), instances restored from a snapshot, \
              which take the snapshot's, and Aurora members, whose storage is their cluster's; this rule skips \
              those. Its Terraform DB Instance Storage Not Encrypted (08bd0760) likewise fails `aws_db_instance` \
              replicas (`replicate_source_db`), snapshot restores and Aurora members without `storage_encrypted`; \
              its Terraform RDS Storage Not Encrypted (3199c26c) and CloudFormation RDS Storage Encryption Disabled \
              (65844ba3) fail clusters restored from a snapshot or replicating another cluster, and Aurora \
              Serverless v1 clusters, which AWS always encrypts (65844ba3 all of them, 3199c26c those that set \
              `storage_encrypted = false`). KICS's CloudFormation CMK Unencrypted Storage (ffee2785) fails RDS \
              instances and clusters without `StorageEncrypted: true` as 5beacce3 and 65844ba3 do (replicas, \
              restores, Aurora members and Serverless v1 included), and also `AWS::RDS::GlobalCluster`, which this \
              rule does not read, and DocumentDB, Neptune and Redshift clusters, which their services' rules judge.",
    },
    matcher: &Custom {
        what: "Flags `aws_db_instance`, `aws_rds_cluster` and rds / rds-aurora module calls without \
               `storage_encrypted = true` (the provider's default is unencrypted; the rds module encrypts by default \
               since 4.0), unless a KMS key or a source to inherit encryption from is given.",
        fix: "Set `storage_encrypted = true`, ideally with a customer-managed `kms_key_id`. An existing database \
              must be restored from an encrypted snapshot copy: changing the setting replaces it.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_db_instance", "aws_rds_cluster"],
            check,
            example: r#"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
}"#,
            fixed_example: r#"resource "aws_db_instance" "db" {
  engine            = "postgres"
  instance_class    = "db.t3.micro"
  storage_encrypted = true
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"],
            check: check_cfn,
            example: r#"Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t3.micro
"#,
            fixed_example: r#"Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t3.micro
      StorageEncrypted: true
"#,
        }),
    },
};

const ABSENT: &str = "does not set `storage_encrypted`, so its storage is not encrypted";
const INSECURE: &str = "disables storage encryption";
const FIX: &str = "Encrypt the storage";

fn check(ctx: &mut TfContext) {
    for res in rds::instances(ctx) {
        // A KMS key, a replica's source or a snapshot decide the encryption themselves; Aurora members follow
        // their cluster.
        if setting::has_any(res, &["kms_key_id", "replicate_source_db", "snapshot_identifier"])
            || rds::is_aurora_member(ctx, res)
        {
            continue;
        }
        // Since 4.0 the rds module encrypts by default.
        let message = format!(
            "uses rds module {}, whose `storage_encrypted` defaults to `false`, so its storage is not encrypted",
            versions::module_version(res).unwrap_or("< 4.0")
        );
        let (absent_insecure, absent) =
            if res.is_module() { (versions::module_below(res, &[4, 0]), message.as_str()) } else { (true, ABSENT) };
        let check = BoolCheck {
            attr: "storage_encrypted",
            secure: true,
            absent_insecure,
            absent,
            insecure: INSECURE,
            fix: FIX,
        };
        setting::check_bool(ctx, res, &check);
    }
    for res in rds::clusters(ctx) {
        if setting::has_any(res, &["kms_key_id", "snapshot_identifier", "replication_source_identifier"]) {
            continue;
        }
        // Aurora Serverless v1 is always encrypted.
        let Some(false) = rds::is_serverless_v1(ctx, res) else { continue };
        // The rds-aurora module encrypts by default.
        let check = BoolCheck {
            attr: "storage_encrypted",
            secure: true,
            absent_insecure: !res.is_module(),
            absent: ABSENT,
            insecure: INSECURE,
            fix: FIX,
        };
        setting::check_bool(ctx, res, &check);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    // A replica and a restore take their encryption from their source whatever `StorageEncrypted` says (AWS's
    // calls that make them have no such setting; the template is to leave it out), and a KMS key with it off
    // does not deploy: none is judged, as in Terraform.
    let check = setting::CfnBoolCheck {
        prop: "StorageEncrypted",
        secure: true,
        absent_insecure: true,
        absent: "does not set `StorageEncrypted`, so its storage is not encrypted",
        insecure: "disables storage encryption",
        fix: FIX,
    };
    for res in ctx.resources(rds::CFN_INSTANCE).collect::<Vec<_>>() {
        // Aurora members follow their cluster.
        if rds::cfn_is_aurora_member(ctx, res) {
            continue;
        }
        // A KMS key, a replica's source or a snapshot decide the encryption when the property is left out.
        let inherits = rds::cfn_is_replica(res)
            || setting::cfn_has_any(res, &["KmsKeyId", "DBSnapshotIdentifier", "SourceDBInstanceAutomatedBackupsArn"]);
        if !inherits {
            setting::check_cfn_bool(ctx, res, &check);
        }
    }
    for res in ctx.resources(rds::CFN_CLUSTER).collect::<Vec<_>>() {
        // Aurora Serverless v1 is always encrypted.
        if rds::cfn_is_serverless_v1(ctx, res) != Some(false) {
            continue;
        }
        let inherits = setting::cfn_has_any(
            res,
            &["KmsKeyId", "SnapshotIdentifier", "SourceDBClusterIdentifier", "ReplicationSourceIdentifier"],
        );
        if !inherits {
            setting::check_cfn_bool(ctx, res, &check);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_unencrypted_instances_clusters_and_modules() {
        let tf = r#"resource "aws_db_instance" "a" {
  engine            = "mysql"
  storage_encrypted = false
}
resource "aws_db_instance" "b" {
  engine = "mysql"
}
resource "aws_rds_cluster" "c" {
  engine = "aurora-mysql"
}
module "old" {
  source  = "terraform-aws-modules/rds/aws"
  version = "~> 3.0"
}
module "aurora" {
  source            = "terraform-aws-modules/rds-aurora/aws"
  storage_encrypted = false
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 5, 11, 8, 17]);
        assert_eq!(check_fixes(&RULE, tf), 5);
    }

    #[test]
    fn encrypted_inherited_and_unknown_are_not_flagged() {
        let tf = r#"variable "enc" {}
resource "aws_db_instance" "kms" {
  engine     = "mysql"
  kms_key_id = aws_kms_key.k.arn
}
resource "aws_db_instance" "replica" {
  replicate_source_db = aws_db_instance.kms.identifier
}
resource "aws_db_instance" "replica_off" {
  replicate_source_db = aws_db_instance.kms.identifier
  storage_encrypted   = false
}
resource "aws_db_instance" "restored_off" {
  snapshot_identifier = "snap"
  storage_encrypted   = false
}
resource "aws_db_instance" "member" {
  engine = "aurora-postgresql"
}
resource "aws_db_instance" "v" {
  engine            = "mysql"
  storage_encrypted = var.enc
}
resource "aws_rds_cluster" "serverless" {
  engine_mode = "serverless"
}
module "new" {
  source  = "terraform-aws-modules/rds/aws"
  version = "~> 6.0"
}
module "latest" {
  source = "terraform-aws-modules/rds/aws"
}
module "aurora" {
  source = "terraform-aws-modules/rds-aurora/aws"
}
"#;
        assert!(lines(&RULE, tf).is_empty());
    }

    #[test]
    fn cloudformation_unencrypted_storage() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: mysql\n  B:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora\n      StorageEncrypted: false\n  C:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      SourceDBInstanceIdentifier: src\n      KmsKeyId: !Ref Key\n  D:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: aurora\n      DBClusterIdentifier: !Ref B\n  E:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      EngineMode: serverless\n  F:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      KmsKeyId: !Ref Key\n      StorageEncrypted: false\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 10]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }

    #[test]
    fn cloudformation_inherited_encryption_is_not_flagged() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        // A replica, a snapshot restore and an Aurora member take their encryption from elsewhere (KICS's query
        // fails them), even one that says `StorageEncrypted: false`: the calls that make them have no such setting.
        let json = r#"{
  "Parameters": {"Source": {"Type": "String"}, "Encrypted": {"Type": "String"}},
  "Resources": {
    "Replica": {"Type": "AWS::RDS::DBInstance", "Properties": {"SourceDBInstanceIdentifier": {"Ref": "Source"}, "SourceRegion": "eu-west-1"}},
    "Restored": {"Type": "AWS::RDS::DBInstance", "Properties": {"DBSnapshotIdentifier": "snap"}},
    "Member": {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "aurora-mysql", "DBClusterIdentifier": "c"}},
    "Given": {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "mysql", "StorageEncrypted": {"Ref": "Encrypted"}}},
    "Off": {"Type": "AWS::RDS::DBInstance", "Properties": {"SourceDBInstanceIdentifier": {"Ref": "Source"}, "StorageEncrypted": "false"}},
    "Plain": {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "postgres"}}
  }
}
"#;
        assert_eq!(cfn_lines(&RULE, json), [9]);
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
