use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "efs-not-encrypted-cmk",
    title: "EFS file system is not encrypted with a customer-managed KMS key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "EFS",
    why: "Under the AWS-managed `aws/elasticfilesystem` key, anyone in the account allowed to mount the file system \
          reads its files, and the key's policy cannot be narrowed, its use cannot be revoked by disabling it, and \
          backups cannot be restored into another account under a key you share. A customer-managed key gives the \
          data an access boundary of its own.",
    aws_side: "EFS encrypts with the key it is given at creation, or with the AWS-managed key when none is named; \
               creating a customer-managed key and governing it with a key policy is the customer's choice. The key \
               cannot be changed later: the file system must be replaced.",
    equivalents: Equivalents { checkov: &[], kics: &["25d251f3-f348-4f95-845c-1090e41a615c"], trivy: &[] },
    related: Related {
        checkov: &[],
        kics: &["6d087495-2a42-4735-abf7-02ef5660a7e6"],
        trivy: &[],
        how: "KICS's CloudFormation EFS Without KMS (6d087495) fails only a file system that says `Encrypted: false` \
              without a `KmsKeyId`; this rule flags every file system without a customer-managed `KmsKeyId`, \
              encrypted or not, and passes `Encrypted: false` with a key.",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_efs_file_system"],
            path: "kms_key_id",
            example: r#"resource "aws_efs_file_system" "shared" {
  creation_token = "shared"
  encrypted      = true
}"#,
            fixed: r#"resource "aws_efs_file_system" "shared" {
  creation_token = "shared"
  encrypted      = true
  kms_key_id = "<customer-managed-kms-key-arn>"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::EFS::FileSystem"],
            path: "KmsKeyId",
            example: r#"Resources:
  Shared:
    Type: AWS::EFS::FileSystem
    Properties:
      Encrypted: true
"#,
            fixed: r#"Resources:
  Shared:
    Type: AWS::EFS::FileSystem
    Properties:
      Encrypted: true
      KmsKeyId: '<customer-managed-kms-key-arn>'
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Kms,
        absent: Some(
            "it is encrypted, if at all, with the AWS-managed `aws/elasticfilesystem` key, which no key policy of \
             yours governs",
        ),
        insecure: "an AWS-managed key is governed by no key policy of yours",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_file_systems_without_a_customer_key() {
        let tf = r#"variable "key" {}
resource "aws_efs_file_system" "absent" {
  encrypted = true
}
resource "aws_efs_file_system" "managed" {
  encrypted  = true
  kms_key_id = "arn:aws:kms:eu-west-1:111122223333:alias/aws/elasticfilesystem"
}
resource "aws_efs_file_system" "cmk" {
  encrypted  = true
  kms_key_id = aws_kms_key.efs.arn
}
resource "aws_efs_file_system" "unknown" {
  encrypted  = true
  kms_key_id = var.key
}
resource "aws_efs_file_system" "unencrypted" {
  creation_token = "u"
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 7, 17]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn cloudformation_file_systems() {
        let yaml = "Parameters:\n  Key: {Type: String}\nResources:\n  A:\n    Type: AWS::EFS::FileSystem\n    Properties:\n      Encrypted: true\n  B:\n    Type: AWS::EFS::FileSystem\n    Properties:\n      Encrypted: true\n      KmsKeyId: !Ref Key\n  C:\n    Type: AWS::EFS::FileSystem\n    Properties:\n      Encrypted: true\n      KmsKeyId: alias/aws/elasticfilesystem\n  D:\n    Type: AWS::EFS::FileSystem\n    Properties:\n      Encrypted: true\n      KmsKeyId: !GetAtt Key.Arn\n";
        assert_eq!(cfn_lines(&RULE, yaml), [4, 17]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
