use crate::cloudformation::check::CfnContext;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "lambda-permission-public",
    title: "Lambda permission lets any principal invoke the function",
    severity: Severity::Critical,
    row: Row::AccessRestriction,
    service: "Lambda",
    why: "A wildcard principal adds a statement to the function's resource policy that lets any AWS account (or, \
          for function URLs with auth type NONE, anyone on the internet) invoke the function. A `source_arn` or \
          `source_account` narrows only the callers that present one: attackers can run the function at will, \
          drive its costs, and reach whatever its role can reach.",
    aws_side: "AWS enforces the function's resource policy as written. Choosing who may invoke the function is \
               the customer's duty: AWS does not block a wildcard principal.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_301"],
        kics: &["e08ed7eb-f3ef-494d-9d22-2e3db756a347", "1d6e16f1-5d8a-4379-bfb3-2dadd38ed5a7"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_lambda_permission` resources whose `principal` is `\"*\"`, unless `principal_org_id` \
               restricts it to an AWS Organization.",
        fix: "Set `principal` to the service or account that invokes the function (`events.amazonaws.com`, \
              `s3.amazonaws.com`, `arn:aws:iam::111122223333:root`) and keep `source_arn`/`source_account` to \
              pin the exact resource.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_lambda_permission"],
            check,
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
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Lambda::Permission"],
            check: check_cfn,
            example: r#"Resources:
  EventsPermission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !GetAtt Worker.Arn
      Action: lambda:InvokeFunction
      Principal: "*"
      SourceArn: !GetAtt Daily.Arn
"#,
            fixed_example: r#"Resources:
  EventsPermission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !GetAtt Worker.Arn
      Action: lambda:InvokeFunction
      Principal: events.amazonaws.com
      SourceArn: !GetAtt Daily.Arn
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::Lambda::Permission").collect::<Vec<_>>() {
        // An organization-wide permission is written with Principal "*" and PrincipalOrgID.
        if ctx.prop(res, "PrincipalOrgID").is_some() {
            continue;
        }
        let Some((node, v)) = ctx.prop(res, "Principal") else { continue };
        if v.as_str().map(str::trim) != Some("*") {
            continue;
        }
        let narrowed = ["SourceArn", "SourceAccount"].iter().any(|p| ctx.prop(res, p).is_some());
        let message = format!(
            "`{}` lets any principal invoke the function{}",
            res.logical_id,
            if narrowed { " (a source condition narrows it, but names no caller)" } else { "" }
        );
        let range = ctx.prop_range(res, "Principal").unwrap_or(node.range);
        ctx.report(res, range, message);
    }
}

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
    use crate::kit::testing::lines;

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

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::cfn_lines;
        let yaml = r#"Resources:
  Wild:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !GetAtt Fn.Arn
      Action: lambda:InvokeFunction
      Principal: '*'
      SourceAccount: !Ref 'AWS::AccountId'
  S3:
    Type: AWS::Lambda::Permission
    Properties:
      Principal: s3.amazonaws.com
  Org:
    Type: AWS::Lambda::Permission
    Properties:
      Principal: "*"
      PrincipalOrgID: o-abc
  Unknown:
    Type: AWS::Lambda::Permission
    Properties:
      Principal: !Ref Who
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [7]);
        let json = r#"{"Resources": {"P": {"Type": "AWS::Lambda::Permission", "Properties": {
  "FunctionName": "f", "Action": "lambda:InvokeFunction", "Principal": "*"}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [2]);
    }
}
