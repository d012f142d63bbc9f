use crate::kit::declared::{Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "ebs-snapshot-copy-not-encrypted-cmk",
    title: "EBS snapshot copy is not encrypted with a customer-managed KMS key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "EBS",
    why: "Snapshot copies are how data moves to other regions and accounts (backups, disaster recovery, sharing); \
          under a customer-managed key, who can restore them stays under your control and every use is logged.",
    aws_side: "AWS encrypts the copy. The choice of key, and its policy, are the customer's.",
    equivalents: Equivalents { checkov: &["CKV_AWS_183"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_ebs_snapshot_copy"],
            path: "kms_key_id",
            example: r#"resource "aws_ebs_snapshot_copy" "dr" {
  source_snapshot_id = "snap-12345678"
  source_region      = "eu-west-1"
  encrypted          = true
}"#,
            fixed: r#"resource "aws_ebs_snapshot_copy" "dr" {
  source_snapshot_id = "snap-12345678"
  source_region      = "eu-west-1"
  encrypted          = true
  kms_key_id = "<customer-managed-kms-key-arn>"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: None,
        want: Want::Kms,
        absent: Some("the copy is encrypted (if at all) with the AWS-managed `aws/ebs` key"),
        insecure: "an AWS-managed key is governed by no key policy of yours",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_copies_without_a_customer_key() {
        let tf = r#"resource "aws_ebs_snapshot_copy" "absent" {
  encrypted = true
}
resource "aws_ebs_snapshot_copy" "managed" {
  kms_key_id = "alias/aws/ebs"
}
resource "aws_ebs_snapshot_copy" "cmk" {
  kms_key_id = var.key
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 5]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }
}
