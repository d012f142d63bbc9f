use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::kit::rds;
use crate::kit::setting;
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "rds-backup-disabled",
    title: "RDS automated backups are off or left to the 1-day default",
    severity: Severity::Medium,
    row: Row::BusinessContinuity,
    service: "RDS",
    why: "Automated backups are what point-in-time recovery restores from. With retention 0 there is nothing to \
          restore after a bad migration, a deleted table or ransomware; with the 1-day default, a problem \
          noticed after a weekend is already past recovery.",
    aws_side: "AWS takes the snapshots, stores the transaction logs and performs the restore, for as many days \
               as the customer asks. Choosing a retention period that matches the recovery objectives is the \
               customer's duty.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["e542bd46-58c4-4e0f-a52a-1fb4f9548e02"],
        trivy: &["AVD-AWS-0077", "aws-rds-specify-backup-retention"],
    },
    related: Related {
        checkov: &["CKV_AWS_133"],
        kics: &["1dc73fb4-5b51-430c-8c5f-25dcf9090b02", "8c415f6f-7b90-4a27-a44a-51047e1506f9"],
        trivy: &[],
        how: "Checkov's CKV_AWS_133 fails only an explicit 0 and passes an instance that leaves \
              `backup_retention_period` out, which this rule flags. KICS's Terraform RDS With Backup Disabled \
              (1dc73fb4) also fails read replicas and Aurora members that leave it out, which this rule skips; its \
              CloudFormation query (8c415f6f) fails only an explicit 0 on an `AWS::RDS::DBInstance` (replicas and \
              Aurora members included) and passes one that leaves `BackupRetentionPeriod` out, which this rule flags.",
    },
    matcher: &Custom {
        what: "Flags `aws_db_instance`, `aws_rds_cluster` and rds module calls whose `backup_retention_period` is \
               `0` (automated backups off) or not set (AWS keeps automated backups for 1 day only). Read replicas, \
               Aurora cluster members and Aurora Serverless v1 are skipped.",
        fix: "Set `backup_retention_period` to the number of days you need to be able to go back (7 or more).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_db_instance", "aws_rds_cluster"],
            check,
            example: r#"resource "aws_db_instance" "db" {
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  backup_retention_period = 0
}"#,
            fixed_example: r#"resource "aws_db_instance" "db" {
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  backup_retention_period = 7
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
      BackupRetentionPeriod: 0
"#,
            fixed_example: r#"Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      BackupRetentionPeriod: 7
"#,
        }),
    },
};

const ATTR: &str = "backup_retention_period";

fn check(ctx: &mut TfContext) {
    let mut targets = Vec::new();
    for res in rds::instances(ctx) {
        if !setting::has_any(res, &["replicate_source_db"]) && !rds::is_aurora_member(ctx, res) {
            targets.push(res);
        }
    }
    for res in ctx.resources(rds::CLUSTER).collect::<Vec<_>>() {
        if rds::is_serverless_v1(ctx, res) == Some(false) {
            targets.push(res);
        }
    }
    for res in targets {
        let file = ctx.file(res);
        match ctx.attr(res.block, ATTR) {
            None => {
                let fix = Fix::new("Keep backups for 7 days", vec![edit::set_attribute(file, res.block, ATTR, "7")]);
                let message = format!(
                    "`{}` does not set `{ATTR}`: AWS keeps its automated backups for only 1 day (the default)",
                    res.address()
                );
                ctx.report_with_fix(res, res.block.header, message, fix);
            }
            Some((attr, v)) if v.as_f64() == Some(0.0) => {
                let fix = Fix::new("Keep backups for 7 days", vec![Edit { range: attr.expr.range, text: "7".into() }]);
                let message = format!("`{}` sets `{ATTR} = 0`, which turns automated backups off", res.address());
                ctx.report_with_fix(res, attr.range, message, fix);
            }
            _ => {}
        }
    }
}

const CFN_PROP: &str = "BackupRetentionPeriod";

fn check_cfn(ctx: &mut CfnContext) {
    let mut targets = Vec::new();
    for res in ctx.resources(rds::CFN_INSTANCE).collect::<Vec<_>>() {
        if !rds::cfn_is_replica(res) && !rds::cfn_is_aurora_member(ctx, res) {
            targets.push(res);
        }
    }
    for res in ctx.resources(rds::CFN_CLUSTER).collect::<Vec<_>>() {
        if rds::cfn_is_serverless_v1(ctx, res) == Some(false) {
            targets.push(res);
        }
    }
    for res in targets {
        match ctx.prop(res, CFN_PROP) {
            None | Some((_, Value::Null)) => {
                let edit = cfn_edit::set_property(ctx.template, res, CFN_PROP, &json!(7));
                let message = format!(
                    "`{}` does not set `{CFN_PROP}`: AWS keeps its automated backups for only 1 day (the default)",
                    res.logical_id
                );
                let range = ctx.header(res);
                ctx.report(res, range, message).fixes.push(Fix::new("Keep backups for 7 days", vec![edit]));
            }
            Some((node, v)) if v.as_f64() == Some(0.0) => {
                let edit = cfn_edit::replace_value(ctx.template, node, &json!(7));
                let message = format!("`{}` sets `{CFN_PROP}: 0`, which turns automated backups off", res.logical_id);
                let range = ctx.prop_range(res, CFN_PROP).unwrap_or(node.range);
                ctx.report(res, range, message).fixes.push(Fix::new("Keep backups for 7 days", vec![edit]));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_disabled_and_default_retention() {
        let tf = r#"resource "aws_db_instance" "a" {
  engine                  = "mysql"
  backup_retention_period = 0
}
resource "aws_db_instance" "b" {
  engine = "mysql"
}
module "db" {
  source                  = "terraform-aws-modules/rds/aws"
  backup_retention_period = "0"
}
resource "aws_rds_cluster" "c" {
  engine = "aurora-postgresql"
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 5, 10, 12]);
        assert_eq!(check_fixes(&RULE, tf), 4);
    }

    #[test]
    fn retained_replicas_and_unknowns_are_not_flagged() {
        let tf = r#"variable "days" {}
resource "aws_db_instance" "a" {
  backup_retention_period = 12
}
resource "aws_db_instance" "replica" {
  replicate_source_db = "a"
}
resource "aws_db_instance" "member" {
  engine = "aurora-mysql"
}
resource "aws_db_instance" "v" {
  backup_retention_period = var.days
}
resource "aws_rds_cluster" "serverless" {
  engine_mode = "serverless"
}
resource "aws_rds_cluster" "c" {
  backup_retention_period = 5
}
"#;
        assert!(lines(&RULE, tf).is_empty());
    }

    #[test]
    fn cloudformation_backups() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: oracle-ee\n      BackupRetentionPeriod: 0\n  B:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora-mysql\n  C:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      EngineMode: serverless\n  D:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      SourceDBInstanceIdentifier: !Ref A\n  E:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      BackupRetentionPeriod: '7'\n  F:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      BackupRetentionPeriod: !Ref Days\nParameters:\n  Days:\n    Type: Number\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6, 7]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
