use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::kit::declared::KMS_PLACEHOLDER;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "mq-broker-not-encrypted-cmk",
    title: "Amazon MQ broker data is encrypted with an AWS-owned key, not a customer-managed key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "Amazon MQ",
    why: "With the AWS-owned key, message data at rest cannot be access-controlled or audited through KMS, and \
          cannot be made unreadable by disabling the key.",
    aws_side: "Amazon MQ always encrypts at rest; which key is used is the customer's choice at creation (changing \
               it replaces the broker).",
    equivalents: Equivalents { checkov: &["CKV_AWS_209"], kics: &[], trivy: &[] },
    related: Related {
        checkov: &[],
        kics: &["3db3f534-e3a3-487f-88c7-0a9fbf64b702", "316278b3-87ac-444c-8f8f-a733a28da60f"],
        trivy: &[],
        how: "KICS only checks that `encryption_options` is written, so an AWS-owned key passes there; Amazon MQ \
              always encrypts, and the question is whose key.",
    },
    matcher: &Custom {
        what: "Flags `aws_mq_broker` without `encryption_options.kms_key_id`; in CloudFormation, \
               `AWS::AmazonMQ::Broker` without `EncryptionOptions.KmsKeyId`.",
        fix: "Set `encryption_options { kms_key_id = <customer-managed key ARN>, use_aws_owned_key = false }` (this \
              replaces the broker).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_mq_broker"],
            check,
            example: r#"resource "aws_mq_broker" "events" {
  broker_name = "events"
  engine_type = "ActiveMQ"
}"#,
            fixed_example: r#"resource "aws_mq_broker" "events" {
  broker_name = "events"
  engine_type = "ActiveMQ"
  encryption_options {
    kms_key_id        = aws_kms_key.mq.arn
    use_aws_owned_key = false
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::AmazonMQ::Broker"],
            check: check_cfn,
            example: r#"Resources:
  Events:
    Type: AWS::AmazonMQ::Broker
    Properties:
      BrokerName: events
      EngineType: ActiveMQ
"#,
            fixed_example: r#"Resources:
  Events:
    Type: AWS::AmazonMQ::Broker
    Properties:
      BrokerName: events
      EngineType: ActiveMQ
      EncryptionOptions:
        KmsKeyId: !GetAtt MqKey.Arn
        UseAwsOwnedKey: false
"#,
        }),
    },
};

const FIX: &str = "Use a customer-managed KMS key (placeholder to replace; replaces the broker)";

fn set(v: &Value) -> bool {
    !matches!(v, Value::Null) && v.as_str().is_none_or(|s| !s.trim().is_empty())
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_mq_broker").collect::<Vec<_>>() {
        let options = ctx.nested(res.config(), "encryption_options");
        if options.iter().any(|o| ctx.field(*o, "kms_key_id").is_some_and(|(_, v)| set(&v))) {
            continue;
        }
        let file = ctx.file(res);
        let edit = match (options.first(), options.first().and_then(|o| o.block())) {
            (None, _) => {
                let body = format!("  kms_key_id        = \"{KMS_PLACEHOLDER}\"\n  use_aws_owned_key = false");
                vec![edit::insert_in_block(file, res.block, &format!("encryption_options {{\n{body}\n}}"))]
            }
            (Some(_), Some(block)) => {
                // The key inserted, and the AWS-owned key turned off (inserted with it, or its value replaced).
                let mut lines = Vec::new();
                let mut edits = Vec::new();
                match block.attr("kms_key_id") {
                    Some(k) => edits.push(Edit { range: k.expr.range, text: format!("\"{KMS_PLACEHOLDER}\"") }),
                    None => lines.push(format!("kms_key_id = \"{KMS_PLACEHOLDER}\"")),
                }
                match block.attr("use_aws_owned_key") {
                    Some(a) => edits.push(Edit { range: a.expr.range, text: "false".into() }),
                    None => lines.push("use_aws_owned_key = false".into()),
                }
                if !lines.is_empty() {
                    edits.push(edit::insert_in_block(file, block, &lines.join("\n")));
                }
                edits
            }
            (Some(_), None) => Vec::new(),
        };
        let range = options.first().map_or(res.block.header, |o| o.header());
        let message =
            format!("`{}` is encrypted with a key AWS owns, which no key policy of yours governs", res.address());
        let finding = ctx.report(res, range, message);
        if !edit.is_empty() {
            finding.fixes.push(Fix::unsafe_(FIX, edit));
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::AmazonMQ::Broker").collect::<Vec<_>>() {
        if ctx.prop(res, "EncryptionOptions").is_some_and(|(n, _)| n.intrinsic().is_some()) {
            continue;
        }
        if ctx.prop(res, "EncryptionOptions.KmsKeyId").is_some_and(|(_, v)| set(&v)) {
            continue;
        }
        let value = json!({"KmsKeyId": KMS_PLACEHOLDER, "UseAwsOwnedKey": false});
        let edit = cfn_edit::set_property(ctx.template, res, "EncryptionOptions", &value);
        let range = ctx.prop_range(res, "EncryptionOptions").unwrap_or_else(|| ctx.header(res));
        let message =
            format!("`{}` is encrypted with a key AWS owns, which no key policy of yours governs", res.logical_id);
        ctx.report(res, range, message).fixes.push(Fix::unsafe_(FIX, vec![edit]));
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn aws_owned_keys() {
        let tf = "resource \"aws_mq_broker\" \"a\" {\n}\nresource \"aws_mq_broker\" \"b\" {\n  encryption_options {\n    use_aws_owned_key = true\n  }\n}\nresource \"aws_mq_broker\" \"c\" {\n  encryption_options {\n    kms_key_id        = aws_kms_key.mq.arn\n    use_aws_owned_key = false\n  }\n}\n";
        assert_eq!(lines(&RULE, tf), [1, 4]);
        assert_eq!(check_fixes(&RULE, tf), 2);
        let yaml = "Resources:\n  A:\n    Type: AWS::AmazonMQ::Broker\n    Properties:\n      EncryptionOptions:\n        UseAwsOwnedKey: true\n  B:\n    Type: AWS::AmazonMQ::Broker\n    Properties:\n      EncryptionOptions:\n        KmsKeyId: !Ref Key\n        UseAwsOwnedKey: false\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
