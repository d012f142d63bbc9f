use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::kit::setting::set_in_config;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "firehose-unencrypted",
    title: "Kinesis Data Firehose delivery stream does not encrypt data at rest",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "Kinesis Firehose",
    why: "Firehose buffers records (often logs with personal data) before delivery; without server-side \
          encryption they rest unencrypted in the buffer.",
    aws_side: "Firehose encrypts with the chosen key type; choosing is the customer's. A stream fed by a Kinesis \
               stream or MSK cannot set its own encryption: the source's applies.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_240"],
        kics: &["5c6dd5e7-1fe0-4cae-8f81-4c122717cef3"],
        trivy: &[],
        how: "CKV_AWS_240 does not validate the key type and key; KICS also flags streams fed by a Kinesis stream, \
              where AWS does not allow server-side encryption.",
    },
    matcher: &Custom {
        what: "Flags `aws_kinesis_firehose_delivery_stream` (not fed by a Kinesis stream or MSK) without \
               `server_side_encryption { enabled = true }`, with an unknown `key_type`, or with \
               `CUSTOMER_MANAGED_CMK` and no `key_arn`; in CloudFormation, `AWS::KinesisFirehose::DeliveryStream` \
               (of type `DirectPut`) without `DeliveryStreamEncryptionConfigurationInput`, or with \
               `CUSTOMER_MANAGED_CMK` and no `KeyARN`.",
        fix: "Set `server_side_encryption { enabled = true, key_type = \"CUSTOMER_MANAGED_CMK\", key_arn = ... }` (or \
              `AWS_OWNED_CMK`).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_kinesis_firehose_delivery_stream"],
            check,
            example: r#"resource "aws_kinesis_firehose_delivery_stream" "logs" {
  name        = "logs"
  destination = "extended_s3"
}"#,
            fixed_example: r#"resource "aws_kinesis_firehose_delivery_stream" "logs" {
  name        = "logs"
  destination = "extended_s3"
  server_side_encryption {
    enabled  = true
    key_type = "AWS_OWNED_CMK"
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
      DeliveryStreamType: DirectPut
"#,
            fixed_example: r#"Resources:
  Logs:
    Type: AWS::KinesisFirehose::DeliveryStream
    Properties:
      DeliveryStreamType: DirectPut
      DeliveryStreamEncryptionConfigurationInput:
        KeyType: AWS_OWNED_CMK
"#,
        }),
    },
};

const FIX: &str = "Encrypt the buffered records";
const KEY_TYPES: [&str; 2] = ["AWS_OWNED_CMK", "CUSTOMER_MANAGED_CMK"];

