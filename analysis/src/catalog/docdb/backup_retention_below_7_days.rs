use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "docdb-backup-retention-below-7-days",
    title: "DocumentDB keeps automated backups for fewer than 7 days",
    severity: Severity::Low,
    row: Row::BusinessContinuity,
    service: "DocumentDB",
    why: "Point-in-time restore only reaches back as far as the retention. With the 1-day default, a bad deployment \
          or a deliberate deletion noticed two days later cannot be undone.",
    aws_side: "AWS takes and stores the backups for the period the customer sets (1 to 35 days); choosing a period \
               that covers the time it takes to notice a problem is the customer's duty.",
    equivalents: Equivalents { checkov: &["CKV_AWS_360"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_docdb_cluster"],
            path: "backup_retention_period",
            example: r#"resource "aws_docdb_cluster" "docs" {
  backup_retention_period = 5
}"#,
            fixed: r#"resource "aws_docdb_cluster" "docs" {
  backup_retention_period = 7
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::DocDB::DBCluster"],
            path: "BackupRetentionPeriod",
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
resource "aws_docdb_cluster" "absent" {
  engine = "docdb"
}
resource "aws_docdb_cluster" "five" {
  backup_retention_period = 5
}
resource "aws_docdb_cluster" "week" {
  backup_retention_period = "7"
}
resource "aws_docdb_cluster" "unknown" {
  backup_retention_period = var.days
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 6]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_short_retention() {
        let yaml = "Resources:\n  A:\n    Type: AWS::DocDB::DBCluster\n    Properties:\n      BackupRetentionPeriod: '3'\n  B:\n    Type: AWS::DocDB::DBCluster\n    Properties:\n      BackupRetentionPeriod: 35\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
