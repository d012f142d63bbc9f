use crate::cloudformation::check::CfnContext;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::Value;

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
        has_fix: false,
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

  reserved_concurrent_executions = 50
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
      ReservedConcurrentExecutions: 50
"#,
        }),
    },
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources_like("aws_lambda_function", "lambda").collect::<Vec<_>>() {
        match ctx.attr(res.block, "reserved_concurrent_executions") {
            None => {
                let message =
                    format!("`{}` reserves no concurrency, so it can take the account's whole pool", res.address());
                ctx.report(res, res.block.header, message);
            }
            Some((attr, v)) if v.as_f64() == Some(-1.0) => {
                let message = format!("`{}` sets `reserved_concurrent_executions = -1` (unreserved), so it can take the account's whole pool", res.address());
                ctx.report(res, attr.range, message);
            }
            _ => {}
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for ty in ["AWS::Lambda::Function", "AWS::Serverless::Function"] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            if matches!(ctx.prop(res, "ReservedConcurrentExecutions"), None | Some((_, Value::Null))) {
                let range = ctx.header(res);
                ctx.report(
                    res,
                    range,
                    format!("`{}` reserves no concurrency, so it can take the account's whole pool", res.logical_id),
                );
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
        let yaml = "Resources:\n  A:\n    Type: AWS::Lambda::Function\n  B:\n    Type: AWS::Serverless::Function\n    Properties:\n      ReservedConcurrentExecutions: 5\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
    }
}
