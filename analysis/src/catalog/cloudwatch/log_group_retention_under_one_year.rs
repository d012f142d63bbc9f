use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::format_number;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "cloudwatch-log-group-retention-under-one-year",
    title: "CloudWatch log group keeps logs for less than a year",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "CloudWatch Logs",
    why: "Incident investigations regularly reach back months; audit frameworks (PCI DSS, NIST AU-11) ask for a \
          year of logs. Short-lived debug groups are legitimate: suppress the finding on them.",
    aws_side: "CloudWatch Logs deletes events after the period you choose; the period is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_338"],
        kics: &[],
        trivy: &[],
        how: "CKV_AWS_338 also fails log groups that set no retention (cloudwatch-log-group-retention-unlimited's \
              finding here).",
    },
    matcher: &Custom {
        what: "Flags log groups whose `retention_in_days` (`RetentionInDays`) is between 1 and 364.",
        fix: "Set `retention_in_days = 365` (or more).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_cloudwatch_log_group"],
            check,
            example: r#"resource "aws_cloudwatch_log_group" "audit" {
  name              = "audit"
  retention_in_days = 30
}"#,
            fixed_example: r#"resource "aws_cloudwatch_log_group" "audit" {
  name              = "audit"
  retention_in_days = 365
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Logs::LogGroup"],
            check: check_cfn,
            example: r#"Resources:
  Audit:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDays: 30
"#,
            fixed_example: r#"Resources:
  Audit:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDays: 365
"#,
        }),
    },
};

const FIX: &str = "Keep logs for a year";

fn short(days: Option<f64>) -> Option<f64> {
    days.filter(|d| *d > 0.0 && *d < 365.0)
}

fn message(subject: &str, days: f64) -> String {
    format!("`{subject}` keeps its logs {} days: investigations and audits need a year", format_number(days))
}

fn check(ctx: &mut TfContext) {
    for group in ctx.resources("aws_cloudwatch_log_group").collect::<Vec<_>>() {
        let Some((attr, v)) = ctx.attr(group.block, "retention_in_days") else { continue };
        let Some(days) = short(v.as_f64()) else { continue };
        let fix = Fix::new(FIX, vec![Edit { range: attr.expr.range, text: "365".into() }]);
        ctx.report_with_fix(group, attr.range, message(&group.address(), days), fix);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for group in ctx.resources("AWS::Logs::LogGroup").collect::<Vec<_>>() {
        let Some((node, v)) = ctx.prop(group, "RetentionInDays") else { continue };
        let Some(days) = short(v.as_f64()) else { continue };
        let fix = Fix::new(FIX, vec![cfn_edit::replace_value(ctx.template, node, &json!(365))]);
        let range = ctx.prop_range(group, "RetentionInDays").unwrap_or(node.range);
        ctx.report(group, range, message(group.logical_id, days)).fixes.push(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_retention_under_a_year() {
        let tf = r#"resource "aws_cloudwatch_log_group" "absent" {
  name = "a"
}
resource "aws_cloudwatch_log_group" "zero" {
  retention_in_days = 0
}
resource "aws_cloudwatch_log_group" "week" {
  retention_in_days = "7"
}
resource "aws_cloudwatch_log_group" "year" {
  retention_in_days = 365
}
resource "aws_cloudwatch_log_group" "unknown" {
  retention_in_days = var.days
}
"#;
        assert_eq!(lines(&RULE, tf), [8]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let yaml = "Resources:\n  A:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      RetentionInDays: 90\n  B:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      RetentionInDays: 400\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
