use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "dynamodb-table-aws-owned-key",
    title: "DynamoDB table is encrypted only with an AWS-owned key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "DynamoDB",
    why: "With an AWS-owned key the table is encrypted, but the key lives outside the customer's account: there is no \
          CloudTrail record of decryption, no key policy to restrict who can read the data, and no way to revoke \
          access or prove to an auditor who could. Regulated data usually requires a KMS key in the account.",
    aws_side: "AWS always encrypts DynamoDB at rest; whether the key is AWS-owned, AWS-managed or customer-managed is \
               the customer's choice.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &[
            "ce089fd4-1406-47bd-8aad-c259772bb294",
            "4bd21e68-38c1-4d58-acdc-6a14b203237f",
            "c8dee387-a2e6-4a73-a942-183c975549ac",
        ],
        trivy: &[],
    },
    related: Related {
        checkov: &["CKV_AWS_119"],
        kics: &[],
        trivy: &["AVD-AWS-0025", "aws-dynamodb-table-customer-key"],
        how: "They also flag tables encrypted with the AWS-managed `aws/dynamodb` key, which \
              `dynamodb-table-not-encrypted-cmk` reports; this rule flags tables left on the AWS-owned key.",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_dynamodb_table"],
            modules: &[("dynamodb-table", "server_side_encryption_enabled", true)],
            path: "server_side_encryption.enabled",
            applies: None,
            example: r#"resource "aws_dynamodb_table" "orders" {
  name     = "orders"
  hash_key = "id"
}"#,
            fixed: r#"resource "aws_dynamodb_table" "orders" {
  name     = "orders"
  hash_key = "id"
  server_side_encryption {
    enabled = true
  }
}"#,
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"],
            path: "SSESpecification.SSEEnabled",
            example: r#"Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      SSESpecification:
        SSEType: KMS
"#,
            fixed: r#"Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      SSESpecification:
        SSEType: KMS
        SSEEnabled: true
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Bool(true),
        absent: Some("it is encrypted with a key AWS owns, outside your account: no key policy or CloudTrail record"),
        insecure: "it is encrypted with a key AWS owns, outside your account: no key policy or CloudTrail record",
        fix: "Set `server_side_encryption { enabled = true }`, with a customer-managed `kms_key_arn` (without one, \
              the AWS-managed `aws/dynamodb` key is used); in CloudFormation, `SSESpecification.SSEEnabled: true` \
              with `KMSMasterKeyId`.",
        fix_title: "Encrypt with a KMS key of the account",
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_tables_on_the_aws_owned_key() {
        // KICS: no block, `enabled = false`; `enabled = true` without a key passes; replicas do not matter.
        let tf = r#"variable "on" {}
resource "aws_dynamodb_table" "absent" {
  name = "a"
  replica {
    region_name = "us-east-2"
  }
}
resource "aws_dynamodb_table" "off" {
  server_side_encryption {
    enabled = false
  }
}
resource "aws_dynamodb_table" "empty" {
  server_side_encryption {}
}
resource "aws_dynamodb_table" "managed" {
  server_side_encryption {
    enabled = true
  }
}
resource "aws_dynamodb_table" "unknown" {
  server_side_encryption {
    enabled = var.on
  }
}
module "table" {
  source = "terraform-aws-modules/dynamodb-table/aws"
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 10, 14, 26]);
        assert_eq!(check_fixes(&RULE, tf), 4);
    }

    #[test]
    fn cloudformation_aws_owned_key() {
        // KICS: `SSEEnabled: false`, only `SSEType: KMS`, no `SSESpecification`.
        let yaml = "Resources:\n  A:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      SSESpecification:\n        SSEEnabled: false\n        SSEType: KMS\n  B:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      BillingMode: PAY_PER_REQUEST\n  C:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      SSESpecification:\n        SSEEnabled: true\n        KMSMasterKeyId: !Ref Key\n  D:\n    Type: AWS::DynamoDB::GlobalTable\n    Properties:\n      SSESpecification:\n        SSEType: KMS\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6, 8, 22]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 3);
    }
}
