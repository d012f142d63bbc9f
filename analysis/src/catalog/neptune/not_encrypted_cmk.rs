use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};
use crate::terraform::check::{Resource, TfContext};

pub static RULE: Rule = Rule {
    id: "neptune-not-encrypted-cmk",
    title: "Neptune cluster is not encrypted with a customer-managed KMS key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "Neptune",
    why: "With the AWS-managed `aws/rds` key, the key policy cannot be narrowed: any principal with Neptune and KMS \
          use permissions in the account can restore the cluster's snapshots, encrypted snapshots cannot be shared \
          with a backup account, and the key cannot be disabled to cut off access during an incident.",
    aws_side: "AWS encrypts with the key it is given; owning a customer-managed key and its policy is the \
               customer's choice.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_347"],
        kics: &[],
        trivy: &["AVD-AWS-0128", "aws-neptune-encryption-customer-key"],
        how: "They also flag clusters whose storage is not encrypted at all, which `neptune-storage-unencrypted` \
              reports; this rule judges the key of encrypted clusters only.",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_neptune_cluster"],
            path: "kms_key_arn",
            applies: Some(encrypted),
            example: r#"resource "aws_neptune_cluster" "graph" {
  storage_encrypted = true
}"#,
            fixed: r#"resource "aws_neptune_cluster" "graph" {
  storage_encrypted = true
  kms_key_arn = "<customer-managed-kms-key-arn>"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::Neptune::DBCluster"],
            path: "KmsKeyId",
            applies: Some(encrypted_cfn),
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
      KmsKeyId: '<customer-managed-kms-key-arn>'
"#,
        }),
        want: Want::Kms,
        absent: Some(
            "its storage is encrypted with the AWS-managed `aws/rds` key, which no key policy of yours governs",
        ),
        insecure: "an AWS-managed key is governed by no key policy of yours",
        fix_title: "Use a customer-managed KMS key (placeholder to replace; replaces the cluster)",
        ..Setting::DEFAULT
    },
};

/// Only encrypted clusters have a key to judge (`neptune-storage-unencrypted` reports the others).
fn encrypted(ctx: &TfContext, res: Resource) -> bool {
    ctx.attr(res.block, "storage_encrypted").is_some_and(|(_, v)| v.as_bool() == Some(true))
}

fn encrypted_cfn(ctx: &CfnContext, res: CfnResource) -> bool {
    ctx.prop(res, "StorageEncrypted").is_some_and(|(_, v)| v.as_bool() == Some(true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_encrypted_clusters_without_a_customer_key() {
        let tf = r#"variable "key" {}
resource "aws_neptune_cluster" "default_key" {
  storage_encrypted = true
}
resource "aws_neptune_cluster" "aws_managed" {
  storage_encrypted = true
  kms_key_arn       = "arn:aws:kms:eu-west-1:111122223333:alias/aws/rds"
}
resource "aws_neptune_cluster" "unencrypted" {
  storage_encrypted = false
}
resource "aws_neptune_cluster" "cmk" {
  storage_encrypted = true
  kms_key_arn       = aws_kms_key.graph.arn
}
resource "aws_neptune_cluster" "unknown" {
  storage_encrypted = true
  kms_key_arn       = var.key
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 7]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_encrypted_without_a_key() {
        let yaml = "Resources:\n  A:\n    Type: AWS::Neptune::DBCluster\n    Properties:\n      StorageEncrypted: true\n  B:\n    Type: AWS::Neptune::DBCluster\n    Properties:\n      StorageEncrypted: true\n      KmsKeyId: !Ref Key\n  C:\n    Type: AWS::Neptune::DBCluster\n    Properties:\n      StorageEncrypted: false\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
