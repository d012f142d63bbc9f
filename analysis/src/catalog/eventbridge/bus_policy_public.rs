use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::policy::Policy;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "eventbridge-bus-policy-public",
    title: "EventBridge event bus accepts events from any AWS account",
    severity: Severity::High,
    row: Row::AccessRestriction,
    service: "EventBridge",
    why: "Anyone can put events on the bus, triggering every rule and target behind it (Lambda functions, state \
          machines, queues) with payloads of their choosing.",
    aws_side: "EventBridge enforces the bus policy; writing it is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_cloudwatch_event_bus_policy` with an `Allow` statement whose principal is `*` and that has \
               no condition, and `aws_cloudwatch_event_permission` with `principal = \"*\"` and no `condition`; in \
               CloudFormation, `AWS::Events::EventBusPolicy` (`Principal: \"*\"` without `Condition`, or such a \
               `Statement`) and `AWS::Events::EventBus` `Policy`.",
        fix: "Name the accounts that may put events, or keep `*` with a condition on `aws:PrincipalOrgID`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_cloudwatch_event_bus_policy", "aws_cloudwatch_event_permission"],
            check,
            example: r#"resource "aws_cloudwatch_event_permission" "all" {
  principal    = "*"
  statement_id = "everyone"
}"#,
            fixed_example: r#"resource "aws_cloudwatch_event_permission" "all" {
  principal    = "*"
  statement_id = "everyone"
  condition {
    key   = "aws:PrincipalOrgID"
    type  = "StringEquals"
    value = "<organization-id>"
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Events::EventBusPolicy", "AWS::Events::EventBus"],
            check: check_cfn,
            example: r#"Resources:
  Everyone:
    Type: AWS::Events::EventBusPolicy
    Properties:
      StatementId: everyone
      Action: events:PutEvents
      Principal: '*'
"#,
            fixed_example: r#"Resources:
  Everyone:
    Type: AWS::Events::EventBusPolicy
    Properties:
      StatementId: everyone
      Action: events:PutEvents
      Principal: '*'
      Condition:
        Type: StringEquals
        Key: aws:PrincipalOrgID
        Value: '<organization-id>'
"#,
        }),
    },
};

const FIX: &str = "Restrict to your organization (placeholder to replace)";
const MESSAGE: &str = "lets any AWS account put events on the bus";

fn public(policy: &Policy) -> bool {
    policy.statements.iter().any(|s| s.allow && s.has_public_principal() && s.conditions.is_empty())
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_cloudwatch_event_bus_policy").collect::<Vec<_>>() {
        let Some(attr) = res.block.attr("policy") else { continue };
        if ctx.policy(&attr.expr).is_some_and(|p| public(&p)) {
            ctx.report(res, attr.range, format!("`{}` has a bus policy that {MESSAGE}", res.address()));
        }
    }
    for res in ctx.resources("aws_cloudwatch_event_permission").collect::<Vec<_>>() {
        let Some((attr, Value::String(p))) = ctx.attr(res.block, "principal") else { continue };
        if p.trim() != "*" || !ctx.nested(res.config(), "condition").is_empty() {
            continue;
        }
        let text = "condition {\n  key   = \"aws:PrincipalOrgID\"\n  type  = \"StringEquals\"\n  value = \"<organization-id>\"\n}";
        let fix = Fix::unsafe_(FIX, vec![edit::insert_in_block(ctx.file(res), res.block, text)]);
        ctx.report_with_fix(res, attr.range, format!("`{}` {MESSAGE}", res.address()), fix);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::Events::EventBusPolicy").collect::<Vec<_>>() {
        let id = res.logical_id;
        if let Some((node, _)) = ctx.prop(res, "Statement") {
            let statement = ctx.eval(node);
            let policy = Policy::from_value(&Value::Map([("Statement".to_string(), statement)].into_iter().collect()));
            if policy.is_some_and(|p| public(&p)) {
                let range = ctx.prop_range(res, "Statement").unwrap_or(node.range);
                ctx.report(res, range, format!("`{id}` {MESSAGE}"));
            }
            continue;
        }
        let Some((node, Value::String(p))) = ctx.prop(res, "Principal") else { continue };
        if p.trim() != "*" || ctx.prop(res, "Condition").is_some() {
            continue;
        }
        let condition = json!({"Type": "StringEquals", "Key": "aws:PrincipalOrgID", "Value": "<organization-id>"});
        let fix = Fix::unsafe_(FIX, vec![cfn_edit::set_property(ctx.template, res, "Condition", &condition)]);
        let range = ctx.prop_range(res, "Principal").unwrap_or(node.range);
        ctx.report(res, range, format!("`{id}` {MESSAGE}")).fixes.push(fix);
    }
    for res in ctx.resources("AWS::Events::EventBus").collect::<Vec<_>>() {
        let Some((node, _)) = ctx.prop(res, "Policy") else { continue };
        if ctx.policy(node).is_some_and(|p| public(&p)) {
            let range = ctx.prop_range(res, "Policy").unwrap_or(node.range);
            ctx.report(res, range, format!("`{}` has a bus policy that {MESSAGE}", res.logical_id));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn public_buses() {
        let tf = r#"resource "aws_cloudwatch_event_permission" "all" {
  principal = "*"
}
resource "aws_cloudwatch_event_permission" "org" {
  principal = "*"
  condition {
    key   = "aws:PrincipalOrgID"
    type  = "StringEquals"
    value = "o-abc"
  }
}
resource "aws_cloudwatch_event_bus_policy" "p" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "events:PutEvents", Resource = "*" }] })
}
resource "aws_cloudwatch_event_bus_policy" "account" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "111122223333" }, Action = "events:PutEvents", Resource = "*" }] })
}
"#;
        assert_eq!(lines(&RULE, tf), [13, 2]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let yaml = "Resources:\n  A:\n    Type: AWS::Events::EventBusPolicy\n    Properties:\n      Principal: '*'\n  B:\n    Type: AWS::Events::EventBusPolicy\n    Properties:\n      Statement:\n        Effect: Allow\n        Principal: '*'\n        Action: events:PutEvents\n        Resource: '*'\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5, 9]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
