use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "memorydb-not-encrypted-cmk",
    title: "MemoryDB cluster or snapshot is not encrypted with a customer-managed KMS key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "MemoryDB",
    why: "MemoryDB keeps its data durably in a transaction log and in snapshots; without a customer-managed key, who \
          may decrypt them cannot be restricted, audited by key use or revoked.",
    aws_side: "AWS always encrypts MemoryDB at rest; the key is the customer's choice.",
    equivalents: Equivalents { checkov: &["CKV_AWS_201", "CKV_AWS_278"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_memorydb_cluster", "aws_memorydb_snapshot"],
            path: "kms_key_arn",
            example: r#"resource "aws_memorydb_cluster" "store" {
  name = "store"
}"#,
            fixed: r#"resource "aws_memorydb_cluster" "store" {
  name = "store"
  kms_key_arn = "<customer-managed-kms-key-arn>"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::MemoryDB::Cluster"],
            path: "KmsKeyId",
            example: r#"Resources:
  Store:
    Type: AWS::MemoryDB::Cluster
    Properties:
      ACLName: store
"#,
            fixed: r#"Resources:
  Store:
    Type: AWS::MemoryDB::Cluster
    Properties:
      ACLName: store
      KmsKeyId: '<customer-managed-kms-key-arn>'
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Kms,
        absent: Some(
            "its data and snapshots are encrypted with a key AWS manages, which no key policy of yours governs",
        ),
        insecure: "an AWS-managed key is governed by no key policy of yours",
        fix_title: "Use a customer-managed KMS key (placeholder to replace; replaces the resource)",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_clusters_and_snapshots_without_a_customer_key() {
        let tf = r#"resource "aws_memorydb_cluster" "absent" {
  name = "a"
}
resource "aws_memorydb_snapshot" "snap" {
  cluster_name = aws_memorydb_cluster.absent.name
}
resource "aws_memorydb_cluster" "cmk" {
  kms_key_arn = aws_kms_key.k.arn
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 4]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_keys() {
        let yaml =
            "Resources:\n  A:\n    Type: AWS::MemoryDB::Cluster\n    Properties:\n      KmsKeyId: alias/aws/memorydb\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
