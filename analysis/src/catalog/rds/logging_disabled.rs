use serde_json::Value as Json;

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::kit::rds;
use crate::kit::setting::set_cfn_path;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "rds-logging-disabled",
    title: "RDS does not export its logs to CloudWatch",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "RDS",
    why: "Without exported logs, the database's error, audit and slow-query logs stay on the instance, rotate \
          away within days, and disappear with it: failed logins, privilege changes and suspicious queries \
          leave no durable trace for an investigation or an audit.",
    aws_side: "AWS produces the engine logs and publishes them to CloudWatch Logs when asked. Choosing the logs \
               to export, their retention and who reviews them is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_129", "CKV_AWS_324"],
        kics: &["8d7f7b8c-6c7c-40f8-baa6-62006c6c7b56"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_db_instance`, `aws_rds_cluster` and rds / rds-aurora module calls whose \
               `enabled_cloudwatch_logs_exports` is not set or empty. Aurora cluster members (the cluster exports) \
               and Aurora Serverless v1 are skipped. In CloudFormation, `AWS::RDS::DBInstance` and \
               `AWS::RDS::DBCluster` without `EnableCloudwatchLogsExports` or with an empty list, with the same \
               exemptions.",
        fix: "Set `enabled_cloudwatch_logs_exports` to the engine's logs: `[\"postgresql\", \"upgrade\"]` for \
              PostgreSQL, `[\"error\", \"general\", \"slowquery\"]` for MySQL/MariaDB (plus `audit` with the audit \
              plugin), `[\"audit\", \"error\", \"general\", \"slowquery\"]` for Aurora MySQL, `[\"agent\", \
              \"error\"]` for SQL Server, `[\"alert\", \"audit\", \"listener\", \"trace\"]` for Oracle.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_db_instance", "aws_rds_cluster"],
            check,
            example: r#"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
}"#,
            fixed_example: r#"resource "aws_db_instance" "db" {
  engine                          = "postgres"
  instance_class                  = "db.t3.micro"
  enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &[rds::CFN_INSTANCE, rds::CFN_CLUSTER],
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
      EnableCloudwatchLogsExports:
        - postgresql
        - upgrade
"#,
        }),
    },
};

const ATTR: &str = "enabled_cloudwatch_logs_exports";

/// The logs worth exporting for an engine.
fn logs_for(engine: &str) -> Option<&'static str> {
    Some(match engine {
        "postgres" => r#"["postgresql", "upgrade"]"#,
        "aurora-postgresql" => r#"["postgresql"]"#,
        "mysql" | "mariadb" => r#"["error", "general", "slowquery"]"#,
        "aurora" | "aurora-mysql" => r#"["audit", "error", "general", "slowquery"]"#,
        "sqlserver-ex" => r#"["error"]"#,
        e if e.starts_with("sqlserver") => r#"["agent", "error"]"#,
        e if e.starts_with("oracle") || e.starts_with("custom-oracle") => r#"["alert", "audit", "listener", "trace"]"#,
        e if e.starts_with("db2") => r#"["diag.log", "notify.log"]"#,
        _ => return None,
    })
}

fn check(ctx: &mut TfContext) {
    let mut targets = Vec::new();
    for res in rds::instances(ctx) {
        if !rds::is_aurora_member(ctx, res) {
            targets.push((res, None));
        }
    }
    for res in rds::clusters(ctx) {
        if rds::is_serverless_v1(ctx, res) == Some(false) {
            targets.push((res, Some("aurora")));
        }
    }
    for (res, default_engine) in targets {
        let engine = match rds::engine(ctx, res) {
            Value::String(e) => Some(e),
            Value::Null => default_engine.map(str::to_string),
            _ => None,
        };
        let logs = engine.as_deref().and_then(logs_for);
        let file = ctx.file(res);
        match ctx.attr(res.block, ATTR) {
            None => {
                let message =
                    format!("`{}` does not export any log to CloudWatch (`{ATTR}` is not set)", res.address());
                let finding = ctx.report(res, res.block.header, message);
                if let Some(logs) = logs {
                    let fix =
                        Fix::new("Export the engine's logs", vec![edit::set_attribute(file, res.block, ATTR, logs)]);
                    finding.fixes.push(fix);
                }
            }
            Some((attr, Value::List(items))) if items.is_empty() => {
                let message = format!("`{}` exports no log to CloudWatch (`{ATTR}` is empty)", res.address());
                let finding = ctx.report(res, attr.range, message);
                if let Some(logs) = logs {
                    let fix =
                        Fix::new("Export the engine's logs", vec![Edit { range: attr.expr.range, text: logs.into() }]);
                    finding.fixes.push(fix);
                }
            }
            _ => {}
        }
    }
}

