use crate::responsibility::Row;
use crate::rules::{Equivalents, Rule, Severity};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "lambda-permission-public",
    title: "Lambda permission lets any principal invoke the function",
    severity: Severity::Critical,
    row: Row::AccessRestriction,
    service: "Lambda",
    what: "Flags `aws_lambda_permission` resources whose `principal` is `\"*\"`, unless `principal_org_id` \
           restricts it to an AWS Organization.",
    why: "A wildcard principal adds a statement to the function's resource policy that lets any AWS account (or, \
          for function URLs with auth type NONE, anyone on the internet) invoke the function. A `source_arn` or \
          `source_account` narrows only the callers that present one: attackers can run the function at will, \
          drive its costs, and reach whatever its role can reach.",
    aws_side: "AWS enforces the function's resource policy as written. Choosing who may invoke the function is \
               the customer's duty: AWS does not block a wildcard principal.",
    fix: "Set `principal` to the service or account that invokes the function (`events.amazonaws.com`, \
          `s3.amazonaws.com`, `arn:aws:iam::111122223333:root`) and keep `source_arn`/`source_account` to \
          pin the exact resource.",
    example: r#"resource "aws_lambda_permission" "events" {
  statement_id  = "AllowExecutionFromEvents"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.worker.function_name
  principal     = "*"
  source_arn    = aws_cloudwatch_event_rule.daily.arn
}"#,
    fixed_example: r#"resource "aws_lambda_permission" "events" {
  statement_id  = "AllowExecutionFromEvents"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.worker.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.daily.arn
}"#,
    equivalents: Equivalents {
        checkov: &["CKV_AWS_301"],
        kics: &["e08ed7eb-f3ef-494d-9d22-2e3db756a347"],
        trivy: &["AVD-AWS-0067", "aws-lambda-restrict-source-arn"],
    },
    resource_types: &["aws_lambda_permission"],
    terraform: Some(check),
    cloudformation: None,
    has_fix: false,
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_lambda_permission").collect::<Vec<_>>() {
        // An organization-wide permission is written with principal "*" and principal_org_id.
        if res.block.attr("principal_org_id").is_some() {
            continue;
        }
        let Some((attr, v)) = ctx.attr(res.block, "principal") else { continue };
        if v.as_str().map(str::trim) != Some("*") {
            continue;
        }
        let narrowed = ["source_arn", "source_account"].iter().any(|a| res.block.attr(a).is_some());
        let message = format!(
            "`{}` lets any principal invoke the function{}",
            res.address(),
            if narrowed { " (a source condition narrows it, but names no caller)" } else { "" }
        );
        ctx.report(res, attr.range, message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::lines;

    #[test]
    fn flags_wildcard_principals() {
        let text = r#"
resource "aws_lambda_permission" "wild" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.test_lambda.function_name
  principal     = "*"
  source_arn    = "arn:aws:events:eu-west-1:111122223333:rule/RunDaily"
}
resource "aws_lambda_permission" "events" {
  principal = "events.amazonaws.com"
}
resource "aws_lambda_permission" "org" {
  principal        = "*"
  principal_org_id = "o-abc"
}
resource "aws_lambda_permission" "unknown" {
  principal = var.principal
}
"#;
        assert_eq!(lines(&RULE, text), [5]);
    }
}
