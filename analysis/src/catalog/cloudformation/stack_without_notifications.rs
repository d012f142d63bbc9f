use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "cfn-stack-without-notifications",
    title: "CloudFormation stack sends no event notifications",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "CloudFormation",
    why: "Stack events (failed updates, rollbacks, deletions) go unnoticed unless someone watches the console; \
          notifications make unexpected changes to the infrastructure visible.",
    aws_side: "CloudFormation publishes stack events to the SNS topics you give it; subscribing to them is the \
               customer's.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_124"],
        kics: &["b72d0026-f649-4c91-a9ea-15d8f681ac09", "837e033c-4717-40bd-807e-6abaa30161b7"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags stacks (`aws_cloudformation_stack`, nested `AWS::CloudFormation::Stack`) without \
               `notification_arns` (`NotificationARNs`), or with an empty list.",
        fix: "Set `notification_arns` to an SNS topic your operations team subscribes to.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_cloudformation_stack"],
            check,
            example: r#"resource "aws_cloudformation_stack" "network" {
  name         = "network"
  template_url = "https://s3.amazonaws.com/templates/network.yaml"
}"#,
            fixed_example: r#"resource "aws_cloudformation_stack" "network" {
  name              = "network"
  template_url      = "https://s3.amazonaws.com/templates/network.yaml"
  notification_arns = [aws_sns_topic.stack_events.arn]
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::CloudFormation::Stack"],
            check: check_cfn,
            example: r#"Resources:
  Network:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://s3.amazonaws.com/templates/network.yaml
"#,
            fixed_example: r#"Resources:
  Network:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://s3.amazonaws.com/templates/network.yaml
      NotificationARNs: [!Ref StackEvents]
"#,
        }),
    },
};

const FIX: &str = "Notify an SNS topic (ARN to replace)";
const PLACEHOLDER: &str = "<sns-topic-arn>";

const WHAT: &str = "sends no stack event notifications: failed updates and deletions go unnoticed";

fn empty(v: &Value) -> bool {
    matches!(v, Value::List(items) if items.is_empty())
}

fn check(ctx: &mut TfContext) {
    for stack in ctx.resources("aws_cloudformation_stack").collect::<Vec<_>>() {
        let value = format!("[\"{PLACEHOLDER}\"]");
        let (range, edit) = match ctx.attr(stack.block, "notification_arns") {
            None => {
                (stack.block.header, edit::set_attribute(ctx.file(stack), stack.block, "notification_arns", &value))
            }
            Some((attr, v)) if empty(&v) => (attr.range, Edit { range: attr.expr.range, text: value }),
            Some(_) => continue,
        };
        ctx.report(stack, range, format!("`{}` {WHAT}", stack.address())).fixes.push(Fix::unsafe_(FIX, vec![edit]));
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for stack in ctx.resources("AWS::CloudFormation::Stack").collect::<Vec<_>>() {
        let value = json!([PLACEHOLDER]);
        let (range, edit) = match ctx.prop(stack, "NotificationARNs") {
            None | Some((_, Value::Null)) => {
                (ctx.header(stack), cfn_edit::set_property(ctx.template, stack, "NotificationARNs", &value))
            }
            Some((node, v)) if empty(&v) => (
                ctx.prop_range(stack, "NotificationARNs").unwrap_or(node.range),
                cfn_edit::replace_value(ctx.template, node, &value),
            ),
            Some(_) => continue,
        };
        ctx.report(stack, range, format!("`{}` {WHAT}", stack.logical_id)).fixes.push(Fix::unsafe_(FIX, vec![edit]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_stacks_without_notifications() {
        let tf = r#"resource "aws_cloudformation_stack" "absent" {
  name = "networking-stack"
}
resource "aws_cloudformation_stack" "empty" {
  notification_arns = []
}
resource "aws_cloudformation_stack" "notified" {
  notification_arns = ["a", "b"]
}
resource "aws_cloudformation_stack" "unknown" {
  notification_arns = var.topics
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 5]);
        assert_eq!(check_fixes(&RULE, tf), 2);
        let yaml = "Resources:\n  A:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: t\n  B:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      NotificationARNs: [String]\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
