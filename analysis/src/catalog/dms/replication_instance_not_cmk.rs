use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "dms-replication-instance-not-cmk",
    title: "DMS replication instance storage is not encrypted with a customer-managed KMS key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "DMS",
    why: "The replication instance's storage buffers change data and task logs from production databases. With the \
          AWS-managed `aws/dms` key the customer cannot limit who may decrypt it or revoke access to it.",
    aws_side: "AWS always encrypts the storage; a customer-managed key is the customer's option.",
    equivalents: Equivalents { checkov: &["CKV_AWS_212"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_dms_replication_instance"],
            path: "kms_key_arn",
            example: r#"resource "aws_dms_replication_instance" "migration" {
  replication_instance_id = "migration"
}"#,
            fixed: r#"resource "aws_dms_replication_instance" "migration" {
  replication_instance_id = "migration"
  kms_key_arn = "<customer-managed-kms-key-arn>"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::DMS::ReplicationInstance"],
            path: "KmsKeyId",
            example: r#"Resources:
  Migration:
    Type: AWS::DMS::ReplicationInstance
    Properties:
      ReplicationInstanceClass: dms.t3.medium
"#,
            fixed: r#"Resources:
  Migration:
    Type: AWS::DMS::ReplicationInstance
    Properties:
      ReplicationInstanceClass: dms.t3.medium
      KmsKeyId: '<customer-managed-kms-key-arn>'
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Kms,
        absent: Some(
            "its storage is encrypted with the AWS-managed `aws/dms` key, which no key policy of yours governs",
        ),
        insecure: "an AWS-managed key is governed by no key policy of yours",
        fix_title: "Use a customer-managed KMS key (placeholder to replace; replaces the instance)",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_instances_without_a_customer_key() {
        let tf = r#"variable "key" {}
resource "aws_dms_replication_instance" "absent" {
  replication_instance_id = "a"
}
resource "aws_dms_replication_instance" "managed" {
  kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:alias/aws/dms"
}
resource "aws_dms_replication_instance" "cmk" {
  kms_key_arn = var.key
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 6]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_keys() {
        let yaml = "Resources:\n  A:\n    Type: AWS::DMS::ReplicationInstance\n    Properties:\n      KmsKeyId: !GetAtt Key.Arn\n  B:\n    Type: AWS::DMS::ReplicationInstance\n    Properties:\n      KmsKeyId: ''\n";
        assert_eq!(cfn_lines(&RULE, yaml), [9]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
