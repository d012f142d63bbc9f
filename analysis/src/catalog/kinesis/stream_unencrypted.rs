use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "kinesis-stream-unencrypted",
    title: "Kinesis data stream is not encrypted with KMS",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "Kinesis",
    why: "Records in an unencrypted stream are stored in clear for the whole retention period (up to a year).",
    aws_side: "Kinesis encrypts with KMS when asked; the stream setting and the choice of key are the customer's.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["862fe4bf-3eec-4767-a517-40f378886b88", "7f65be75-90ab-4036-8c2a-410aef7bb650"],
        trivy: &["AVD-AWS-0064", "aws-kinesis-enable-in-transit-encryption"],
    },
    related: Related {
        checkov: &["CKV_AWS_43"],
        kics: &[],
        trivy: &[],
        how: "CKV_AWS_43 checks the encryption type only, not that a key is named.",
    },
    matcher: &Custom {
        what: "Flags `aws_kinesis_stream` whose `encryption_type` is absent or `NONE`, or `KMS` without a \
               `kms_key_id`; in CloudFormation, `AWS::Kinesis::Stream` without `StreamEncryption`, or whose \
               `StreamEncryption` lacks `EncryptionType: KMS` or a `KeyId`.",
        fix:
            "Set `encryption_type = \"KMS\"` and `kms_key_id` (`alias/aws/kinesis`, or better a customer-managed key).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_kinesis_stream"],
            check,
            example: r#"resource "aws_kinesis_stream" "events" {
  name        = "events"
  shard_count = 1
}"#,
            fixed_example: r#"resource "aws_kinesis_stream" "events" {
  name        = "events"
  shard_count = 1
  encryption_type = "KMS"
  kms_key_id = "alias/aws/kinesis"
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Kinesis::Stream"],
            check: check_cfn,
            example: r#"Resources:
  Events:
    Type: AWS::Kinesis::Stream
    Properties:
      ShardCount: 1
"#,
            fixed_example: r#"Resources:
  Events:
    Type: AWS::Kinesis::Stream
    Properties:
      ShardCount: 1
      StreamEncryption:
        EncryptionType: KMS
        KeyId: alias/aws/kinesis
"#,
        }),
    },
};

const FIX: &str = "Encrypt the stream with KMS";

