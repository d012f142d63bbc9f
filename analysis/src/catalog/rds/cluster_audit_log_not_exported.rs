use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::kit::rds;
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};
use crate::terraform::check::{Resource, TfContext};
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "rds-cluster-audit-log-not-exported",
    title: "Aurora MySQL cluster exports logs, but not its audit log",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "RDS",
    why: "The MySQL audit log is the record of who connected and which statements changed data or privileges. \
          Exporting the error and slow-query logs only leaves no trail of a stolen credential being used or of a \
          privilege grant, which is what an investigation needs first.",
    aws_side: "AWS runs the audit plugin and ships the log to CloudWatch Logs when the customer enables both the \
               export and the `server_audit_logging` parameter; enabling and retaining them is the customer's duty.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_325"],
        kics: &[],
        trivy: &[],
        how: "Checkov also flags clusters that export no logs at all, which `rds-logging-disabled` reports; this \
              rule flags a MySQL-compatible cluster whose exports leave out `audit`.",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_rds_cluster"],
            modules: &[("rds-aurora", "enabled_cloudwatch_logs_exports", false)],
            path: "enabled_cloudwatch_logs_exports",
            applies: Some(applies),
            example: r#"resource "aws_rds_cluster" "db" {
  engine                          = "aurora-mysql"
  enabled_cloudwatch_logs_exports = ["error", "slowquery"]
}"#,
            fixed: r#"resource "aws_rds_cluster" "db" {
  engine                          = "aurora-mysql"
  enabled_cloudwatch_logs_exports = ["error", "slowquery", "audit"]
}"#,
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::RDS::DBCluster"],
            path: "EnableCloudwatchLogsExports",
            applies: Some(applies_cfn),
            example: r#"Resources:
  Db:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-mysql
      EnableCloudwatchLogsExports: [error, slowquery]
"#,
            fixed: r#"Resources:
  Db:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-mysql
      EnableCloudwatchLogsExports: [error, slowquery, audit]
"#,
        }),
        want: Want::Contains(&["audit"]),
        absent: None,
        insecure: "the audit log is not exported, so there is no record of who connected or what they changed (it \
                   also needs `server_audit_logging = 1` in the cluster parameter group)",
        fix_title: "Export the audit log",
        ..Setting::DEFAULT
    },
};

/// MySQL-compatible engines (a cluster without an engine is Aurora MySQL); not Serverless v1, which cannot
/// export; and only a list that exports something (`rds-logging-disabled` reports an empty one).
fn mysql(engine: &Value) -> bool {
    match engine {
        Value::Null => true,
        v => v.as_str().is_some_and(|e| matches!(e, "aurora" | "aurora-mysql" | "mysql")),
    }
}

fn exports_something(v: Option<Value>) -> bool {
    v.is_some_and(|v| v.as_list().is_none_or(|l| !l.is_empty()))
}

fn applies(ctx: &TfContext, res: Resource) -> bool {
    mysql(&rds::engine(ctx, res))
        && rds::is_serverless_v1(ctx, res) == Some(false)
        && exports_something(ctx.attr(res.block, "enabled_cloudwatch_logs_exports").map(|(_, v)| v))
}

fn applies_cfn(ctx: &CfnContext, res: CfnResource) -> bool {
    mysql(&rds::cfn_engine(ctx, res))
        && rds::cfn_is_serverless_v1(ctx, res) == Some(false)
        && exports_something(ctx.prop(res, "EnableCloudwatchLogsExports").map(|(_, v)| v).filter(|v| *v != Value::Null))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_mysql_clusters_exporting_logs_without_audit() {
        let tf = r#"variable "logs" {}
resource "aws_rds_cluster" "no_audit" {
  engine                          = "aurora-mysql"
  enabled_cloudwatch_logs_exports = ["error"]
}
resource "aws_rds_cluster" "default_engine" {
  enabled_cloudwatch_logs_exports = ["slowquery"]
}
resource "aws_rds_cluster" "audit" {
  enabled_cloudwatch_logs_exports = ["audit", "error"]
}
resource "aws_rds_cluster" "none" {
  engine = "aurora-mysql"
}
resource "aws_rds_cluster" "postgres" {
  engine                          = "aurora-postgresql"
  enabled_cloudwatch_logs_exports = ["postgresql"]
}
resource "aws_rds_cluster" "unknown" {
  enabled_cloudwatch_logs_exports = var.logs
}
"#;
        assert_eq!(lines(&RULE, tf), [4, 7]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_audit_export() {
        let yaml = "Resources:\n  A:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: mysql\n      EnableCloudwatchLogsExports:\n        - error\n  B:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora-mysql\n      EngineMode: serverless\n      EnableCloudwatchLogsExports: [error]\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
