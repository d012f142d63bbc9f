use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "docdb-logs-not-exported",
    title: "DocumentDB cluster does not export both its audit and profiler logs",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "DocumentDB",
    why: "The audit log records authentications, authorization failures and schema changes; the profiler log \
          records slow and unusual operations, which is where data scraping and runaway queries show up. Without \
          both in CloudWatch, an investigation has neither who did it nor what they ran.",
    aws_side: "AWS produces the logs when the cluster parameter group enables them (`audit_logs`, `profiler`) and \
               ships them when the export is on; both settings and the logs' retention are the customer's.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["56f6a008-1b14-4af4-b9b2-ab7cf7e27641", "1bf3b3d4-f373-4d7c-afbb-7d85948a67a5"],
        trivy: &[],
    },
    related: Related {
        checkov: &["CKV_AWS_85"],
        kics: &[],
        trivy: &["AVD-AWS-0020", "aws-documentdb-enable-log-export"],
        how: "They are satisfied by either log type; this rule wants both `audit` and `profiler` exported.",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_docdb_cluster"],
            path: "enabled_cloudwatch_logs_exports",
            example: r#"resource "aws_docdb_cluster" "docs" {
  enabled_cloudwatch_logs_exports = ["profiler"]
}"#,
            fixed: r#"resource "aws_docdb_cluster" "docs" {
  enabled_cloudwatch_logs_exports = ["profiler", "audit"]
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::DocDB::DBCluster"],
            path: "EnableCloudwatchLogsExports",
            example: r#"Resources:
  Docs:
    Type: AWS::DocDB::DBCluster
    Properties:
      StorageEncrypted: true
"#,
            fixed: r#"Resources:
  Docs:
    Type: AWS::DocDB::DBCluster
    Properties:
      StorageEncrypted: true
      EnableCloudwatchLogsExports: [audit, profiler]
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Contains(&["audit", "profiler"]),
        absent: Some("neither its audit log nor its profiler log reaches CloudWatch"),
        insecure: "the audit and profiler logs are not both exported, so an investigation lacks who connected or \
                   what ran",
        fix_title: "Export the audit and profiler logs",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_clusters_missing_a_log_type() {
        // KICS: absent, `[]`, `["profiler"]` and `["audit"]` fail; both pass.
        let tf = r#"variable "logs" {}
resource "aws_docdb_cluster" "absent" {
  engine = "docdb"
}
resource "aws_docdb_cluster" "empty" {
  enabled_cloudwatch_logs_exports = []
}
resource "aws_docdb_cluster" "audit_only" {
  enabled_cloudwatch_logs_exports = ["audit"]
}
resource "aws_docdb_cluster" "both" {
  enabled_cloudwatch_logs_exports = ["profiler", "audit"]
}
resource "aws_docdb_cluster" "unknown" {
  enabled_cloudwatch_logs_exports = var.logs
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 6, 9]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn cloudformation_log_exports() {
        let yaml = "Resources:\n  A:\n    Type: AWS::DocDB::DBCluster\n    Properties:\n      EnableCloudwatchLogsExports:\n        - error\n        - general\n        - profiler\n  B:\n    Type: AWS::DocDB::DBCluster\n    Properties:\n      EnableCloudwatchLogsExports: [error, general, profiler, audit]\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
