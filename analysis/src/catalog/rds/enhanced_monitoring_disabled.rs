use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "rds-enhanced-monitoring-disabled",
    title: "RDS Enhanced Monitoring is off",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "RDS",
    why: "Enhanced Monitoring gives per-second operating-system metrics (processes, memory, I/O) from the database \
          host. Without it, incident responders cannot tell a runaway query from resource exhaustion or from an \
          unexpected process, and frameworks that require host-level monitoring (NIST SI-4, Security Hub RDS.6) \
          are not met.",
    aws_side: "AWS runs the monitoring agent and ships the metrics to CloudWatch Logs when asked; asking, and \
               granting the monitoring role, is the customer's duty.",
    equivalents: Equivalents { checkov: &["CKV_AWS_118"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_db_instance", "aws_rds_cluster_instance"],
            modules: &[("rds", "monitoring_interval", true), ("rds-aurora", "monitoring_interval", true)],
            path: "monitoring_interval",
            applies: None,
            example: r#"resource "aws_db_instance" "db" {
  engine              = "postgres"
  monitoring_role_arn = aws_iam_role.rds_monitoring.arn
  monitoring_interval = 0
}"#,
            fixed: r#"resource "aws_db_instance" "db" {
  engine              = "postgres"
  monitoring_role_arn = aws_iam_role.rds_monitoring.arn
  monitoring_interval = 60
}"#,
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::RDS::DBInstance"],
            path: "MonitoringInterval",
            example: r#"Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      MonitoringRoleArn: !GetAtt MonitoringRole.Arn
"#,
            fixed: r#"Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      MonitoringRoleArn: !GetAtt MonitoringRole.Arn
      MonitoringInterval: 60
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::AtMost(60.0),
        absent: Some("Enhanced Monitoring is off (the default interval is 0), so no host metrics are collected"),
        insecure: "an interval of 0 turns Enhanced Monitoring off, so no host metrics are collected",
        fix: "Set `monitoring_interval` to 60 (or 1, 5, 10, 15 or 30 seconds) and give `monitoring_role_arn` a role \
              with `AmazonRDSEnhancedMonitoringRole` (the rds module makes one with `create_monitoring_role = \
              true`). In CloudFormation: `MonitoringInterval` and `MonitoringRoleArn`.",
        fix_title: "Collect host metrics every 60 seconds (needs a monitoring role)",
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_instances_without_enhanced_monitoring() {
        let tf = r#"variable "interval" {}
resource "aws_db_instance" "absent" {
  engine = "mysql"
}
resource "aws_rds_cluster_instance" "zero" {
  monitoring_interval = "0"
}
module "db" {
  source = "terraform-aws-modules/rds/aws"
}
resource "aws_db_instance" "on" {
  monitoring_interval = 15
}
resource "aws_db_instance" "unknown" {
  monitoring_interval = var.interval
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 6, 8]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn cloudformation_monitoring() {
        // Checkov's CloudFormation twin: the interval may be a string.
        let yaml = "Resources:\n  A:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      MonitoringInterval: '0'\n  B:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      MonitoringInterval: '60'\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
