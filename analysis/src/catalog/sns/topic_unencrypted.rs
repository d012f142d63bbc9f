use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "sns-topic-unencrypted",
    title: "SNS topic is not encrypted with KMS",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "SNS",
    why: "Messages published to a topic are stored until they are delivered. Without server-side encryption they \
          rest unencrypted on AWS storage, which fails most data-protection requirements for topics carrying \
          personal or business data.",
    aws_side: "AWS runs the topic and encrypts its messages with KMS when asked. SNS has no default encryption: \
               choosing to encrypt, and with which key, is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_26"],
        kics: &["28545147-2fc6-42d5-a1f9-cf226658e591", "9d13b150-a2ab-42a1-b6f4-142e41f81e52"],
        trivy: &["AVD-AWS-0095", "aws-sns-enable-topic-encryption"],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags SNS topics (and `terraform-aws-modules/sns` calls) without a `kms_master_key_id`, or with an \
               empty one.",
        fix: "Set `kms_master_key_id` to `alias/aws/sns` or, better, a customer-managed KMS key whose policy lets \
              the publishing services use it.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_sns_topic"],
            check,
            example: r#"resource "aws_sns_topic" "alerts" {
  name = "alerts"
}"#,
            fixed_example: r#"resource "aws_sns_topic" "alerts" {
  name              = "alerts"
  kms_master_key_id = "alias/aws/sns"
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::SNS::Topic"],
            check: check_cfn,
            example: r#"Resources:
  Alerts:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: alerts
"#,
            fixed_example: r#"Resources:
  Alerts:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: alerts
      KmsMasterKeyId: alias/aws/sns
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::SNS::Topic").collect::<Vec<_>>() {
        let fix = Fix::new(
            "Encrypt with the AWS-managed SNS key",
            vec![cfn_edit::set_property(ctx.template, res, "KmsMasterKeyId", &json!("alias/aws/sns"))],
        );
        let id = res.logical_id;
        match ctx.prop(res, "KmsMasterKeyId") {
            None | Some((_, Value::Null)) => {
                let message = format!("`{id}` sets no `KmsMasterKeyId`, so its messages are not encrypted at rest");
                let range = ctx.header(res);
                ctx.report(res, range, message).fixes.push(fix);
            }
            Some((node, Value::String(s))) if s.trim().is_empty() => {
                let message =
                    format!("`{id}` sets an empty `KmsMasterKeyId`, so its messages are not encrypted at rest");
                let range = ctx.prop_range(res, "KmsMasterKeyId").unwrap_or(node.range);
                ctx.report(res, range, message).fixes.push(fix);
            }
            Some(_) => {}
        }
    }
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources_like("aws_sns_topic", "sns").collect::<Vec<_>>() {
        let file = ctx.file(res);
        let fix = || {
            Fix::new(
                "Encrypt with the AWS-managed SNS key",
                vec![edit::set_attribute(file, res.block, "kms_master_key_id", "\"alias/aws/sns\"")],
            )
        };
        let address = res.address();
        match ctx.attr(res.block, "kms_master_key_id") {
            None | Some((_, Value::Null)) => ctx.report_with_fix(
                res,
                res.block.header,
                format!("`{address}` sets no `kms_master_key_id`, so its messages are not encrypted at rest"),
                fix(),
            ),
            Some((attr, Value::String(s))) if s.trim().is_empty() => ctx.report_with_fix(
                res,
                attr.range,
                format!("`{address}` sets an empty `kms_master_key_id`, so its messages are not encrypted at rest"),
                fix(),
            ),
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_missing_and_empty_keys() {
        let text = r#"
provider "aws" {
  region = "us-east-1"
}
resource "aws_sns_topic" "absent" {
  name = "a"
}
resource "aws_sns_topic" "empty" {
  kms_master_key_id = ""
}
resource "aws_sns_topic" "null" {
  kms_master_key_id = null
}
resource "aws_sns_topic" "alias" {
  kms_master_key_id = "alias/MyAlias"
}
resource "aws_sns_topic" "unknown" {
  kms_master_key_id = var.key
}
resource "aws_sns_topic" "half" {
"#;
        assert_eq!(lines(&RULE, text), [5, 9, 11, 20]);
        assert_eq!(check_fixes(&RULE, text), 4);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = r#"Parameters:
  Key: {Type: String}
Resources:
  Absent:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: a
  Empty:
    Type: AWS::SNS::Topic
    Properties:
      KmsMasterKeyId: ""
  Alias:
    Type: AWS::SNS::Topic
    Properties:
      KmsMasterKeyId: alias/MyAlias
  Unknown:
    Type: AWS::SNS::Topic
    Properties:
      KmsMasterKeyId: !Ref Key
  Bare:
    Type: AWS::SNS::Topic
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [4, 11, 20]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 3);
        let json = r#"{"Resources": {"T": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "t"}}}}"#;
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
