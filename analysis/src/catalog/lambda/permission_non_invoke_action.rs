use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "lambda-permission-non-invoke-action",
    title: "Lambda permission grants an action other than invoking the function",
    severity: Severity::Medium,
    row: Row::AccessRestriction,
    service: "Lambda",
    why: "A resource-based grant of `lambda:*` or of management actions lets the grantee (often a whole AWS \
          service) read, reconfigure or delete the function instead of only calling it; `lambda:GetFunction` \
          hands out a link to the code package.",
    aws_side: "Lambda enforces the function policy statements the customer adds.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &[
            "75ec6890-83af-4bf1-9f16-e83726df0bd0",
            "ad9dabc7-7839-4bae-a957-aa9120013f39",
            "9b83114b-b2a1-4534-990d-06da015e47aa",
        ],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_lambda_permission"],
            path: "action",
            example: r#"resource "aws_lambda_permission" "s3" {
  action        = "lambda:*"
  function_name = aws_lambda_function.worker.function_name
  principal     = "s3.amazonaws.com"
  source_arn    = aws_s3_bucket.uploads.arn
}"#,
            fixed: r#"resource "aws_lambda_permission" "s3" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.worker.function_name
  principal     = "s3.amazonaws.com"
  source_arn    = aws_s3_bucket.uploads.arn
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::Lambda::Permission"],
            path: "Action",
            example: r#"Resources:
  S3Permission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !GetAtt Worker.Arn
      Action: lambda:GetFunction
      Principal: s3.amazonaws.com
"#,
            fixed: r#"Resources:
  S3Permission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !GetAtt Worker.Arn
      Action: lambda:InvokeFunction
      Principal: s3.amazonaws.com
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::OneOf(&["lambda:InvokeFunction", "lambda:InvokeFunctionUrl"]),
        absent: None,
        insecure: "the grantee may do more than invoke the function",
        fix_title: "Grant invocation only",
        ..Setting::DEFAULT
    },
};
