use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "neptune-backup-retention-below-7-days",
    title: "Neptune keeps automated backups for fewer than 7 days",
    severity: Severity::Low,
    row: Row::BusinessContinuity,
    service: "Neptune",
    why: "Point-in-time restore only reaches back as far as the retention. With the 1-day default, a bad bulk load \
          or a malicious deletion noticed two days later cannot be undone.",
    aws_side: "AWS takes and stores the backups for the period the customer sets (1 to 35 days); choosing a period \
               that covers the time it takes to notice a problem is the customer's duty.",
    equivalents: Equivalents { checkov: &["CKV_AWS_361"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_neptune_cluster"],
            path: "backup_retention_period",
            example: r#"resource "aws_neptune_cluster" "graph" {
  backup_retention_period = 5
}"#,
            fixed: r#"resource "aws_neptune_cluster" "graph" {
  backup_retention_period = 7
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::Neptune::DBCluster"],
            path: "BackupRetentionPeriod",
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
      BackupRetentionPeriod: 7
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::AtLeast(7.0),
        absent: Some("automated backups are kept for 1 day only, the default"),
        insecure: "a problem noticed after that many days can no longer be rolled back",
        fix_title: "Keep automated backups for 7 days",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_short_retention() {
        let tf = r#"variable "days" {}
resource "aws_neptune_cluster" "absent" {
  engine = "neptune"
}
resource "aws_neptune_cluster" "five" {
  backup_retention_period = 5
}
resource "aws_neptune_cluster" "week" {
  backup_retention_period = "7"
}
resource "aws_neptune_cluster" "unknown" {
  backup_retention_period = var.days
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 6]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_short_retention() {
        let yaml = "Resources:\n  A:\n    Type: AWS::Neptune::DBCluster\n    Properties:\n      BackupRetentionPeriod: '3'\n  B:\n    Type: AWS::Neptune::DBCluster\n    Properties:\n      BackupRetentionPeriod: 35\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