fn empty(v: &Value) -> bool {
    matches!(v, Value::String(s) if s.trim().is_empty())
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_kinesis_stream").collect::<Vec<_>>() {
        let file = ctx.file(res);
        let address = res.address();
        let kind = ctx.attr(res.block, "encryption_type");
        let key = ctx.attr(res.block, "kms_key_id");
        match &kind {
            Some((_, v)) if !v.is_known() => continue,
            Some((attr, v)) if v.as_str().is_some_and(|t| t.eq_ignore_ascii_case("KMS")) => match &key {
                Some((_, k)) if !empty(k) => {}
                Some((k, _)) => {
                    let fix = Fix::new(FIX, vec![Edit { range: k.expr.range, text: "\"alias/aws/kinesis\"".into() }]);
                    ctx.report_with_fix(
                        res,
                        k.range,
                        format!("`{address}` sets an empty `kms_key_id`, so its records are not encrypted"),
                        fix,
                    );
                }
                None => {
                    let fix = Fix::new(
                        FIX,
                        vec![edit::insert_in_block(file, res.block, "kms_key_id = \"alias/aws/kinesis\"")],
                    );
                    ctx.report_with_fix(
                        res,
                        attr.range,
                        format!("`{address}` sets `encryption_type = \"KMS\"` without a `kms_key_id`"),
                        fix,
                    );
                }
            },
            _ => {
                let range = kind.as_ref().map_or(res.block.header, |(a, _)| a.range);
                let mut edits = Vec::new();
                let mut lines = Vec::new();
                match &kind {
                    Some((a, _)) => edits.push(Edit { range: a.expr.range, text: "\"KMS\"".into() }),
                    None => lines.push("encryption_type = \"KMS\""),
                }
                match &key {
                    Some((_, k)) if !empty(k) => {}
                    Some((k, _)) => edits.push(Edit { range: k.expr.range, text: "\"alias/aws/kinesis\"".into() }),
                    None => lines.push("kms_key_id = \"alias/aws/kinesis\""),
                }
                if !lines.is_empty() {
                    edits.push(edit::insert_in_block(file, res.block, &lines.join("\n")));
                }
                let fix = Fix::new(FIX, edits);
                let message =
                    format!("`{address}` is not encrypted (`encryption_type` is `NONE`), so its records rest in clear");
                ctx.report_with_fix(res, range, message, fix);
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::Kinesis::Stream").collect::<Vec<_>>() {
        let id = res.logical_id;
        let Some((encryption, _)) = ctx.prop(res, "StreamEncryption").filter(|(_, v)| *v != Value::Null) else {
            let fix = Fix::new(
                FIX,
                vec![cfn_edit::set_property(
                    ctx.template,
                    res,
                    "StreamEncryption",
                    &json!({"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"}),
                )],
            );
            let range = ctx.header(res);
            ctx.report(res, range, format!("`{id}` has no `StreamEncryption`, so its records rest in clear"))
                .fixes
                .push(fix);
            continue;
        };
        if encryption.intrinsic().is_some() {
            continue;
        }
        let kind = encryption.get("EncryptionType").map(|n| ctx.eval(n));
        if kind.as_ref().is_some_and(|v| !v.is_known()) {
            continue;
        }
        let kms = kind.as_ref().and_then(|v| v.as_str()).is_some_and(|t| t.eq_ignore_ascii_case("KMS"));
        // An unknown key (`!Ref Key`) is a key.
        let keyed =
            encryption.get("KeyId").map(|n| ctx.eval(n)).is_some_and(|k| !matches!(k, Value::Null) && !empty(&k));
        if kms && keyed {
            continue;
        }
        let set = |key: &str, value: serde_json::Value| match encryption.get(key) {
            Some(n) => cfn_edit::replace_value(ctx.template, n, &value),
            None => cfn_edit::set_key(ctx.template, encryption, key, &value),
        };
        let edit = match (kms, keyed) {
            (false, true) => set("EncryptionType", json!("KMS")),
            (true, false) => set("KeyId", json!("alias/aws/kinesis")),
            _ => cfn_edit::replace_value(
                ctx.template,
                encryption,
                &json!({"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"}),
            ),
        };
        let what = if kms { "without a `KeyId`" } else { "without `EncryptionType: KMS`" };
        let range = ctx.prop_range(res, "StreamEncryption").unwrap_or(encryption.range);
        let message = format!("`{id}` declares `StreamEncryption` {what}, so its records are not encrypted");
        ctx.report(res, range, message).fixes.push(Fix::new(FIX, vec![edit]));
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn unencrypted_streams() {
        let tf = "resource \"aws_kinesis_stream\" \"a\" {\n  name = \"a\"\n}\nresource \"aws_kinesis_stream\" \"b\" {\n  encryption_type = \"NONE\"\n}\nresource \"aws_kinesis_stream\" \"c\" {\n  encryption_type = \"KMS\"\n}\nresource \"aws_kinesis_stream\" \"d\" {\n  encryption_type = \"KMS\"\n  kms_key_id      = \"alias/aws/kinesis\"\n}\n";
        assert_eq!(lines(&RULE, tf), [1, 5, 8]);
        assert_eq!(check_fixes(&RULE, tf), 3);
        let yaml = "Resources:\n  A:\n    Type: AWS::Kinesis::Stream\n    Properties:\n      StreamEncryption:\n        EncryptionType: KMS\n  B:\n    Type: AWS::Kinesis::Stream\n    Properties:\n      StreamEncryption:\n        KeyId: !Ref Key\n  C:\n    Type: AWS::Kinesis::Stream\n    Properties:\n      ShardCount: 1\n  D:\n    Type: AWS::Kinesis::Stream\n    Properties:\n      StreamEncryption:\n        EncryptionType: KMS\n        KeyId: !Ref Key\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5, 10, 12]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 3);
    }
}
