use crate::cloudformation::check::CfnContext;
use crate::kit::resource_policy;
use crate::policy::Statement;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::eval::UNKNOWN_PART;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "lambda-permission-public",
    title: "Lambda permission lets any principal invoke the function",
    severity: Severity::Critical,
    row: Row::AccessRestriction,
    service: "Lambda",
    why: "A wildcard principal adds a statement to the function's resource policy that lets any AWS account (or, \
          for function URLs with auth type NONE, anyone on the internet) invoke the function: attackers can run it \
          at will, drive its costs, and reach whatever its role can reach. Lambda writes `principal_org_id`, \
          `source_account` and `source_arn` into that statement as conditions, and only those that pin the caller \
          (an organisation, an account, one resource's ARN with its account) close it.",
    aws_side: "AWS enforces the function's resource policy as written. Choosing who may invoke the function is \
               the customer's duty: AWS does not block a wildcard principal.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_301"],
        kics: &["e08ed7eb-f3ef-494d-9d22-2e3db756a347", "1d6e16f1-5d8a-4379-bfb3-2dadd38ed5a7"],
        trivy: &[],
        how: "Checkov's CKV_AWS_301 and KICS's Lambda Permission Principal Is Wildcard flag principal `*` whatever \
              `principal_org_id`, `source_account` or `source_arn` pin (KICS's own examples pin it with a rule's \
              ARN and with the stack's account), which this rule passes.",
    },
    matcher: &Custom {
        what: "Flags `aws_lambda_permission` (`AWS::Lambda::Permission`) whose `principal` is `\"*\"`, unless the \
               conditions Lambda writes for it pin the caller to known principals as in every resource policy: \
               `principal_org_id` (`aws:PrincipalOrgID`), `source_account` (`aws:SourceAccount`), or a \
               `source_arn` (`aws:SourceArn`) without a wildcard that names its account (an S3 bucket's ARN does \
               not). Unknown values (`data.aws_caller_identity.current.account_id`) are taken to pin.",
        fix: "Set `principal` to the service or account that invokes the function (`events.amazonaws.com`, \
              `s3.amazonaws.com`, `arn:aws:iam::111122223333:root`) with `source_arn`/`source_account` to pin the \
              exact resource, or keep `*` with `principal_org_id` for the functions your organisation calls.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_lambda_permission"],
            check,
            example: r#"resource "aws_lambda_permission" "events" {
  statement_id  = "AllowExecutionFromEvents"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.worker.function_name
  principal     = "*"
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

/// The conditions Lambda writes into the function's policy for a permission's properties (Terraform's name, the
/// template's, and the condition), so that they are judged as any resource policy's are.
const CONDITIONS: [(&str, &str, (&str, &str)); 3] = [
    ("principal_org_id", "PrincipalOrgID", ("stringequals", "aws:principalorgid")),
    ("source_account", "SourceAccount", ("stringequals", "aws:sourceaccount")),
    ("source_arn", "SourceArn", ("arnlike", "aws:sourcearn")),
];

/// The statement a permission adds for principal `*`, with the conditions of the properties it sets (`value` gives
/// a property's value by its Terraform and template names).
fn statement(value: impl Fn(&str, &str) -> Option<Value>) -> Statement {
    let conditions = CONDITIONS
        .iter()
        .filter_map(|(tf, cfn, (operator, key))| {
            let value = value(tf, cfn)?;
            let text = value.to_text().or_else(|| (!value.is_known()).then(|| UNKNOWN_PART.to_string()))?;
            Some((operator.to_string(), key.to_string(), vec![text]))
        })
        .collect();
    Statement { allow: true, principals: vec![("*".into(), "*".into())], conditions, ..Statement::default() }
}

