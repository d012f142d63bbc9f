use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "msk-not-encrypted-cmk",
    title: "MSK cluster storage is encrypted with the AWS-managed key, not a customer-managed key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "MSK",
    why: "With the AWS-managed key the customer cannot restrict or audit decryption of broker volumes through a \
          key policy.",
    aws_side: "MSK always encrypts broker storage; the key is the customer's choice at creation (changing it \
               replaces the cluster).",
    equivalents: Equivalents { checkov: &[], kics: &[], trivy: &["AVD-AWS-0179", "aws-msk-enable-at-rest-encryption"] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_msk_cluster"],
            path: "encryption_info.encryption_at_rest_kms_key_arn",
            example: r#"resource "aws_msk_cluster" "events" {
  cluster_name = "events"

  encryption_info {
    encryption_in_transit {
      client_broker = "TLS"
    }
  }
}"#,
            fixed: r#"resource "aws_msk_cluster" "events" {
  cluster_name = "events"

  encryption_info {
    encryption_in_transit {
      client_broker = "TLS"
    }
    encryption_at_rest_kms_key_arn = "<customer-managed-kms-key-arn>"
  }
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::MSK::Cluster"],
            path: "EncryptionInfo.EncryptionAtRest.DataVolumeKMSKeyId",
            example: r#"Resources:
  Events:
    Type: AWS::MSK::Cluster
    Properties:
      ClusterName: events
      EncryptionInfo:
        EncryptionInTransit:
          ClientBroker: TLS
"#,
            fixed: r#"Resources:
  Events:
    Type: AWS::MSK::Cluster
    Properties:
      ClusterName: events
      EncryptionInfo:
        EncryptionInTransit:
          ClientBroker: TLS
        EncryptionAtRest:
          DataVolumeKMSKeyId: '<customer-managed-kms-key-arn>'
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Kms,
        absent: Some("its broker volumes are encrypted with the AWS managed key `aws/kafka`, which no key policy of yours governs"),
        insecure: "an AWS-managed key is governed by no key policy of yours",
        ..Setting::DEFAULT
    },
};
