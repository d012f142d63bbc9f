use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};
use crate::terraform::check::{Resource, TfContext};

pub static RULE: Rule = Rule {
    id: "lambda-code-signing-disabled",
    title: "Lambda function does not require signed code",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "Lambda",
    why: "Without code signing, anyone able to update the function's code (a leaked CI credential) can deploy \
          arbitrary code that runs with the function's role.",
    aws_side: "Lambda verifies signatures only when a code signing configuration is attached; container-image \
               functions cannot use one.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_272"],
        kics: &[],
        trivy: &[],
        how: "CKV_AWS_272 also flags container-image functions, which cannot be signed.",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_lambda_function"],
            modules: &[],
            path: "code_signing_config_arn",
            applies: Some(tf_zip),
            example: r#"resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.worker.arn
}"#,
            fixed: r#"resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.worker.arn
  code_signing_config_arn = "<code-signing-config-arn>"
}"#,
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::Lambda::Function", "AWS::Serverless::Function"],
            path: "CodeSigningConfigArn",
            applies: Some(cfn_zip),
            example: r#"Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
"#,
            fixed: r#"Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      CodeSigningConfigArn: '<code-signing-config-arn>'
"#,
        }),
        want: Want::Present { placeholder: "<code-signing-config-arn>" },
        absent: Some("any code uploaded to it runs, signed or not"),
        insecure: "any code uploaded to it runs, signed or not",
        fix:
            "Create an `aws_lambda_code_signing_config` with your signing profiles (`untrusted_artifact_on_deployment \
              = \"Enforce\"`) and set `code_signing_config_arn` to it. In CloudFormation: `CodeSigningConfigArn`.",
        fix_title: "Require signed code (placeholder to replace)",
    },
};

/// Container images cannot be signed.
fn tf_zip(ctx: &TfContext, res: Resource) -> bool {
    ctx.attr(res.block, "package_type").is_none_or(|(_, v)| v.as_str().is_some_and(|p| p.eq_ignore_ascii_case("Zip")))
}

/// (A SAM function may take its configuration from `Globals`.)
fn cfn_zip(ctx: &CfnContext, res: CfnResource) -> bool {
    crate::kit::sam::global_function_property(ctx, res, "CodeSigningConfigArn").is_none()
        && ctx.prop(res, "PackageType").is_none_or(|(_, v)| v.as_str().is_some_and(|p| p.eq_ignore_ascii_case("Zip")))
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::lines;

    #[test]
    fn zip_functions_only() {
        let tf = "resource \"aws_lambda_function\" \"a\" {\n}\nresource \"aws_lambda_function\" \"image\" {\n  package_type = \"Image\"\n}\n";
        assert_eq!(lines(&RULE, tf), [1]);
    }
}
