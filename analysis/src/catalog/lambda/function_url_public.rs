use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "lambda-function-url-public",
    title: "Lambda function URL has no authentication",
    severity: Severity::High,
    row: Row::AccessRestriction,
    service: "Lambda",
    why: "A function URL with auth type `NONE` is a public HTTPS endpoint: anyone can invoke the function, run up \
          its cost, and reach whatever its role can reach. Deliberately public webhooks can suppress the finding.",
    aws_side: "Lambda checks SigV4 signatures only for `AWS_IAM` URLs; with `NONE` the customer's code is the only \
               gate.",
    equivalents: Equivalents { checkov: &["CKV_AWS_258"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_lambda_function_url"],
            path: "authorization_type",
            example: r#"resource "aws_lambda_function_url" "worker" {
  function_name      = aws_lambda_function.worker.function_name
  authorization_type = "NONE"
}"#,
            fixed: r#"resource "aws_lambda_function_url" "worker" {
  function_name      = aws_lambda_function.worker.function_name
  authorization_type = "AWS_IAM"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::Lambda::Url"],
            path: "AuthType",
            example: r#"Resources:
  WorkerUrl:
    Type: AWS::Lambda::Url
    Properties:
      TargetFunctionArn: !GetAtt Worker.Arn
      AuthType: NONE
"#,
            fixed: r#"Resources:
  WorkerUrl:
    Type: AWS::Lambda::Url
    Properties:
      TargetFunctionArn: !GetAtt Worker.Arn
      AuthType: AWS_IAM
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::NoneOf { insecure: &["NONE"], fix: "AWS_IAM" },
        absent: None,
        insecure: "anyone on the internet can invoke the function",
        fix_title: "Require IAM-signed requests (review the callers)",
        ..Setting::DEFAULT
    },
};
