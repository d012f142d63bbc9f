use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "backup-vault-not-cmk",
    title: "Backup vault is not encrypted with a customer-managed KMS key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "AWS Backup",
    why: "Recovery points of services without encryption of their own (EFS, DynamoDB with AWS Backup features, S3) \
          are encrypted with the vault's key. With `aws/backup`, anyone in the account with restore rights can \
          decrypt them, and copies to a separate backup account cannot use the key.",
    aws_side: "AWS encrypts recovery points with the vault's key; choosing a customer-managed key, ideally in a \
               backup account, is the customer's option.",
    equivalents: Equivalents { checkov: &["CKV_AWS_166"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_backup_vault"],
            path: "kms_key_arn",
            example: r#"resource "aws_backup_vault" "main" {
  name = "main"
}"#,
            fixed: r#"resource "aws_backup_vault" "main" {
  name = "main"
  kms_key_arn = "<customer-managed-kms-key-arn>"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::Backup::BackupVault"],
            path: "EncryptionKeyArn",
            example: r#"Resources:
  Vault:
    Type: AWS::Backup::BackupVault
    Properties:
      BackupVaultName: main
"#,
            fixed: r#"Resources:
  Vault:
    Type: AWS::Backup::BackupVault
    Properties:
      BackupVaultName: main
      EncryptionKeyArn: '<customer-managed-kms-key-arn>'
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Kms,
        absent: Some("its recovery points are encrypted with the AWS-managed `aws/backup` key, which no key policy of yours governs"),
        insecure: "an AWS-managed key is governed by no key policy of yours",
        fix_title: "Use a customer-managed KMS key (placeholder to replace; replaces the vault)",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_vaults_without_a_customer_key() {
        let tf = r#"variable "key" {}
resource "aws_backup_vault" "absent" {
  name = "a"
}
resource "aws_backup_vault" "managed" {
  kms_key_arn = "alias/aws/backup"
}
resource "aws_backup_vault" "cmk" {
  kms_key_arn = var.key
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 6]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_vault_keys() {
        let yaml = "Resources:\n  A:\n    Type: AWS::Backup::BackupVault\n    Properties:\n      BackupVaultName: a\n  B:\n    Type: AWS::Backup::BackupVault\n    Properties:\n      EncryptionKeyArn: !GetAtt Key.Arn\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