const CFN_PROP: &str = "EnableCloudwatchLogsExports";

/// The engine's logs as a JSON list, for a template's fix.
fn logs_json(engine: &str) -> Option<Json> {
    serde_json::from_str(logs_for(engine)?).ok()
}

fn check_cfn(ctx: &mut CfnContext) {
    let mut targets = Vec::new();
    for res in ctx.resources(rds::CFN_INSTANCE) {
        if !rds::cfn_is_aurora_member(ctx, res) && !rds::cfn_is_replica(res) {
            targets.push(res);
        }
    }
    for res in ctx.resources(rds::CFN_CLUSTER) {
        if rds::cfn_is_serverless_v1(ctx, res) == Some(false) {
            targets.push(res);
        }
    }
    for res in targets {
        let logs = rds::cfn_engine(ctx, res).as_str().and_then(logs_json);
        match ctx.prop(res, CFN_PROP) {
            None | Some((_, Value::Null)) => {
                let range = ctx.header(res);
                let edit = logs.map(|l| set_cfn_path(ctx.template, res, CFN_PROP, &l));
                let message =
                    format!("`{}` does not export any log to CloudWatch (`{CFN_PROP}` is not set)", res.logical_id);
                let finding = ctx.report(res, range, message);
                if let Some(edit) = edit {
                    finding.fixes.push(Fix::new("Export the engine's logs", vec![edit]));
                }
            }
            Some((node, Value::List(items))) if items.is_empty() => {
                let range = ctx.prop_range(res, CFN_PROP).unwrap_or(node.range);
                let edit = logs.map(|l| cfn_edit::replace_value(ctx.template, node, &l));
                let message = format!("`{}` exports no log to CloudWatch (`{CFN_PROP}` is empty)", res.logical_id);
                let finding = ctx.report(res, range, message);
                if let Some(edit) = edit {
                    finding.fixes.push(Fix::new("Export the engine's logs", vec![edit]));
                }
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
    fn flags_databases_without_log_exports() {
        let tf = r#"resource "aws_db_instance" "a" {
  engine = "postgres"
}
resource "aws_db_instance" "b" {
  engine                          = "mysql"
  enabled_cloudwatch_logs_exports = []
}
module "db" {
  source = "terraform-aws-modules/rds/aws"
  engine = "sqlserver-se"
}
resource "aws_rds_cluster" "c" {
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 6, 8, 12]);
        assert_eq!(check_fixes(&RULE, tf), 4);
    }

    #[test]
    fn exporting_members_and_unknowns_are_not_flagged() {
        let tf = r#"variable "logs" {}
resource "aws_db_instance" "a" {
  engine                          = "postgres"
  enabled_cloudwatch_logs_exports = ["upgrade"]
}
resource "aws_db_instance" "member" {
  engine = "aurora-mysql"
}
resource "aws_db_instance" "v" {
  engine                          = "mysql"
  enabled_cloudwatch_logs_exports = var.logs
}
resource "aws_rds_cluster" "serverless" {
  engine_mode = "serverless"
}
"#;
        assert!(lines(&RULE, tf).is_empty());
    }

    #[test]
    fn cloudformation_databases_without_log_exports() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Parameters:
  Logs:
    Type: CommaDelimitedList
Resources:
  Absent:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: mysql
  Empty:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      EnableCloudwatchLogsExports: []
  Exporting:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      EnableCloudwatchLogsExports: [postgresql]
  Member:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: aurora-mysql
      DBClusterIdentifier: !Ref Empty
  Unknown:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: mysql
      EnableCloudwatchLogsExports: !Ref Logs
  Serverless:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-mysql
      EngineMode: serverless
";
        assert_eq!(cfn_lines(&RULE, yaml), [5, 13]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
