use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::kit::lifecycle::module_major;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "sqs-encryption-disabled",
    title: "SQS queue server-side encryption is off or not declared",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "SQS",
    why: "Messages often carry personal data, tokens and business events. Without server-side encryption they \
          sit in plain form on AWS storage and in any copy of it. AWS encrypts queues created since October 2022 \
          with SSE-SQS by default, but a queue created earlier (and later imported or managed by this code) stays \
          unencrypted, and Terraform does not notice because the setting is not declared; an explicit \
          `sqs_managed_sse_enabled = false` turns the protection off.",
    aws_side: "AWS runs the queue service, holds the keys of SSE-SQS and encrypts new queues by default since \
               October 2022. Keeping encryption on, declaring it so that drift is detected, and choosing a \
               customer-managed KMS key when key policies or audit of key use are required are the customer's \
               duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_27"],
        kics: &["6e8849c1-3aa7-40e3-9063-b85ee300f29f", "12726829-93ed-4d51-9cbe-13423f4299e1"],
        trivy: &["AVD-AWS-0096", "aws-sqs-enable-queue-encryption"],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags SQS queues (and `terraform-aws-modules/sqs` calls) that turn SSE-SQS off, set an empty KMS key, \
               or declare neither `sqs_managed_sse_enabled = true` nor a `kms_master_key_id`.",
        fix: "Set `sqs_managed_sse_enabled = true`, or `kms_master_key_id` to a KMS key (`alias/aws/sqs` or a \
              customer-managed key).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_sqs_queue"],
            check,
            example: r#"resource "aws_sqs_queue" "orders" {
  name                    = "orders"
  sqs_managed_sse_enabled = false
}"#,
            fixed_example: r#"resource "aws_sqs_queue" "orders" {
  name                    = "orders"
  sqs_managed_sse_enabled = true
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::SQS::Queue"],
            check: check_cfn,
            example: r#"Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: orders
      SqsManagedSseEnabled: false
