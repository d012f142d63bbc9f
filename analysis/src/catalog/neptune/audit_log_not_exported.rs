use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "neptune-audit-log-not-exported",
    title: "Neptune cluster does not export its audit log to CloudWatch",
    severity: Severity::Medium,
    row: Row::Compliance,
    service: "Neptune",
    why: "The audit log records every query and the principal that sent it. Without it in CloudWatch, there is no \
          evidence of who read or changed the graph, no alerting on unusual access, and the log on the instances \
          is lost when they are replaced.",
    aws_side: "AWS writes and ships the audit log when the cluster parameter `neptune_enable_audit_log` is 1 and the \
               export is enabled; both are the customer's settings, as is the log group's retention.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_101"],
        kics: &["45cff7b6-3b80-40c1-ba7b-2cf480678bb8"],
        trivy: &["AVD-AWS-0075", "aws-neptune-enable-log-export"],
    },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_neptune_cluster"],
            path: "enable_cloudwatch_logs_exports",
            example: r#"resource "aws_neptune_cluster" "graph" {
  enable_cloudwatch_logs_exports = ["slowquery"]
}"#,
            fixed: r#"resource "aws_neptune_cluster" "graph" {
  enable_cloudwatch_logs_exports = ["slowquery", "audit"]
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::Neptune::DBCluster"],
            path: "EnableCloudwatchLogsExports",
            example: r#"Resources:
  Graph:
    Type: AWS::Neptune::DBCluster
    Properties:
      StorageEncrypted: true
"#,
            fixed: r#"Resources:
  Graph:
    Type: AWS::Neptune::DBCluster
    Properties:
      StorageEncrypted: true
      EnableCloudwatchLogsExports: [audit]
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Contains(&["audit"]),
        absent: Some(
            "no audit log reaches CloudWatch (the export also needs the cluster parameter `neptune_enable_audit_log = 1`)",
        ),
        insecure: "the audit log is not exported, so there is no record of who queried the graph (the export also \
                   needs the cluster parameter `neptune_enable_audit_log = 1`)",
        fix_title: "Export the audit log",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_clusters_without_the_audit_export() {
        // KICS: absent, `[]` and `["error"]` fail; `["audit"]` and `["audit", "error"]` pass.
        let tf = r#"variable "logs" {}
resource "aws_neptune_cluster" "absent" {
  engine = "neptune"
}
resource "aws_neptune_cluster" "empty" {
  enable_cloudwatch_logs_exports = []
}
resource "aws_neptune_cluster" "error" {
  enable_cloudwatch_logs_exports = ["error"]
}
resource "aws_neptune_cluster" "audit" {
  enable_cloudwatch_logs_exports = ["audit", "error"]
}
resource "aws_neptune_cluster" "unknown" {
  enable_cloudwatch_logs_exports = var.logs
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 6, 9]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn cloudformation_audit_export() {
        let yaml = "Resources:\n  A:\n    Type: AWS::Neptune::DBCluster\n    Properties:\n      EnableCloudwatchLogsExports: []\n  B:\n    Type: AWS::Neptune::DBCluster\n    Properties:\n      EnableCloudwatchLogsExports:\n        - audit\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
