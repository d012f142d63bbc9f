use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "kms-key-short-deletion-window",
    title: "KMS key deletion waiting period is shorter than the 30-day maximum",
    severity: Severity::Low,
    row: Row::BusinessContinuity,
    service: "KMS",
    why: "Deleting a key cannot be undone and destroys every ciphertext under it; the waiting period is the only \
          time left to notice a mistaken or malicious `ScheduleKeyDeletion` and cancel it. Development keys often \
          use 7 days on purpose.",
    aws_side: "KMS enforces the waiting period you choose (7 to 30 days); choosing the longest is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &[],
        kics: &["0b530315-0ea4-497f-b34c-4ff86268f59d"],
        trivy: &[],
        how: "KICS flags keys that leave the waiting period out (30 days, the safest value) and accepts 10 days.",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_kms_key", "aws_kms_external_key", "aws_kms_replica_key"],
            path: "deletion_window_in_days",
            example: r#"resource "aws_kms_key" "data" {
  description             = "data"
  deletion_window_in_days = 7
}"#,
            fixed: r#"resource "aws_kms_key" "data" {
  description             = "data"
  deletion_window_in_days = 30
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::KMS::Key", "AWS::KMS::ReplicaKey"],
            path: "PendingWindowInDays",
            example: r#"Resources:
  DataKey:
    Type: AWS::KMS::Key
    Properties:
      PendingWindowInDays: 7
"#,
            fixed: r#"Resources:
  DataKey:
    Type: AWS::KMS::Key
    Properties:
      PendingWindowInDays: 30
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::AtLeast(30.0),
        absent: None,
        insecure: "a scheduled deletion of the key leaves less than the longest time to notice and cancel it",
        fix_title: "Wait 30 days before deleting the key",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_windows_below_30_days() {
        let tf = r#"resource "aws_kms_key" "absent" {
  description = "k"
}
resource "aws_kms_key" "ten" {
  deletion_window_in_days = 10
}
resource "aws_kms_replica_key" "seven" {
  deletion_window_in_days = "7"
}
resource "aws_kms_key" "thirty" {
  deletion_window_in_days = 30
}
"#;
        assert_eq!(lines(&RULE, tf), [5, 8]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }
}