"#,
            fixed_example: r#"Resources:
  Orders:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: orders
      SqsManagedSseEnabled: true
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::SQS::Queue").collect::<Vec<_>>() {
        let kms = ctx.prop(res, "KmsMasterKeyId");
        let sse = ctx.prop(res, "SqsManagedSseEnabled");
        let kms_value = kms.as_ref().map(|(_, v)| v.clone()).unwrap_or(Value::Null);
        let sse_value = sse.as_ref().map(|(_, v)| v.clone()).unwrap_or(Value::Null);
        if !kms_value.is_known() || !sse_value.is_known() {
            continue;
        }
        if kms_value.as_str().is_some_and(|k| !k.trim().is_empty()) || sse_value.as_bool() == Some(true) {
            continue;
        }
        let id = res.logical_id;
        let turn_on = |ctx: &CfnContext| {
            Fix::new(
                "Turn on SSE-SQS",
                vec![cfn_edit::set_property(ctx.template, res, "SqsManagedSseEnabled", &json!(true))],
            )
        };
        if let (Some((node, _)), Some(false)) = (sse, sse_value.as_bool()) {
            let fix = turn_on(ctx);
            let range = ctx.prop_range(res, "SqsManagedSseEnabled").unwrap_or(node.range);
            ctx.report(res, range, format!("`{id}` turns server-side encryption off")).fixes.push(fix);
            continue;
        }
        match kms {
            Some((node, Value::String(_))) => {
                let fix = Fix::new(
                    "Encrypt with the AWS-managed SQS key",
                    vec![cfn_edit::replace_value(ctx.template, node, &json!("alias/aws/sqs"))],
                );
                let range = ctx.prop_range(res, "KmsMasterKeyId").unwrap_or(node.range);
                let message = format!("`{id}` sets an empty `KmsMasterKeyId` and no `SqsManagedSseEnabled: true`");
                ctx.report(res, range, message).fixes.push(fix);
            }
            _ => {
                let fix = turn_on(ctx);
                let range = ctx.header(res);
                let message = format!(
                    "`{id}` declares no encryption: it relies on the SSE-SQS default of queues created since \
                     October 2022, and the template cannot show a queue that is not encrypted"
                );
                ctx.report(res, range, message).fixes.push(fix);
            }
        }
    }
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources_like("aws_sqs_queue", "sqs").collect::<Vec<_>>() {
        let kms = ctx.attr(res.block, "kms_master_key_id");
        let sse = ctx.attr(res.block, "sqs_managed_sse_enabled");
        let kms_value = kms.as_ref().map(|(_, v)| v.clone()).unwrap_or(Value::Null);
        let sse_value = sse.as_ref().map(|(_, v)| v.clone()).unwrap_or(Value::Null);
        if !kms_value.is_known() || !sse_value.is_known() {
            continue;
        }
        if kms_value.as_str().is_some_and(|k| !k.is_empty()) || sse_value.as_bool() == Some(true) {
            continue;
        }
        // terraform-aws-modules/sqs enables SSE-SQS by default since v4 (and the latest is used without a version).
        if res.is_module() && sse.is_none() && module_major(res.block).is_none_or(|m| m >= 4) {
            continue;
        }
        let file = ctx.file(res);
        let address = res.address();
        if let (Some((attr, _)), Some(false)) = (sse, sse_value.as_bool()) {
            let fix = Fix::new(
                "Turn on SSE-SQS",
                vec![edit::set_attribute(file, res.block, "sqs_managed_sse_enabled", "true")],
            );
            ctx.report_with_fix(res, attr.range, format!("`{address}` turns server-side encryption off"), fix);
            continue;
        }
        let kms_fix = || {
            Fix::new(
                "Encrypt with the AWS-managed SQS key",
                vec![edit::set_attribute(file, res.block, "kms_master_key_id", "\"alias/aws/sqs\"")],
            )
        };
        match kms {
            Some((attr, Value::String(_))) => ctx.report_with_fix(
                res,
                attr.range,
                format!("`{address}` sets an empty `kms_master_key_id` and no `sqs_managed_sse_enabled = true`"),
                kms_fix(),
            ),
            Some(_) => ctx.report_with_fix(
                res,
                res.block.header,
                format!(
                    "`{address}` declares no encryption: it relies on the SSE-SQS default of queues created since \
                     October 2022"
                ),
                kms_fix(),
            ),
            None => {
                let fix = if res.is_module() {
                    kms_fix()
                } else {
                    Fix::new(
                        "Turn on SSE-SQS",
                        vec![edit::set_attribute(file, res.block, "sqs_managed_sse_enabled", "true")],
                    )
                };
                ctx.report_with_fix(
                    res,
                    res.block.header,
                    format!(
                        "`{address}` declares no encryption: it relies on the SSE-SQS default of queues created \
                         since October 2022, and Terraform cannot detect a queue that is not encrypted"
                    ),
                    fix,
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_off_empty_and_undeclared_encryption() {
        let text = r#"
resource "aws_sqs_queue" "absent" {
  name = "a"
}
resource "aws_sqs_queue" "empty" {
  kms_master_key_id = ""
}
resource "aws_sqs_queue" "null" {
  kms_master_key_id = null
}
resource "aws_sqs_queue" "off" {
  sqs_managed_sse_enabled = false
}
resource "aws_sqs_queue" "kms" {
  kms_master_key_id = "alias/aws/sqs"
}
resource "aws_sqs_queue" "sse" {
  sqs_managed_sse_enabled = true
}
resource "aws_sqs_queue" "unknown" {
  kms_master_key_id = var.key
}
resource "aws_sqs_queue" "unknown_sse" {
  sqs_managed_sse_enabled = var.sse
}
"#;
        assert_eq!(lines(&RULE, text), [2, 6, 8, 12]);
        assert_eq!(check_fixes(&RULE, text), 4);
    }

    #[test]
    fn modules_follow_their_version_defaults() {
        let text = r#"
module "v2" {
  source  = "terraform-aws-modules/sqs/aws"
  version = "~> 2.0"
  name    = "user"
}
module "v2_empty" {
  source            = "terraform-aws-modules/sqs/aws"
  version           = "~> 2.0"
  kms_master_key_id = ""
}
module "v4" {
  source  = "terraform-aws-modules/sqs/aws"
  version = "~> 4.0"
}
module "latest" {
  source = "terraform-aws-modules/sqs/aws"
}
module "v4_off" {
  source                  = "terraform-aws-modules/sqs/aws"
  version                 = "4.2.0"
  sqs_managed_sse_enabled = false
}
module "other" {
  source = "./sqs"
}
"#;
        assert_eq!(lines(&RULE, text), [2, 10, 22]);
        assert_eq!(check_fixes(&RULE, text), 3);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = r#"Parameters:
  Key:
    Type: String
Resources:
  Absent:
    Type: AWS::SQS::Queue
  Off:
    Type: AWS::SQS::Queue
    Properties:
      SqsManagedSseEnabled: false
  Empty:
    Type: AWS::SQS::Queue
    Properties: {KmsMasterKeyId: ''}
  Kms:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: alias/aws/sqs
  Sse:
    Type: AWS::SQS::Queue
    Properties:
      SqsManagedSseEnabled: true
  Unknown:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !Ref Key
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [5, 10, 13]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 3);
        let json = r#"{"Resources": {
  "A": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "a"}},
  "B": {"Type": "AWS::SQS::Queue", "Properties": {"SqsManagedSseEnabled": "false"}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [2, 3]);
        assert_eq!(check_cfn_fixes(&RULE, json), 2);
    }
}
