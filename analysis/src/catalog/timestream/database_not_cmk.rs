use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "timestream-database-not-cmk",
    title: "Timestream database is not encrypted with a customer-managed KMS key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "Timestream",
    why: "Time-series data (telemetry, metering, user activity) is encrypted with the AWS-managed \
          `aws/timestream` key unless a customer-managed key is given, and the policy of that key cannot be \
          restricted.",
    aws_side: "AWS always encrypts Timestream data; the key is the customer's choice.",
    equivalents: Equivalents { checkov: &["CKV_AWS_160"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_timestreamwrite_database"],
            path: "kms_key_id",
            example: r#"resource "aws_timestreamwrite_database" "metrics" {
  database_name = "metrics"
}"#,
            fixed: r#"resource "aws_timestreamwrite_database" "metrics" {
  database_name = "metrics"
  kms_key_id = "<customer-managed-kms-key-arn>"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::Timestream::Database"],
            path: "KmsKeyId",
            example: r#"Resources:
  Metrics:
    Type: AWS::Timestream::Database
    Properties:
      DatabaseName: metrics
"#,
            fixed: r#"Resources:
  Metrics:
    Type: AWS::Timestream::Database
    Properties:
      DatabaseName: metrics
      KmsKeyId: '<customer-managed-kms-key-arn>'
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Kms,
        absent: Some(
            "its data is encrypted with the AWS-managed `aws/timestream` key, which no key policy of yours governs",
        ),
        insecure: "an AWS-managed key is governed by no key policy of yours",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_databases_without_a_customer_key() {
        let tf = r#"resource "aws_timestreamwrite_database" "absent" {
  database_name = "a"
}
resource "aws_timestreamwrite_database" "managed" {
  kms_key_id = "alias/aws/timestream"
}
resource "aws_timestreamwrite_database" "cmk" {
  kms_key_id = aws_kms_key.k.arn
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 5]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_keys() {
        let yaml = "Resources:\n  A:\n    Type: AWS::Timestream::Database\n    Properties:\n      DatabaseName: a\n  B:\n    Type: AWS::Timestream::Database\n    Properties:\n      KmsKeyId: !Ref Key\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
