use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};
use crate::terraform::check::{Resource, TfContext};
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "lambda-env-not-encrypted-cmk",
    title: "Lambda environment variables are not encrypted with a customer-managed key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "Lambda",
    why: "With the AWS managed key anyone allowed `lambda:GetFunctionConfiguration` sees the variables decrypted; \
          a customer-managed key lets its key policy decide who can read them. (Secrets belong in Secrets Manager \
          anyway.)",
    aws_side: "Lambda always encrypts environment variables at rest; using a key the customer controls is the \
               customer's choice.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_173"],
        kics: &[],
        trivy: &[],
        how: "CKV_AWS_173 also flags a key set on a function without environment variables.",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_lambda_function"],
            modules: &[("lambda", "kms_key_arn", true)],
            path: "kms_key_arn",
            applies: Some(tf_has_variables),
            example: r#"resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.worker.arn

  environment {
    variables = {
      TABLE = "orders"
    }
  }
}"#,
            fixed: r#"resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.worker.arn

  environment {
    variables = {
      TABLE = "orders"
    }
  }
  kms_key_arn = "<customer-managed-kms-key-arn>"
}"#,
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::Lambda::Function", "AWS::Serverless::Function"],
            path: "KmsKeyArn",
            applies: Some(cfn_has_variables),
            example: r#"Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Environment:
        Variables:
          TABLE: orders
"#,
            fixed: r#"Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Environment:
        Variables:
          TABLE: orders
      KmsKeyArn: '<customer-managed-kms-key-arn>'
"#,
        }),
        want: Want::Kms,
        absent: Some(
            "its environment variables are encrypted with the AWS managed key, which no key policy of yours governs",
        ),
        insecure: "an AWS-managed key is governed by no key policy of yours",
        ..Setting::DEFAULT
    },
};

/// Whether a variables value may hold variables (a non-empty or unknown map).
fn non_empty(v: &Value) -> bool {
    match v {
        Value::Map(m) => !m.is_empty(),
        Value::Null => false,
        _ => true,
    }
}

fn tf_has_variables(ctx: &TfContext, res: Resource) -> bool {
    if res.is_module() {
        return res.block.attr("environment_variables").is_some_and(|a| non_empty(&ctx.eval(&a.expr)));
    }
    ctx.nested(res.config(), "environment")
        .iter()
        .any(|e| ctx.field(*e, "variables").is_some_and(|(_, v)| non_empty(&v)))
}

/// (A SAM function may take its key from `Globals`.)
fn cfn_has_variables(ctx: &CfnContext, res: CfnResource) -> bool {
    crate::kit::sam::global_function_property(ctx, res, "KmsKeyArn").is_none()
        && ctx.prop(res, "Environment.Variables").is_some_and(|(_, v)| non_empty(&v))
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::lines;

    #[test]
    fn only_functions_with_variables() {
        let tf = "resource \"aws_lambda_function\" \"a\" {\n  environment {\n    variables = { A = \"1\" }\n  }\n}\nresource \"aws_lambda_function\" \"b\" {\n}\nresource \"aws_lambda_function\" \"c\" {\n  kms_key_arn = \"alias/aws/lambda\"\n  environment {\n    variables = { A = \"1\" }\n  }\n}\nmodule \"fn\" {\n  source                = \"terraform-aws-modules/lambda/aws\"\n  environment_variables = { A = \"1\" }\n}\n";
        assert_eq!(lines(&RULE, tf), [1, 9, 14]);
    }
}
