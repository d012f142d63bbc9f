use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::kit::keys::{is_aws_managed, tf_key};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "sqs-queue-not-encrypted-cmk",
    title: "SQS queue is encrypted with an AWS-owned or AWS-managed key, not a customer-managed key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "SQS",
    why: "With AWS-owned (SSE-SQS) or AWS-managed keys the key policy cannot restrict who decrypts messages, \
          cross-account producers cannot be granted, and key use is not auditable per queue. SNS topics and \
          EventBridge rules delivering to an encrypted queue need a customer-managed key whose policy allows \
          them.",
    aws_side: "SQS encrypts with the key the customer selects; SSE-SQS uses keys AWS owns and manages entirely.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV2_AWS_73"],
        kics: &[],
        trivy: &["AVD-AWS-0135", "aws-sqs-queue-encryption-use-cmk"],
        how: "CKV2_AWS_73's condition passes almost every queue as written; Trivy's check ignores SSE-SQS.",
    },
    matcher: &Custom {
        what: "Flags `aws_sqs_queue` (and `terraform-aws-modules/sqs` calls) that use SSE-SQS \
               (`sqs_managed_sse_enabled = true`) without a `kms_master_key_id`, or whose key is the AWS managed \
               `alias/aws/sqs` (also through a `data.aws_kms_key` or `data.aws_kms_alias`); in CloudFormation, \
               `AWS::SQS::Queue` likewise. Queues declaring no encryption are `sqs-encryption-disabled`'s.",
        fix: "Set `kms_master_key_id` to a customer-managed KMS key whose policy lets the producers use it.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_sqs_queue"],
            check,
            example: r#"resource "aws_sqs_queue" "orders" {
  name              = "orders"
  kms_master_key_id = "alias/aws/sqs"
}"#,
            fixed_example: r#"resource "aws_sqs_queue" "orders" {
  name              = "orders"
  kms_master_key_id = aws_kms_key.orders.arn
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::SQS::Queue"],
            check: check_cfn,
            example: r#"Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      SqsManagedSseEnabled: true
"#,
            fixed_example: r#"Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      SqsManagedSseEnabled: true
      KmsMasterKeyId: !Ref OrdersKey
"#,
        }),
    },
};

const FIX: &str = "Use a customer-managed KMS key (placeholder to replace)";
const PLACEHOLDER: &str = "<customer-managed-kms-key-arn>";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources_like("aws_sqs_queue", "sqs").collect::<Vec<_>>() {
        let address = res.address();
        match res.block.attr("kms_master_key_id") {
            Some(attr) => {
                let key = tf_key(ctx, &attr.expr);
                if key.as_str().is_some_and(|k| is_aws_managed(k, "sqs")) {
                    let fix =
                        Fix::unsafe_(FIX, vec![Edit { range: attr.expr.range, text: format!("\"{PLACEHOLDER}\"") }]);
                    let message = format!("`{address}` is encrypted with the AWS managed key `alias/aws/sqs`, which no key policy of yours governs");
                    ctx.report_with_fix(res, attr.range, message, fix);
                }
            }
            None => {
                let Some((attr, v)) = ctx.attr(res.block, "sqs_managed_sse_enabled") else { continue };
                if v.as_bool() != Some(true) {
                    continue;
                }
                let fix = Fix::unsafe_(
                    FIX,
                    vec![edit::insert_in_block(
                        ctx.file(res),
                        res.block,
                        &format!("kms_master_key_id = \"{PLACEHOLDER}\""),
                    )],
                );
                let message = format!(
                    "`{address}` is encrypted with SSE-SQS, keys AWS owns, which no key policy of yours governs"
                );
                ctx.report_with_fix(res, attr.range, message, fix);
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::SQS::Queue").collect::<Vec<_>>() {
        let id = res.logical_id;
        match ctx.prop(res, "KmsMasterKeyId") {
            Some((node, Value::String(k))) if is_aws_managed(&k, "sqs") => {
                let fix = Fix::unsafe_(FIX, vec![cfn_edit::replace_value(ctx.template, node, &json!(PLACEHOLDER))]);
                let range = ctx.prop_range(res, "KmsMasterKeyId").unwrap_or(node.range);
                let message = format!("`{id}` is encrypted with the AWS managed key `alias/aws/sqs`, which no key policy of yours governs");
                ctx.report(res, range, message).fixes.push(fix);
            }
            Some((_, v)) if v != Value::Null => {}
            _ => {
                let Some((node, v)) = ctx.prop(res, "SqsManagedSseEnabled") else { continue };
                if v.as_bool() != Some(true) {
                    continue;
                }
                let fix = Fix::unsafe_(
                    FIX,
                    vec![cfn_edit::set_property(ctx.template, res, "KmsMasterKeyId", &json!(PLACEHOLDER))],
                );
                let range = ctx.prop_range(res, "SqsManagedSseEnabled").unwrap_or(node.range);
                let message =
                    format!("`{id}` is encrypted with SSE-SQS, keys AWS owns, which no key policy of yours governs");
                ctx.report(res, range, message).fixes.push(fix);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn aws_owned_and_managed_keys() {
        let tf = r#"resource "aws_sqs_queue" "managed" {
  kms_master_key_id = "alias/aws/sqs"
}
resource "aws_sqs_queue" "owned" {
  sqs_managed_sse_enabled = true
}
data "aws_kms_alias" "sqs" {
  name = "alias/aws/sqs"
}
resource "aws_sqs_queue" "through_data" {
  kms_master_key_id = data.aws_kms_alias.sqs.target_key_arn
}
resource "aws_sqs_queue" "cmk" {
  kms_master_key_id = aws_kms_key.q.arn
}
resource "aws_sqs_queue" "undeclared" {
  name = "x"
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 5, 11]);
        assert_eq!(check_fixes(&RULE, tf), 3);
        let yaml = "Resources:\n  A:\n    Type: AWS::SQS::Queue\n    Properties:\n      KmsMasterKeyId: alias/aws/sqs\n  B:\n    Type: AWS::SQS::Queue\n    Properties:\n      SqsManagedSseEnabled: 'true'\n  C:\n    Type: AWS::SQS::Queue\n    Properties:\n      KmsMasterKeyId: !Ref Key\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5, 9]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
