use crate::cloudformation::check::CfnContext;
use crate::kit::kms_key;
use crate::kit::redshift::{provider_v6, CLUSTER};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "redshift-not-encrypted-cmk",
    title: "Redshift cluster is not encrypted with a customer-managed KMS key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "Redshift",
    why: "Since 2025 Redshift encrypts new clusters by default, but with a key the customer does not control. A \
          customer-managed key lets the customer restrict decryption to the warehouse's role, share encrypted \
          snapshots with a backup account, audit every use in CloudTrail and revoke access by disabling the key.",
    aws_side: "AWS encrypts the cluster with the key it is given; choosing and governing a customer-managed key is \
               the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["de76a0d6-66d5-45c9-9022-f05545b85c78"], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_142"],
        kics: &[],
        trivy: &[],
        how: "Checkov also flags unencrypted clusters, which `redshift-unencrypted` reports; this rule judges the \
              key of clusters that are encrypted.",
    },
    matcher: &Custom {
        what: "Flags `aws_redshift_cluster` without a `kms_key_id` (or with an empty or AWS-managed one) whose \
               storage is encrypted: `encrypted = true`, or left out under AWS provider 6, which encrypts by \
               default; in CloudFormation, `AWS::Redshift::Cluster` without `KmsKeyId` unless `Encrypted: false`. \
               Unencrypted clusters are `redshift-unencrypted`'s.",
        fix: "Set `kms_key_id` to a customer-managed KMS key (Redshift re-encrypts the cluster when the key changes).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &[CLUSTER],
            check,
            example: r#"resource "aws_redshift_cluster" "dw" {
  cluster_identifier = "dw"
  encrypted          = true
}"#,
            fixed_example: r#"resource "aws_redshift_cluster" "dw" {
  cluster_identifier = "dw"
  encrypted          = true
  kms_key_id         = aws_kms_key.dw.arn
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Redshift::Cluster"],
            check: check_cfn,
            example: r#"Resources:
  Warehouse:
    Type: AWS::Redshift::Cluster
    Properties:
      NodeType: ra3.xlplus
      ClusterType: single-node
"#,
            fixed_example: r#"Resources:
  Warehouse:
    Type: AWS::Redshift::Cluster
    Properties:
      NodeType: ra3.xlplus
      ClusterType: single-node
      KmsKeyId: !Ref WarehouseKey
"#,
        }),
    },
};

const ABSENT: &str =
    "its data and snapshots are encrypted with a key AWS manages, which no key policy of yours governs";

fn check(ctx: &mut TfContext) {
    let v6 = provider_v6(ctx);
    for res in ctx.resources(CLUSTER).collect::<Vec<_>>() {
        let encrypted = match ctx.attr(res.block, "encrypted") {
            Some((_, v)) => v.as_bool() == Some(true),
            None => v6,
        };
        if encrypted {
            kms_key::check_cmk_tf(ctx, res, "kms_key_id", ABSENT);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::Redshift::Cluster").collect::<Vec<_>>() {
        let unencrypted = ctx.prop(res, "Encrypted").is_some_and(|(_, v)| v.as_bool() != Some(true) && v.is_known());
        if !unencrypted {
            kms_key::check_cmk_cfn(ctx, res, "KmsKeyId", ABSENT);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_encrypted_clusters_without_a_customer_key() {
        let tf = r#"variable "key" {}
resource "aws_redshift_cluster" "encrypted" {
  encrypted = true
}
resource "aws_redshift_cluster" "default" {
  node_type = "dc2.large"
}
resource "aws_redshift_cluster" "unencrypted" {
  encrypted = false
}
resource "aws_redshift_cluster" "cmk" {
  encrypted  = true
  kms_key_id = var.key
}
"#;
        // Before provider 6, an absent `encrypted` is unencrypted (`redshift-unencrypted` reports it).
        assert_eq!(lines(&RULE, tf), [2]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let v6 = format!("terraform {{\n  required_providers {{\n    aws = {{\n      source  = \"hashicorp/aws\"\n      version = \">= 6.0\"\n    }}\n  }}\n}}\n{tf}");
        assert_eq!(lines(&RULE, &v6), [10, 13]);
    }

    #[test]
    fn cloudformation_clusters_without_a_key() {
        // KICS: neither `Encrypted` nor `KmsKeyId` fails; a `KmsKeyId` passes.
        let yaml = "Resources:\n  A:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      NodeType: dc1.large\n  B:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      KmsKeyId: wewewewewefsa\n  C:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      Encrypted: false\n  D:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      Encrypted: true\n      KmsKeyId: ''\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 18]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
