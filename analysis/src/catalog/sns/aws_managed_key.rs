use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::kit::keys::{is_aws_managed, tf_key};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "sns-topic-aws-managed-key",
    title: "SNS topic is encrypted with the AWS-managed key instead of a customer-managed key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "SNS",
    why: "The AWS-managed key's policy cannot be changed, so services such as CloudWatch alarms, EventBridge or S3 \
          cannot publish to the topic, and access to messages cannot be restricted through the key.",
    aws_side: "SNS encrypts with the chosen key; the AWS-managed key `alias/aws/sns` is controlled by AWS.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["b1a72f66-2236-4f3b-87ba-0da1b366956f"],
        trivy: &["AVD-AWS-0136", "aws-sns-topic-encryption-use-cmk"],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_sns_topic` (and `terraform-aws-modules/sns` calls) whose `kms_master_key_id` is the AWS \
               managed key `alias/aws/sns` (written out, as an ARN, or through a `data.aws_kms_key` or \
               `data.aws_kms_alias` reading it); in CloudFormation, `AWS::SNS::Topic` `KmsMasterKeyId` likewise.",
        fix: "Set `kms_master_key_id` to a customer-managed KMS key whose policy lets the publishing services use it.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_sns_topic"],
            check,
            example: r#"resource "aws_sns_topic" "alerts" {
  name              = "alerts"
  kms_master_key_id = "alias/aws/sns"
}"#,
            fixed_example: r#"resource "aws_sns_topic" "alerts" {
  name              = "alerts"
  kms_master_key_id = aws_kms_key.alerts.arn
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::SNS::Topic"],
            check: check_cfn,
            example: r#"Resources:
  Alerts:
    Type: AWS::SNS::Topic
    Properties:
      KmsMasterKeyId: alias/aws/sns
"#,
            fixed_example: r#"Resources:
  Alerts:
    Type: AWS::SNS::Topic
    Properties:
      KmsMasterKeyId: !Ref AlertsKey
"#,
        }),
    },
};

const FIX: &str = "Use a customer-managed KMS key (placeholder to replace)";
const PLACEHOLDER: &str = "<customer-managed-kms-key-arn>";
const WHY: &str = "is encrypted with the AWS managed key `alias/aws/sns`, whose policy no one can change: alarms, EventBridge and S3 cannot publish to it";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources_like("aws_sns_topic", "sns").collect::<Vec<_>>() {
        let Some(attr) = res.block.attr("kms_master_key_id") else { continue };
        if tf_key(ctx, &attr.expr).as_str().is_some_and(|k| is_aws_managed(k, "sns")) {
            let fix = Fix::unsafe_(FIX, vec![Edit { range: attr.expr.range, text: format!("\"{PLACEHOLDER}\"") }]);
            ctx.report_with_fix(res, attr.range, format!("`{}` {WHY}", res.address()), fix);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::SNS::Topic").collect::<Vec<_>>() {
        let Some((node, Value::String(k))) = ctx.prop(res, "KmsMasterKeyId") else { continue };
        if !is_aws_managed(&k, "sns") {
            continue;
        }
        let fix = Fix::unsafe_(FIX, vec![cfn_edit::replace_value(ctx.template, node, &json!(PLACEHOLDER))]);
        let range = ctx.prop_range(res, "KmsMasterKeyId").unwrap_or(node.range);
        ctx.report(res, range, format!("`{}` {WHY}", res.logical_id)).fixes.push(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_fixes, lines};

    #[test]
    fn aws_managed_keys() {
        let tf = r#"resource "aws_sns_topic" "a" {
  kms_master_key_id = "alias/aws/sns"
}
data "aws_kms_key" "by_alias" {
  key_id = "alias/aws/sns"
}
resource "aws_sns_topic" "b" {
  kms_master_key_id = data.aws_kms_key.by_alias.arn
}
resource "aws_sns_topic" "c" {
  kms_master_key_id = "alias/MyAlias"
}
resource "aws_sns_topic" "d" {
  kms_master_key_id = "arn:aws:kms:eu-west-1:111122223333:alias/aws/sns"
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 8, 14]);
        assert_eq!(check_fixes(&RULE, tf), 3);
        let yaml = "Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties:\n      KmsMasterKeyId: alias/aws/sns\n  B:\n    Type: AWS::SNS::Topic\n    Properties:\n      KmsMasterKeyId: !Ref Key\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
    }
}