fn fed_by_a_stream(ctx: &TfContext, res: Resource) -> bool {
    !ctx.nested(res.config(), "kinesis_source_configuration").is_empty()
        || !ctx.nested(res.config(), "msk_source_configuration").is_empty()
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_kinesis_firehose_delivery_stream").collect::<Vec<_>>() {
        if fed_by_a_stream(ctx, res) {
            continue;
        }
        let file = ctx.file(res);
        let address = res.address();
        let sse = ctx.nested(res.config(), "server_side_encryption");
        if sse.is_empty() {
            let fix = Fix::new(
                FIX,
                vec![edit::insert_in_block(
                    file,
                    res.block,
                    "server_side_encryption {\n  enabled  = true\n  key_type = \"AWS_OWNED_CMK\"\n}",
                )],
            );
            ctx.report_with_fix(
                res,
                res.block.header,
                format!("`{address}` has no `server_side_encryption`, so buffered records rest unencrypted"),
                fix,
            );
            continue;
        }
        for config in sse {
            match ctx.field(config, "enabled") {
                None => {
                    let fix = set_in_config(file, config, "enabled", "true").map(|e| Fix::new(FIX, vec![e]));
                    ctx.report(
                        res,
                        config.header(),
                        format!("`{address}` does not set `server_side_encryption.enabled = true`"),
                    )
                    .fixes
                    .extend(fix);
                    continue;
                }
                Some((field, v)) if v.as_bool() == Some(false) => {
                    let fix = Fix::new(FIX, vec![Edit { range: field.expr.range, text: "true".into() }]);
                    ctx.report_with_fix(res, field.range, format!("`{address}` turns server-side encryption off"), fix);
                    continue;
                }
                Some((_, v)) if !v.is_known() => continue,
                _ => {}
            }
            let Some((field, kind)) = ctx.field(config, "key_type") else { continue };
            let Some(kind) = kind.as_str() else { continue };
            if !KEY_TYPES.iter().any(|k| k.eq_ignore_ascii_case(kind)) {
                let fix = Fix::new(FIX, vec![Edit { range: field.expr.range, text: "\"AWS_OWNED_CMK\"".into() }]);
                ctx.report_with_fix(
                    res,
                    field.range,
                    format!("`{address}` sets an unknown `key_type = \"{kind}\"`: the records are not encrypted"),
                    fix,
                );
            } else if kind.eq_ignore_ascii_case("CUSTOMER_MANAGED_CMK")
                && ctx.field(config, "key_arn").is_none_or(|(_, v)| v.as_str() == Some(""))
            {
                ctx.report(
                    res,
                    field.range,
                    format!("`{address}` sets `key_type = \"CUSTOMER_MANAGED_CMK\"` without a `key_arn`"),
                );
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::KinesisFirehose::DeliveryStream").collect::<Vec<_>>() {
        match ctx.prop(res, "DeliveryStreamType") {
            None => {}
            Some((_, Value::String(t))) if t.eq_ignore_ascii_case("DirectPut") => {}
            _ => continue,
        }
        let id = res.logical_id;
        match ctx.prop(res, "DeliveryStreamEncryptionConfigurationInput") {
            None | Some((_, Value::Null)) => {
                let edit = cfn_edit::set_property(
                    ctx.template,
                    res,
                    "DeliveryStreamEncryptionConfigurationInput",
                    &json!({"KeyType": "AWS_OWNED_CMK"}),
                );
                let range = ctx.header(res);
                ctx.report(res, range, format!("`{id}` has no `DeliveryStreamEncryptionConfigurationInput`, so buffered records rest unencrypted")).fixes.push(Fix::new(FIX, vec![edit]));
            }
            Some((node, _)) => {
                let Some(kind) = node.get("KeyType").and_then(|k| ctx.eval(k).as_str().map(str::to_string)) else {
                    continue;
                };
                if kind.eq_ignore_ascii_case("CUSTOMER_MANAGED_CMK") && node.get("KeyARN").is_none() {
                    let range = ctx.prop_range(res, "DeliveryStreamEncryptionConfigurationInput").unwrap_or(node.range);
                    ctx.report(res, range, format!("`{id}` sets `KeyType: CUSTOMER_MANAGED_CMK` without a `KeyARN`"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn unencrypted_delivery_streams() {
        let tf = r#"resource "aws_kinesis_firehose_delivery_stream" "a" {
  name = "a"
}
resource "aws_kinesis_firehose_delivery_stream" "b" {
  server_side_encryption {
    enabled = false
  }
}
resource "aws_kinesis_firehose_delivery_stream" "c" {
  server_side_encryption {
    enabled  = true
    key_type = "AWS_OWN"
  }
}
resource "aws_kinesis_firehose_delivery_stream" "d" {
  server_side_encryption {
    enabled  = true
    key_type = "CUSTOMER_MANAGED_CMK"
  }
}
resource "aws_kinesis_firehose_delivery_stream" "fed" {
  kinesis_source_configuration {
    kinesis_stream_arn = aws_kinesis_stream.s.arn
  }
}
resource "aws_kinesis_firehose_delivery_stream" "ok" {
  server_side_encryption {
    enabled  = true
    key_type = "CUSTOMER_MANAGED_CMK"
    key_arn  = aws_kms_key.k.arn
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 6, 12, 18]);
        assert_eq!(check_fixes(&RULE, tf), 3);
        let yaml = "Resources:\n  A:\n    Type: AWS::KinesisFirehose::DeliveryStream\n  B:\n    Type: AWS::KinesisFirehose::DeliveryStream\n    Properties:\n      DeliveryStreamType: KinesisStreamAsSource\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
