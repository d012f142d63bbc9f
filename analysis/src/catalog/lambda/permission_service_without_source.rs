use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "lambda-permission-service-without-source",
    title: "Lambda permission for an AWS service does not restrict the source",
    severity: Severity::Medium,
    row: Row::AccessRestriction,
    service: "Lambda",
    why: "Without a source, any resource of that service in any account (another customer's S3 bucket or SNS \
          topic) can trigger the function: the confused-deputy problem.",
    aws_side: "Lambda checks `SourceArn` and `SourceAccount` only if the customer sets them.",
    equivalents: Equivalents { checkov: &["CKV_AWS_364"], kics: &[], trivy: &[] },
    related: Related {
        checkov: &[],
        kics: &[],
        trivy: &["AVD-AWS-0067", "aws-lambda-restrict-source-arn"],
        how: "Trivy requires `source_arn`; a `source_account` alone does not satisfy it.",
    },
    matcher: &Custom {
        what: "Flags `aws_lambda_permission` whose `principal` is an AWS service (`*.amazonaws.com`) and that sets \
               neither `source_arn` nor `source_account`; in CloudFormation, `AWS::Lambda::Permission` likewise \
               (`SourceArn`, `SourceAccount`).",
        fix: "Set `source_arn` to the resource that invokes the function (the bucket, topic, rule or API), or at \
              least `source_account`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_lambda_permission"],
            check,
            example: r#"resource "aws_lambda_permission" "s3" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.worker.function_name
  principal     = "s3.amazonaws.com"
}"#,
            fixed_example: r#"resource "aws_lambda_permission" "s3" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.worker.function_name
  principal     = "s3.amazonaws.com"
  source_arn = "<arn-of-the-invoking-resource>"
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Lambda::Permission"],
            check: check_cfn,
            example: r#"Resources:
  S3Permission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !GetAtt Worker.Arn
      Action: lambda:InvokeFunction
      Principal: s3.amazonaws.com
"#,
            fixed_example: r#"Resources:
  S3Permission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !GetAtt Worker.Arn
      Action: lambda:InvokeFunction
      Principal: s3.amazonaws.com
      SourceArn: !GetAtt Uploads.Arn
"#,
        }),
    },
};

const FIX: &str = "Restrict the source (placeholder to replace)";

fn service(v: &Value) -> Option<String> {
    v.as_str().filter(|p| p.trim().to_ascii_lowercase().ends_with(".amazonaws.com")).map(str::to_string)
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_lambda_permission").collect::<Vec<_>>() {
        let Some((attr, principal)) = ctx.attr(res.block, "principal") else { continue };
        let Some(service) = service(&principal) else { continue };
        if ["source_arn", "source_account"].iter().any(|a| res.block.attr(a).is_some()) {
            continue;
        }
        let file = ctx.file(res);
        let fix = Fix::unsafe_(
            FIX,
            vec![edit::insert_in_block(file, res.block, "source_arn = \"<arn-of-the-invoking-resource>\"")],
        );
        let message = format!("`{}` lets any `{service}` resource, in any account, invoke the function: it sets no `source_arn` or `source_account`", res.address());
        ctx.report_with_fix(res, attr.range, message, fix);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::Lambda::Permission").collect::<Vec<_>>() {
        let Some((node, principal)) = ctx.prop(res, "Principal") else { continue };
        let Some(service) = service(&principal) else { continue };
        if ctx.prop(res, "SourceArn").is_some() || ctx.prop(res, "SourceAccount").is_some() {
            continue;
        }
        let fix = Fix::unsafe_(
            FIX,
            vec![cfn_edit::set_property(ctx.template, res, "SourceArn", &json!("<arn-of-the-invoking-resource>"))],
        );
        let range = ctx.prop_range(res, "Principal").unwrap_or(node.range);
        let message = format!("`{}` lets any `{service}` resource, in any account, invoke the function: it sets no `SourceArn` or `SourceAccount`", res.logical_id);
        ctx.report(res, range, message).fixes.push(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn service_principals_without_source() {
        let tf = "resource \"aws_lambda_permission\" \"a\" {\n  principal = \"sns.amazonaws.com\"\n}\nresource \"aws_lambda_permission\" \"b\" {\n  principal      = \"s3.amazonaws.com\"\n  source_account = \"111122223333\"\n}\nresource \"aws_lambda_permission\" \"c\" {\n  principal = \"111122223333\"\n}\n";
        assert_eq!(lines(&RULE, tf), [2]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let yaml = "Resources:\n  A:\n    Type: AWS::Lambda::Permission\n    Properties:\n      Principal: events.amazonaws.com\n  B:\n    Type: AWS::Lambda::Permission\n    Properties:\n      Principal: events.amazonaws.com\n      SourceArn: !GetAtt Rule.Arn\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
