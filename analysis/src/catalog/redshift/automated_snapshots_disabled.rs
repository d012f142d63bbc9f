use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "redshift-automated-snapshots-disabled",
    title: "Redshift cluster has automated snapshots turned off",
    severity: Severity::Medium,
    row: Row::BusinessContinuity,
    service: "Redshift",
    why: "With a retention of 0 Redshift takes no automated snapshots: a dropped schema, a bad ETL run or a deleted \
          cluster cannot be restored to any recent point.",
    aws_side: "AWS takes incremental snapshots every 8 hours or 5 GB of changes when the retention is above 0 \
               (Security Hub Redshift.3); keeping them on is the customer's duty.",
    equivalents: Equivalents { checkov: &["CKV_AWS_343"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_redshift_cluster"],
            path: "automated_snapshot_retention_period",
            example: r#"resource "aws_redshift_cluster" "dw" {
  cluster_identifier                  = "dw"
  automated_snapshot_retention_period = 0
}"#,
            fixed: r#"resource "aws_redshift_cluster" "dw" {
  cluster_identifier                  = "dw"
  automated_snapshot_retention_period = 7
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::Redshift::Cluster"],
            path: "AutomatedSnapshotRetentionPeriod",
            example: r#"Resources:
  Warehouse:
    Type: AWS::Redshift::Cluster
    Properties:
      AutomatedSnapshotRetentionPeriod: 0
"#,
            fixed: r#"Resources:
  Warehouse:
    Type: AWS::Redshift::Cluster
    Properties:
      AutomatedSnapshotRetentionPeriod: 7
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::NumberNot { insecure: 0.0, fix: 7.0 },
        absent: None,
        insecure: "no automated snapshots are taken, so the cluster cannot be restored to a recent point",
        fix_title: "Keep automated snapshots for 7 days",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_retention_zero_only() {
        let tf = r#"variable "days" {}
resource "aws_redshift_cluster" "off" {
  automated_snapshot_retention_period = "0"
}
resource "aws_redshift_cluster" "default" {
  node_type = "dc2.large"
}
resource "aws_redshift_cluster" "one" {
  automated_snapshot_retention_period = 1
}
resource "aws_redshift_cluster" "unknown" {
  automated_snapshot_retention_period = var.days
}
"#;
        assert_eq!(lines(&RULE, tf), [3]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }

    #[test]
    fn cloudformation_snapshots() {
        let yaml = "Resources:\n  A:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      AutomatedSnapshotRetentionPeriod: 0\n  B:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      NodeType: dc2.large\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
