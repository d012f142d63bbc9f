use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::kit::rds;
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};
use crate::terraform::check::{Resource, TfContext};
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "rds-backup-retention-below-7-days",
    title: "RDS keeps automated backups for fewer than 7 days",
    severity: Severity::Low,
    row: Row::BusinessContinuity,
    service: "RDS",
    why: "Automated backups are what point-in-time restore uses. With less than a week of retention, a corruption, \
          a bad migration or a ransomware encryption noticed after a long weekend or a holiday can no longer be \
          rolled back: the last clean restore point has already expired. AWS Security Hub control RDS.11 uses 7 \
          days as its minimum for the same reason.",
    aws_side: "AWS takes the daily snapshots and keeps the transaction logs for as many days as the customer asks \
               (up to 35). Choosing a retention that covers the time it takes to notice a problem is the customer's \
               duty.",
    equivalents: Equivalents { checkov: &[], kics: &["e649a218-d099-4550-86a4-1231e1fcb60d"], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_133"],
        kics: &[],
        trivy: &["AVD-AWS-0077", "aws-rds-specify-backup-retention"],
        how: "Checkov flags only a retention of 0 (the 1-day default passes), Trivy only retentions below 2 days; \
              this rule wants a week.",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_db_instance", "aws_rds_cluster"],
            modules: &[("rds", "backup_retention_period", true), ("rds-aurora", "backup_retention_period", false)],
            path: "backup_retention_period",
            applies: Some(applies),
            example: r#"resource "aws_db_instance" "db" {
  engine                  = "postgres"
  backup_retention_period = 3
}"#,
            fixed: r#"resource "aws_db_instance" "db" {
  engine                  = "postgres"
  backup_retention_period = 7
}"#,
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"],
            path: "BackupRetentionPeriod",
            applies: Some(applies_cfn),
            example: r#"Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
"#,
            fixed: r#"Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      BackupRetentionPeriod: 7
"#,
        }),
        want: Want::AtLeast(7.0),
        absent: Some("automated backups are kept for 1 day only, the default"),
        insecure: "a problem noticed after that many days can no longer be rolled back",
        fix_title: "Keep automated backups for 7 days",
        ..Setting::DEFAULT
    },
};

const ATTR: &str = "backup_retention_period";

/// Aurora members follow their cluster, and Aurora Serverless v1 keeps its own backups. A read replica is judged
/// on a retention it writes, except 0 (PostgreSQL replicas cannot keep backups).
fn applies(ctx: &TfContext, res: Resource) -> bool {
    if rds::is_cluster(res) {
        return rds::is_serverless_v1(ctx, res) == Some(false);
    }
    if rds::is_aurora_member(ctx, res) {
        return false;
    }
    if rds::is_replica(res) {
        return ctx.attr(res.block, ATTR).is_some_and(|(_, v)| v.as_f64() != Some(0.0));
    }
    true
}

fn applies_cfn(ctx: &CfnContext, res: CfnResource) -> bool {
    if res.ty == rds::CFN_CLUSTER {
        return rds::cfn_is_serverless_v1(ctx, res) == Some(false);
    }
    if rds::cfn_is_aurora_member(ctx, res) {
        return false;
    }
    if rds::cfn_is_replica(res) {
        return match ctx.prop(res, "BackupRetentionPeriod") {
            None | Some((_, Value::Null)) => false,
            Some((_, v)) => v.as_f64() != Some(0.0),
        };
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_retention_below_a_week() {
        let tf = r#"variable "days" {}
resource "aws_db_instance" "absent" {
  engine = "mysql"
}
resource "aws_db_instance" "six" {
  backup_retention_period = 6
}
resource "aws_rds_cluster" "three" {
  backup_retention_period = "3"
}
module "db" {
  source = "terraform-aws-modules/rds/aws"
}
resource "aws_db_instance" "replica_six" {
  replicate_source_db     = aws_db_instance.absent.identifier
  backup_retention_period = 6
}
resource "aws_db_instance" "week" {
  backup_retention_period = 7
}
resource "aws_db_instance" "replica" {
  replicate_source_db = aws_db_instance.absent.identifier
}
resource "aws_db_instance" "pg_replica" {
  replicate_source_db     = aws_db_instance.absent.identifier
  backup_retention_period = 0
}
resource "aws_db_instance" "member" {
  engine = "aurora-mysql"
}
resource "aws_rds_cluster" "serverless" {
  engine_mode = "serverless"
}
module "aurora" {
  source = "terraform-aws-modules/rds-aurora/aws"
}
resource "aws_db_instance" "unknown" {
  backup_retention_period = var.days
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 6, 16, 9, 11]);
        assert_eq!(check_fixes(&RULE, tf), 5);
    }

    #[test]
    fn cloudformation_retention() {
        // KICS: a cluster with 3 (its members are not judged), a replica with 6, an instance and a cluster without
        // the property; a cluster with 16, a replica with 7 and an instance with 10 pass.
        let yaml = "Resources:\n  Cluster:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora-mysql\n      BackupRetentionPeriod: 3\n  Member:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      DBClusterIdentifier: !Ref Cluster\n  Replica:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      SourceDBInstanceIdentifier: !Ref Source\n      BackupRetentionPeriod: 6\n  Bare:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: MySQL\n  Kept:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: MySQL\n      BackupRetentionPeriod: 10\n  QuietReplica:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      SourceDBInstanceIdentifier: !Ref Source\n";
        assert_eq!(cfn_lines(&RULE, yaml), [15, 16, 6]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 3);
    }
}
