use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::CfnResource;
use crate::fix::{Edit, Fix};
use crate::kit::references::{cfn_mentions, tf_names};
use crate::kit::setting::set_in_config;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "lambda-no-dead-letter-queue",
    title: "Lambda function has no dead-letter queue or failure destination",
    severity: Severity::Low,
    row: Row::BusinessContinuity,
    service: "Lambda",
    why: "Asynchronous events (S3, SNS, EventBridge) that keep failing are discarded silently after two retries; \
          without a dead-letter queue or an on-failure destination they cannot be inspected or replayed. \
          Functions invoked only synchronously (API Gateway, load balancers) do not use one: suppress the finding \
          there.",
    aws_side: "Lambda retries asynchronous invocations and hands failures to the dead-letter queue or destination \
               the customer configures.",
    equivalents: Equivalents { checkov: &[], kics: &["c2eae442-d3ba-4cb1-84ca-1db4f80eae3d"], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_116"],
        kics: &[],
        trivy: &[],
        how: "CKV_AWS_116 does not accept an on-failure destination (`aws_lambda_function_event_invoke_config`) \
              instead of a dead-letter queue.",
    },
    matcher: &Custom {
        what: "Flags `aws_lambda_function` without `dead_letter_config.target_arn` (or with an empty one) and \
               without an on-failure destination (`aws_lambda_function_event_invoke_config`); in CloudFormation, \
               `AWS::Lambda::Function` without `DeadLetterConfig.TargetArn` and without an \
               `AWS::Lambda::EventInvokeConfig` with `DestinationConfig.OnFailure`.",
        fix: "Set `dead_letter_config { target_arn = aws_sqs_queue.<dlq>.arn }` (the role needs `sqs:SendMessage` on \
              it), or an on-failure destination.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_lambda_function"],
            check,
            example: r#"resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.worker.arn
  handler       = "index.handler"
  runtime       = "nodejs20.x"
}"#,
            fixed_example: r#"resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.worker.arn
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  dead_letter_config {
    target_arn = "<dead-letter-queue-arn>"
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Lambda::Function"],
            check: check_cfn,
            example: r#"Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
"#,
            fixed_example: r#"Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      DeadLetterConfig:
        TargetArn: '<dead-letter-queue-arn>'
"#,
        }),
    },
};

const FIX: &str = "Send failed events to a dead-letter queue (placeholder to replace)";
const PLACEHOLDER: &str = "<dead-letter-queue-arn>";
const WHY: &str = "asynchronous events that keep failing are dropped";

