use crate::cloudformation::check::CfnContext;
use crate::kit::kms_key;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "dynamodb-table-not-encrypted-cmk",
    title: "DynamoDB table uses the AWS-managed key, not a customer-managed KMS key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "DynamoDB",
    why: "The policy of the AWS-managed `aws/dynamodb` key cannot be changed: every principal in the account with \
          DynamoDB access can use it, so the key adds no separation between who administers tables and who may read \
          them, and it cannot be disabled to cut off access in an incident.",
    aws_side: "AWS encrypts with the key it is given; a customer-managed key and its policy are the customer's.",
    equivalents: Equivalents { checkov: &["CKV_AWS_271"], kics: &[], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_119"],
        kics: &[],
        trivy: &["AVD-AWS-0025", "aws-dynamodb-table-customer-key"],
        how: "They also flag tables on the AWS-owned key, which `dynamodb-table-aws-owned-key` reports; this rule \
              flags tables whose KMS encryption uses the AWS-managed key.",
    },
    matcher: &Custom {
        what: "Flags `aws_dynamodb_table` with `server_side_encryption { enabled = true }` and no `kms_key_arn` (or \
               an empty or AWS-managed one), and `aws_dynamodb_table_replica` without `kms_key_arn`; in \
               CloudFormation, `AWS::DynamoDB::Table` with `SSESpecification.SSEEnabled: true` and no customer \
               `KMSMasterKeyId`.",
        fix: "Set `kms_key_arn` in `server_side_encryption` to a customer-managed KMS key.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_dynamodb_table", "aws_dynamodb_table_replica"],
            check,
            example: r#"resource "aws_dynamodb_table" "orders" {
  name     = "orders"
  hash_key = "id"

  server_side_encryption {
    enabled = true
  }
}"#,
            fixed_example: r#"resource "aws_dynamodb_table" "orders" {
  name     = "orders"
  hash_key = "id"

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.orders.arn
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::DynamoDB::Table"],
            check: check_cfn,
            example: r#"Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      SSESpecification:
        SSEEnabled: true
"#,
            fixed_example: r#"Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      SSESpecification:
        SSEEnabled: true
        SSEType: KMS
        KMSMasterKeyId: !Ref OrdersKey
"#,
        }),
    },
};

const ABSENT: &str = "it is encrypted with the AWS-managed `aws/dynamodb` key, which no key policy of yours governs";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_dynamodb_table").collect::<Vec<_>>() {
        for sse in ctx.nested(res.config(), "server_side_encryption") {
            if ctx.field(sse, "enabled").is_some_and(|(_, v)| v.as_bool() == Some(true)) {
                kms_key::check_cmk_tf_in(ctx, res, sse, "kms_key_arn", ABSENT);
            }
        }
    }
    for res in ctx.resources("aws_dynamodb_table_replica").collect::<Vec<_>>() {
        kms_key::check_cmk_tf(ctx, res, "kms_key_arn", ABSENT);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::DynamoDB::Table").collect::<Vec<_>>() {
        if ctx.prop(res, "SSESpecification.SSEEnabled").is_some_and(|(_, v)| v.as_bool() == Some(true)) {
            kms_key::check_cmk_cfn(ctx, res, "SSESpecification.KMSMasterKeyId", ABSENT);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_tables_on_the_aws_managed_key() {
        let tf = r#"resource "aws_dynamodb_table" "managed" {
  server_side_encryption {
    enabled = true
  }
}
resource "aws_dynamodb_table" "alias" {
  server_side_encryption {
    enabled     = true
    kms_key_arn = "alias/aws/dynamodb"
  }
}
resource "aws_dynamodb_table" "owned" {
  name = "owned"
}
resource "aws_dynamodb_table_replica" "replica" {
  global_table_arn = aws_dynamodb_table.managed.arn
}
resource "aws_dynamodb_table" "cmk" {
  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.t.arn
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 9, 15]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn cloudformation_managed_key() {
        let yaml = "Resources:\n  A:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      SSESpecification:\n        SSEEnabled: true\n  B:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      SSESpecification:\n        SSEEnabled: true\n        KMSMasterKeyId: !Ref Key\n  C:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      SSESpecification:\n        SSEEnabled: false\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
