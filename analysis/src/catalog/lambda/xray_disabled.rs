use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "lambda-xray-disabled",
    title: "Lambda function does not trace invocations with X-Ray",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "Lambda",
    why: "`PassThrough` traces only requests that arrive already sampled, so most invocations (and failures \
          inside the function) are never traced.",
    aws_side: "Lambda sends segments to X-Ray when the function is in `Active` mode and its role may write them \
               (`xray:PutTraceSegments`, as in `AWSXRayDaemonWriteAccess`).",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["8152e0cf-d2f0-47ad-96d5-d003a76eabd1", "9488c451-074e-4cd3-aee3-7db6104f542c"],
        trivy: &["AVD-AWS-0066", "aws-lambda-enable-tracing"],
    },
    related: Related { checkov: &["CKV_AWS_50"], kics: &[], trivy: &[], how: "CKV_AWS_50 accepts `PassThrough`." },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_lambda_function"],
            modules: &[("lambda", "tracing_mode", true)],
            path: "tracing_config.mode",
            applies: None,
            example: r#"resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.worker.arn
  handler       = "index.handler"
  runtime       = "nodejs20.x"
}"#,
            fixed: r#"resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.worker.arn
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  tracing_config {
    mode = "Active"
  }
}"#,
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::Lambda::Function"],
            path: "TracingConfig.Mode",
            example: r#"Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      TracingConfig:
        Mode: PassThrough
"#,
            fixed: r#"Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      TracingConfig:
        Mode: Active
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::OneOf(&["Active"]),
        absent: Some("only requests that arrive already sampled are traced"),
        insecure: "only requests that arrive already sampled are traced",
        fix: "Set `tracing_config { mode = \"Active\" }` and let the role write traces (`AWSXRayDaemonWriteAccess`). \
              In CloudFormation: `TracingConfig.Mode: Active`.",
        ..Setting::DEFAULT
    },
};
