use crate::cloudformation::check::CfnContext;
use crate::kit::kms_key;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "redshift-serverless-namespace-not-cmk",
    title: "Redshift Serverless namespace is not encrypted with a customer-managed KMS key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "Redshift",
    why: "A namespace holds all of the serverless warehouse's data and snapshots. With the AWS-owned key the customer \
          cannot restrict, audit or revoke decryption, and cannot share encrypted snapshots across accounts.",
    aws_side: "AWS always encrypts serverless data; choosing a customer-managed key is the customer's option.",
    equivalents: Equivalents { checkov: &["CKV_AWS_282"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_redshiftserverless_namespace` without a `kms_key_id`, or with an empty one, \
               `AWS_OWNED_KMS_KEY` or an AWS-managed key; in CloudFormation, `AWS::RedshiftServerless::Namespace` \
               likewise with `KmsKeyId`.",
        fix: "Set `kms_key_id` to a customer-managed KMS key.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_redshiftserverless_namespace"],
            check,
            example: r#"resource "aws_redshiftserverless_namespace" "analytics" {
  namespace_name = "analytics"
}"#,
            fixed_example: r#"resource "aws_redshiftserverless_namespace" "analytics" {
  namespace_name = "analytics"
  kms_key_id     = aws_kms_key.analytics.arn
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::RedshiftServerless::Namespace"],
            check: check_cfn,
            example: r#"Resources:
  Analytics:
    Type: AWS::RedshiftServerless::Namespace
    Properties:
      NamespaceName: analytics
"#,
            fixed_example: r#"Resources:
  Analytics:
    Type: AWS::RedshiftServerless::Namespace
    Properties:
      NamespaceName: analytics
      KmsKeyId: !Ref AnalyticsKey
"#,
        }),
    },
};

const ABSENT: &str = "its data is encrypted with a key AWS owns, which no key policy of yours governs";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_redshiftserverless_namespace").collect::<Vec<_>>() {
        kms_key::check_cmk_tf(ctx, res, "kms_key_id", ABSENT);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::RedshiftServerless::Namespace").collect::<Vec<_>>() {
        kms_key::check_cmk_cfn(ctx, res, "KmsKeyId", ABSENT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_namespaces_without_a_customer_key() {
        let tf = r#"variable "key" {}
resource "aws_redshiftserverless_namespace" "absent" {
  namespace_name = "a"
}
resource "aws_redshiftserverless_namespace" "owned" {
  kms_key_id = "AWS_OWNED_KMS_KEY"
}
resource "aws_redshiftserverless_namespace" "cmk" {
  kms_key_id = var.key
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 6]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_namespaces() {
        let yaml = "Resources:\n  A:\n    Type: AWS::RedshiftServerless::Namespace\n    Properties:\n      NamespaceName: a\n  B:\n    Type: AWS::RedshiftServerless::Namespace\n    Properties:\n      KmsKeyId: arn:aws:kms:eu-west-1:111122223333:key/abc\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
