use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "cloudwatch-log-group-without-cmk",
    title: "CloudWatch log group is not encrypted with a customer-managed KMS key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "CloudWatch Logs",
    why: "Logs carry request bodies, tokens, user and account identifiers. Under the service's own key, anyone \
          granted `logs:GetLogEvents` reads them, and the key can be neither revoked, audited in CloudTrail by \
          use, nor restricted by a key policy of yours.",
    aws_side: "CloudWatch Logs always encrypts log data at rest with a key it owns. A customer-managed key, and \
               the key policy that decides who may decrypt, are the customer's choice.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_158"],
        kics: &["0afbcfe9-d341-4b92-a64c-7e6de0543879"],
        trivy: &["AVD-AWS-0017", "aws-cloudwatch-log-group-customer-key"],
    },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_cloudwatch_log_group"],
            path: "kms_key_id",
            example: r#"resource "aws_cloudwatch_log_group" "app" {
  name = "app"
}"#,
            fixed: r#"resource "aws_cloudwatch_log_group" "app" {
  name = "app"
  kms_key_id = "<customer-managed-kms-key-arn>"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::Logs::LogGroup"],
            path: "KmsKeyId",
            example: r#"Resources:
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDays: 90
"#,
            fixed: r#"Resources:
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDays: 90
      KmsKeyId: '<customer-managed-kms-key-arn>'
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Kms,
        absent: Some("its logs are encrypted with a key CloudWatch owns, which no key policy of yours governs"),
        insecure: "an AWS-managed key is governed by no key policy of yours",
        ..Setting::DEFAULT
    },
};
