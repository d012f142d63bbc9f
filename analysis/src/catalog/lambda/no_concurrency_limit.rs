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
    id: "lambda-no-concurrency-limit",
    title: "Lambda function has no reserved concurrency limit",
    severity: Severity::Low,
    row: Row::BusinessContinuity,
    service: "Lambda",
    why: "One runaway or abused function can take the whole regional concurrency pool and throttle every other \
          function of the account.",
    aws_side: "AWS enforces the account's concurrency quota; partitioning it between functions is the customer's.",
    equivalents: Equivalents { checkov: &["CKV_AWS_115"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_lambda_function` (and `terraform-aws-modules/lambda` calls) whose \
               `reserved_concurrent_executions` is absent or `-1` (unreserved); in CloudFormation, \
               `AWS::Lambda::Function` and `AWS::Serverless::Function` without `ReservedConcurrentExecutions`.",
        fix: "Set `reserved_concurrent_executions` to the most the function should ever run at once (`0` stops it \
              entirely).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_lambda_function"],
            check,
            example: r#"resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.worker.arn
}"#,
            fixed_example: r#"resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.worker.arn
  reserved_concurrent_executions = 100 # TODO: the most it should run at once
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Lambda::Function", "AWS::Serverless::Function"],
            check: check_cfn,
            example: r#"Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
"#,
            fixed_example: r#"Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      ReservedConcurrentExecutions: 100
"#,
        }),
    },
};

/// The limit the fix writes, for the person to adjust.
const LIMIT: u32 = 100;
const FIX: &str = "Reserve (and cap) the function's concurrency (review the limit)";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources_like("aws_lambda_function", "lambda").collect::<Vec<_>>() {
        match ctx.attr(res.block, "reserved_concurrent_executions") {
            None => {
                let text = format!("reserved_concurrent_executions = {LIMIT} # TODO: the most it should run at once");
                let edit = edit::insert_in_block(ctx.file(res), res.block, &text);
                let message =
                    format!("`{}` reserves no concurrency, so it can take the account's whole pool", res.address());
                ctx.report_with_fix(res, res.block.header, message, Fix::unsafe_(FIX, vec![edit]));
            }
            Some((attr, v)) if v.as_f64() == Some(-1.0) => {
                let edit = Edit { range: attr.expr.range, text: LIMIT.to_string() };
                let message = format!("`{}` sets `reserved_concurrent_executions = -1` (unreserved), so it can take the account's whole pool", res.address());
                ctx.report_with_fix(res, attr.range, message, Fix::unsafe_(FIX, vec![edit]));
            }
            _ => {}
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for ty in ["AWS::Lambda::Function", "AWS::Serverless::Function"] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let global = crate::kit::sam::global_function_property(ctx, res, "ReservedConcurrentExecutions").is_some();
            if !global && matches!(ctx.prop(res, "ReservedConcurrentExecutions"), None | Some((_, Value::Null))) {
                let edit = cfn_edit::set_property(ctx.template, res, "ReservedConcurrentExecutions", &json!(LIMIT));
                let range = ctx.header(res);
                let message =
                    format!("`{}` reserves no concurrency, so it can take the account's whole pool", res.logical_id);
                ctx.report(res, range, message).fixes.push(Fix::unsafe_(FIX, vec![edit]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn unreserved_functions() {
        let tf = "resource \"aws_lambda_function\" \"a\" {\n}\nresource \"aws_lambda_function\" \"b\" {\n  reserved_concurrent_executions = -1\n}\nresource \"aws_lambda_function\" \"c\" {\n  reserved_concurrent_executions = 10\n}\nresource \"aws_lambda_function\" \"d\" {\n  reserved_concurrent_executions = var.limit\n}\nmodule \"fn\" {\n  source = \"terraform-aws-modules/lambda/aws\"\n}\n";
        assert_eq!(lines(&RULE, tf), [1, 4, 12]);
        assert_eq!(crate::kit::testing::check_fixes(&RULE, tf), 3);
        let yaml = "Resources:\n  A:\n    Type: AWS::Lambda::Function\n  B:\n    Type: AWS::Serverless::Function\n    Properties:\n      ReservedConcurrentExecutions: 5\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        // SAM functions take it from `Globals`.
        let yaml = "Globals:\n  Function:\n    ReservedConcurrentExecutions: 5\nResources:\n  B:\n    Type: AWS::Serverless::Function\n";
        assert!(cfn_lines(&RULE, yaml).is_empty());
    }
}
