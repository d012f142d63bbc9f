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
    id: "cloudwatch-log-group-retention-unlimited",
    title: "CloudWatch log group keeps logs forever (no retention set)",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "CloudWatch Logs",
    why: "A retention policy needs an end date: logs kept forever accumulate personal data and secrets beyond \
          what any policy allows, and cost without bound.",
    aws_side: "CloudWatch Logs keeps events for as long as the group says; the period is the customer's decision.",
    equivalents: Equivalents { checkov: &[], kics: &["ef0b316a-211e-42f1-888e-64efe172b755"], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_66"],
        kics: &[],
        trivy: &[],
        how: "CKV_AWS_66 accepts `retention_in_days = 0`, which keeps logs forever.",
    },
    matcher: &Custom {
        what: "Flags log groups without `retention_in_days` (`RetentionInDays`), or with 0: their events never \
               expire. Together with cloudwatch-log-group-retention-under-one-year, it asks for an explicit period \
               of at least a year.",
        fix: "Set `retention_in_days` to the period your retention policy asks for (365 days or more for audit \
              logs).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_cloudwatch_log_group"],
            check,
            example: r#"resource "aws_cloudwatch_log_group" "app" {
  name = "app"
}"#,
            fixed_example: r#"resource "aws_cloudwatch_log_group" "app" {
  name = "app"
  retention_in_days = 365
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Logs::LogGroup"],
            check: check_cfn,
            example: r#"Resources:
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: app
"#,
            fixed_example: r#"Resources:
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: app
      RetentionInDays: 365
"#,
        }),
    },
};

const FIX: &str = "Keep logs for a year";
const WHAT: &str = "keeps its logs forever: set a retention period";

fn check(ctx: &mut TfContext) {
    for group in ctx.resources("aws_cloudwatch_log_group").collect::<Vec<_>>() {
        let file = ctx.file(group);
        match ctx.attr(group.block, "retention_in_days") {
            None => {
                let fix = Fix::new(FIX, vec![edit::set_attribute(file, group.block, "retention_in_days", "365")]);
                let message = format!("`{}` does not set `retention_in_days`, so it {WHAT}", group.address());
                ctx.report_with_fix(group, group.block.header, message, fix);
            }
            Some((attr, v)) if v.as_f64() == Some(0.0) => {
                let fix = Fix::new(FIX, vec![Edit { range: attr.expr.range, text: "365".into() }]);
                let message = format!("`{}` sets `retention_in_days = 0`, so it {WHAT}", group.address());
                ctx.report_with_fix(group, attr.range, message, fix);
            }
            Some(_) => {}
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for group in ctx.resources("AWS::Logs::LogGroup").collect::<Vec<_>>() {
        let (range, fix) = match ctx.prop(group, "RetentionInDays") {
            None | Some((_, Value::Null)) => {
                (ctx.header(group), cfn_edit::set_property(ctx.template, group, "RetentionInDays", &json!(365)))
            }
            Some((node, v)) if v.as_f64() == Some(0.0) => (
                ctx.prop_range(group, "RetentionInDays").unwrap_or(node.range),
                cfn_edit::replace_value(ctx.template, node, &json!(365)),
            ),
            Some(_) => continue,
        };
        let message = format!("`{}` does not set `RetentionInDays`, so it {WHAT}", group.logical_id);
        ctx.report(group, range, message).fixes.push(Fix::new(FIX, vec![fix]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_absent_and_zero_retention() {
        let tf = r#"resource "aws_cloudwatch_log_group" "absent" {
  name = "a"
}
resource "aws_cloudwatch_log_group" "zero" {
  retention_in_days = 0
}
resource "aws_cloudwatch_log_group" "one_day" {
  retention_in_days = 1
}
resource "aws_cloudwatch_log_group" "unknown" {
  retention_in_days = var.days
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 5]);
        assert_eq!(check_fixes(&RULE, tf), 2);
        let yaml = "Resources:\n  A:\n    Type: AWS::Logs::LogGroup\n  B:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      RetentionInDays: 30\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