/// Why the permission is public, when it is: `None` when its conditions pin the caller.
fn public_message(statement: &Statement) -> Option<&'static str> {
    if !resource_policy::is_public(statement) {
        return None;
    }
    Some(if statement.conditions.is_empty() {
        "lets any principal invoke the function"
    } else {
        "lets any principal invoke the function (no condition pins the caller)"
    })
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::Lambda::Permission").collect::<Vec<_>>() {
        let Some((node, v)) = ctx.prop(res, "Principal") else { continue };
        if v.as_str().map(str::trim) != Some("*") {
            continue;
        }
        let Some(what) = public_message(&statement(|_, cfn| ctx.prop(res, cfn).map(|(_, v)| v))) else { continue };
        let range = ctx.prop_range(res, "Principal").unwrap_or(node.range);
        ctx.report(res, range, format!("`{}` {what}", res.logical_id));
    }
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_lambda_permission").collect::<Vec<_>>() {
        let Some((attr, v)) = ctx.attr(res.block, "principal") else { continue };
        if v.as_str().map(str::trim) != Some("*") {
            continue;
        }
        let Some(what) = public_message(&statement(|tf, _| ctx.attr(res.block, tf).map(|(_, v)| v))) else {
            continue;
        };
        ctx.report(res, attr.range, format!("`{}` {what}", res.address()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines, run};

    #[test]
    fn flags_wildcard_principals_no_condition_pins() {
        let text = r#"
resource "aws_lambda_permission" "wild" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.test_lambda.function_name
  principal     = "*"
}
resource "aws_lambda_permission" "url" {
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.test_lambda.function_name
  principal              = "*"
  function_url_auth_type = "NONE"
}
resource "aws_lambda_permission" "any_api_route" {
  principal  = "*"
  source_arn = "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3/*"
}
resource "aws_lambda_permission" "bucket_alone" {
  principal  = "*"
  source_arn = "arn:aws:s3:::uploads"
}
resource "aws_lambda_permission" "events" {
  principal = "events.amazonaws.com"
}
resource "aws_lambda_permission" "rule" {
  principal  = "*"
  source_arn = "arn:aws:events:eu-west-1:111122223333:rule/RunDaily"
}
resource "aws_lambda_permission" "org" {
  principal        = "*"
  principal_org_id = "o-abc"
}
resource "aws_lambda_permission" "account" {
  principal      = "*"
  source_account = data.aws_caller_identity.current.account_id
}
resource "aws_lambda_permission" "bucket_and_account" {
  principal      = "*"
  source_arn     = "arn:aws:s3:::uploads"
  source_account = "111122223333"
}
resource "aws_lambda_permission" "unknown" {
  principal = var.principal
}
"#;
        assert_eq!(lines(&RULE, text), [5, 10, 14, 18]);
        let messages: Vec<String> = run(&RULE, text).into_iter().map(|f| f.message.to_string()).collect();
        assert_eq!(messages[0], "`aws_lambda_permission.wild` lets any principal invoke the function");
        assert!(messages[2].ends_with("(no condition pins the caller)"), "{}", messages[2]);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        let yaml = r#"Resources:
  Wild:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !GetAtt Fn.Arn
      Action: lambda:InvokeFunction
      Principal: '*'
  AnyRule:
    Type: AWS::Lambda::Permission
    Properties:
      Principal: '*'
      SourceArn: arn:aws:events:eu-west-1:*:rule/*
  Account:
    Type: AWS::Lambda::Permission
    Properties:
      Principal: '*'
      SourceAccount: !Ref 'AWS::AccountId'
      SourceArn: !GetAtt Bucket.Arn
  Rule:
    Type: AWS::Lambda::Permission
    Properties:
      Principal: '*'
      SourceArn: arn:aws:events:eu-west-1:111122223333:rule/RunDaily
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
        assert_eq!(cfn_lines(&RULE, yaml), [7, 11]);
        let json = r#"{"Resources": {"P": {"Type": "AWS::Lambda::Permission", "Properties": {
  "FunctionName": "f", "Action": "lambda:InvokeFunction", "Principal": "*"}},
  "Q": {"Type": "AWS::Lambda::Permission", "Properties": {"Principal": "*", "SourceAccount": "111122223333"}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [2]);
    }
}
