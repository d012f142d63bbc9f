use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};
use crate::terraform::check::{Resource, TfContext};

pub static RULE: Rule = Rule {
    id: "kinesis-stream-not-encrypted-cmk",
    title: "Kinesis data stream uses the AWS-managed key instead of a customer-managed key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "Kinesis",
    why: "The AWS-managed key `alias/aws/kinesis` cannot be restricted by a key policy of yours, shared with \
          another account, or disabled.",
    aws_side: "Kinesis encrypts with the key the customer names; a customer-managed key and its policy are the \
               customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_185"],
        kics: &[],
        trivy: &[],
        how: "CKV_AWS_185 accepts `alias/aws/kinesis` and flags streams without any key.",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_kinesis_stream"],
            modules: &[],
            path: "kms_key_id",
            applies: Some(tf_kms),
            example: r#"resource "aws_kinesis_stream" "events" {
  name            = "events"
  shard_count     = 1
  encryption_type = "KMS"
  kms_key_id      = "alias/aws/kinesis"
}"#,
            fixed: r#"resource "aws_kinesis_stream" "events" {
  name            = "events"
  shard_count     = 1
  encryption_type = "KMS"
  kms_key_id      = "<customer-managed-kms-key-arn>"
}"#,
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::Kinesis::Stream"],
            path: "StreamEncryption?.KeyId",
            applies: Some(cfn_kms),
            example: r#"Resources:
  Events:
    Type: AWS::Kinesis::Stream
    Properties:
      ShardCount: 1
      StreamEncryption:
        EncryptionType: KMS
        KeyId: alias/aws/kinesis
"#,
            fixed: r#"Resources:
  Events:
    Type: AWS::Kinesis::Stream
    Properties:
      ShardCount: 1
      StreamEncryption:
        EncryptionType: KMS
        KeyId: '<customer-managed-kms-key-arn>'
"#,
        }),
        want: Want::Kms,
        absent: None,
        insecure: "the AWS-managed key is governed by no key policy of yours",
        ..Setting::DEFAULT
    },
};

/// Streams encrypted with KMS and a key (an empty key is `kinesis-stream-unencrypted`'s finding).
fn tf_kms(ctx: &TfContext, res: Resource) -> bool {
    ctx.attr(res.block, "encryption_type")
        .is_some_and(|(_, v)| v.as_str().is_some_and(|t| t.eq_ignore_ascii_case("KMS")))
        && !ctx.attr(res.block, "kms_key_id").is_some_and(|(_, v)| v.as_str().is_some_and(|k| k.trim().is_empty()))
}

fn cfn_kms(ctx: &CfnContext, res: CfnResource) -> bool {
    ctx.prop(res, "StreamEncryption.EncryptionType")
        .is_some_and(|(_, v)| v.as_str().is_some_and(|t| t.eq_ignore_ascii_case("KMS")))
        && !ctx
            .prop(res, "StreamEncryption.KeyId")
            .is_some_and(|(_, v)| v.as_str().is_some_and(|k| k.trim().is_empty()))
}