fn empty(v: &Value) -> bool {
    matches!(v, Value::String(s) if s.trim().is_empty())
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_lambda_function").collect::<Vec<_>>() {
        if !tf_without_destination(ctx, res) {
            continue;
        }
        let file = ctx.file(res);
        let address = res.address();
        let configs = ctx.nested(res.config(), "dead_letter_config");
        if configs.is_empty() {
            if res.block.attr("dead_letter_config").is_some() {
                continue;
            }
            let text = format!("dead_letter_config {{\n  target_arn = \"{PLACEHOLDER}\"\n}}");
            let fix = Fix::unsafe_(FIX, vec![edit::insert_in_block(file, res.block, &text)]);
            ctx.report_with_fix(res, res.block.header, format!("`{address}` has no dead-letter queue: {WHY}"), fix);
        }
        for config in configs {
            match ctx.field(config, "target_arn") {
                None => {
                    let fix = set_in_config(file, config, "target_arn", &format!("\"{PLACEHOLDER}\""))
                        .map(|e| Fix::unsafe_(FIX, vec![e]));
                    ctx.report(
                        res,
                        config.header(),
                        format!("`{address}` sets no `dead_letter_config.target_arn`: {WHY}"),
                    )
                    .fixes
                    .extend(fix);
                }
                Some((field, v)) if empty(&v) => {
                    let fix =
                        Fix::unsafe_(FIX, vec![Edit { range: field.expr.range, text: format!("\"{PLACEHOLDER}\"") }]);
                    ctx.report_with_fix(
                        res,
                        field.range,
                        format!("`{address}` sets an empty `dead_letter_config.target_arn`: {WHY}"),
                        fix,
                    );
                }
                _ => {}
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::Lambda::Function").collect::<Vec<_>>() {
        if !cfn_without_destination(ctx, res) {
            continue;
        }
        let id = res.logical_id;
        let config = ctx.prop(res, "DeadLetterConfig");
        match config {
            Some((node, _)) if node.intrinsic().is_some() => {}
            Some((node, v)) if !matches!(v, Value::Null) && node.get("TargetArn").is_some() => {
                let target = node.get("TargetArn").expect("checked");
                if empty(&ctx.eval(target)) {
                    let fix =
                        Fix::unsafe_(FIX, vec![cfn_edit::replace_value(ctx.template, target, &json!(PLACEHOLDER))]);
                    let range = node.entry("TargetArn").map_or(target.range, |e| e.range);
                    ctx.report(res, range, format!("`{id}` sets an empty `DeadLetterConfig.TargetArn`: {WHY}"))
                        .fixes
                        .push(fix);
                }
            }
            _ => {
                let edit =
                    cfn_edit::set_property(ctx.template, res, "DeadLetterConfig", &json!({"TargetArn": PLACEHOLDER}));
                let range = ctx.prop_range(res, "DeadLetterConfig").unwrap_or_else(|| ctx.header(res));
                ctx.report(res, range, format!("`{id}` has no `DeadLetterConfig.TargetArn`: {WHY}"))
                    .fixes
                    .push(Fix::unsafe_(FIX, vec![edit]));
            }
        }
    }
}

/// An on-failure destination replaces the dead-letter queue.
fn tf_without_destination(ctx: &TfContext, res: Resource) -> bool {
    !ctx.all_resources("aws_lambda_function_event_invoke_config").any(|c| {
        c.block.attr("function_name").is_some_and(|f| tf_names(&f.expr, res))
            && ctx.nested(c.config(), "destination_config").iter().any(|d| !ctx.nested(d, "on_failure").is_empty())
    })
}

fn cfn_without_destination(ctx: &CfnContext, res: CfnResource) -> bool {
    !ctx.template.resources().filter(|r| r.ty == "AWS::Lambda::EventInvokeConfig").any(|c| {
        ctx.prop(c, "FunctionName").is_some_and(|(n, _)| cfn_mentions(n, res.logical_id))
            && ctx.prop(c, "DestinationConfig.OnFailure").is_some()
    })
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn functions_without_dlq_or_destination() {
        let tf = r#"resource "aws_lambda_function" "a" {
  function_name = "a"
}
resource "aws_lambda_function" "b" {
  function_name = "b"
}
resource "aws_lambda_function_event_invoke_config" "b" {
  function_name = aws_lambda_function.b.function_name
  destination_config {
    on_failure {
      destination = aws_sqs_queue.failed.arn
    }
  }
}
resource "aws_lambda_function" "c" {
  dead_letter_config {
    target_arn = aws_sqs_queue.dlq.arn
  }
}
resource "aws_lambda_function" "d" {
  dead_letter_config {
    target_arn = ""
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 22]);
        assert_eq!(check_fixes(&RULE, tf), 2);
        let yaml = "Resources:\n  A:\n    Type: AWS::Lambda::Function\n    Properties:\n      DeadLetterConfig:\n  B:\n    Type: AWS::Lambda::Function\n  C:\n    Type: AWS::Lambda::EventInvokeConfig\n    Properties:\n      FunctionName: !Ref B\n      DestinationConfig:\n        OnFailure: {Destination: arn}\n  D:\n    Type: AWS::Lambda::Function\n    Properties:\n      DeadLetterConfig:\n        TargetArn: !Ref Queue\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
