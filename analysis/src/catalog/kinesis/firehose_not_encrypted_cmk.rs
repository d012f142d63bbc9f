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
    id: "firehose-not-encrypted-cmk",
    title: "Kinesis Data Firehose uses an AWS-owned key instead of a customer-managed key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "Kinesis Firehose",
    why: "With the AWS-owned key, decryption of the buffered records cannot be restricted or audited through a key \
          policy of yours, nor stopped by disabling the key.",
    aws_side: "Firehose encrypts with the key type the customer chooses.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_241"],
        kics: &[],
        trivy: &[],
        how: "CKV_AWS_241 also flags streams without server-side encryption (`firehose-unencrypted`'s finding).",
    },
    matcher: &Custom {
        what: "Flags `aws_kinesis_firehose_delivery_stream` whose `server_side_encryption` is enabled with \
               `key_type` absent or `AWS_OWNED_CMK`; in CloudFormation, \
               `DeliveryStreamEncryptionConfigurationInput.KeyType: AWS_OWNED_CMK`.",
        fix: "Set `key_type = \"CUSTOMER_MANAGED_CMK\"` with `key_arn` naming a customer-managed key.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_kinesis_firehose_delivery_stream"],
            check,
            example: r#"resource "aws_kinesis_firehose_delivery_stream" "logs" {
  name        = "logs"
  destination = "extended_s3"

  server_side_encryption {
    enabled  = true
    key_type = "AWS_OWNED_CMK"
  }
}"#,
            fixed_example: r#"resource "aws_kinesis_firehose_delivery_stream" "logs" {
  name        = "logs"
  destination = "extended_s3"

  server_side_encryption {
    enabled  = true
    key_type = "CUSTOMER_MANAGED_CMK"
    key_arn  = aws_kms_key.logs.arn
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::KinesisFirehose::DeliveryStream"],
            check: check_cfn,
            example: r#"Resources:
  Logs:
    Type: AWS::KinesisFirehose::DeliveryStream
    Properties:
      DeliveryStreamEncryptionConfigurationInput:
        KeyType: AWS_OWNED_CMK
"#,
            fixed_example: r#"Resources:
  Logs:
    Type: AWS::KinesisFirehose::DeliveryStream
    Properties:
      DeliveryStreamEncryptionConfigurationInput:
        KeyType: CUSTOMER_MANAGED_CMK
        KeyARN: !GetAtt LogsKey.Arn
"#,
        }),
    },
};

const FIX: &str = "Use a customer-managed KMS key (placeholder to replace)";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_kinesis_firehose_delivery_stream").collect::<Vec<_>>() {
        let file = ctx.file(res);
        for config in ctx.nested(res.config(), "server_side_encryption") {
            if ctx.field(config, "enabled").and_then(|(_, v)| v.as_bool()) != Some(true) {
                continue;
            }
            let kind = ctx.field(config, "key_type");
            let owned = match &kind {
                None => true,
                Some((_, v)) => v.as_str().is_some_and(|k| k.eq_ignore_ascii_case("AWS_OWNED_CMK")),
            };
            if !owned {
                continue;
            }
            let Some(block) = config.block() else { continue };
            let key_line = format!("key_arn  = \"{KMS_PLACEHOLDER}\"");
            let edits = match (&kind, block.attr("key_arn")) {
                (Some((f, _)), None) => vec![
                    Edit { range: f.expr.range, text: "\"CUSTOMER_MANAGED_CMK\"".into() },
                    edit::insert_in_block(file, block, &key_line),
                ],
                (Some((f, _)), Some(_)) => vec![Edit { range: f.expr.range, text: "\"CUSTOMER_MANAGED_CMK\"".into() }],
                (None, None) => vec![edit::insert_in_block(
                    file,
                    block,
                    &format!("key_type = \"CUSTOMER_MANAGED_CMK\"\n{key_line}"),
                )],
                (None, Some(_)) => vec![edit::insert_in_block(file, block, "key_type = \"CUSTOMER_MANAGED_CMK\"")],
            };
            let range = kind.as_ref().map_or(config.header(), |(f, _)| f.range);
            let message =
                format!("`{}` encrypts with a key AWS owns, which no key policy of yours governs", res.address());
            ctx.report_with_fix(res, range, message, Fix::unsafe_(FIX, edits));
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::KinesisFirehose::DeliveryStream").collect::<Vec<_>>() {
        let Some((node, Value::String(kind))) = ctx.prop(res, "DeliveryStreamEncryptionConfigurationInput.KeyType")
        else {
            continue;
        };
        if !kind.eq_ignore_ascii_case("AWS_OWNED_CMK") {
            continue;
        }
        let Some((config, _)) = ctx.prop(res, "DeliveryStreamEncryptionConfigurationInput") else { continue };
        let edit = cfn_edit::replace_value(
            ctx.template,
            config,
            &json!({"KeyType": "CUSTOMER_MANAGED_CMK", "KeyARN": KMS_PLACEHOLDER}),
        );
        let range = ctx.prop_range(res, "DeliveryStreamEncryptionConfigurationInput.KeyType").unwrap_or(node.range);
        let message =
            format!("`{}` encrypts with a key AWS owns, which no key policy of yours governs", res.logical_id);
        ctx.report(res, range, message).fixes.push(Fix::unsafe_(FIX, vec![edit]));
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn aws_owned_keys() {
        let tf = "resource \"aws_kinesis_firehose_delivery_stream\" \"a\" {\n  server_side_encryption {\n    enabled = true\n  }\n}\nresource \"aws_kinesis_firehose_delivery_stream\" \"b\" {\n  server_side_encryption {\n    enabled = false\n  }\n}\n";
        assert_eq!(lines(&RULE, tf), [2]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let yaml = "Resources:\n  A:\n    Type: AWS::KinesisFirehose::DeliveryStream\n    Properties:\n      DeliveryStreamEncryptionConfigurationInput:\n        KeyType: AWS_OWNED_CMK\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
