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
    id: "cloudtrail-insights-disabled",
    title: "CloudTrail trail has no Insights selector",
    severity: Severity::Low,
    row: Row::AccountCompromise,
    service: "CloudTrail",
    why: "Insights flags unusual API call volumes and error rates (credential stuffing, a compromised key \
          enumerating the account) without hand-written alarms.",
    aws_side: "CloudTrail analyses management events for anomalies only when Insights is enabled (it is billed); \
               enabling it is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags trails without an `insight_selector` (`InsightSelectors`) for `ApiCallRateInsight` or \
               `ApiErrorRateInsight`.",
        fix: "Add `insight_selector { insight_type = \"ApiCallRateInsight\" }` (and `ApiErrorRateInsight`) on the \
              trail that logs management write events.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_cloudtrail"],
            check,
            example: r#"resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "audit-logs"
}"#,
            fixed_example: r#"resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "audit-logs"
  insight_selector {
    insight_type = "ApiCallRateInsight"
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::CloudTrail::Trail"],
            check: check_cfn,
            example: r#"Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      S3BucketName: audit-logs
      IsLogging: true
"#,
            fixed_example: r#"Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      S3BucketName: audit-logs
      IsLogging: true
      InsightSelectors:
        - InsightType: ApiCallRateInsight
"#,
        }),
    },
};

const FIX: &str = "Enable Insights on API call rates";
const WHAT: &str = "has no Insights selector: unusual API call volumes and error rates go unnoticed";

fn check(ctx: &mut TfContext) {
    for trail in ctx.resources("aws_cloudtrail").collect::<Vec<_>>() {
        if !ctx.nested(trail.config(), "insight_selector").is_empty() {
            continue;
        }
        if trail.block.attr("insight_selector").is_some_and(|a| ctx.eval(&a.expr) != Value::List(Vec::new())) {
            continue;
        }
        let file = ctx.file(trail);
        let fix = Fix::new(
            FIX,
            vec![edit::insert_in_block(
                file,
                trail.block,
                "insight_selector {\n  insight_type = \"ApiCallRateInsight\"\n}",
            )],
        );
        ctx.report_with_fix(trail, trail.block.header, format!("`{}` {WHAT}", trail.address()), fix);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for trail in ctx.resources("AWS::CloudTrail::Trail").collect::<Vec<_>>() {
        if let Some((_, value)) = ctx.prop(trail, "InsightSelectors") {
            if value != Value::List(Vec::new()) && value != Value::Null {
                continue;
            }
        }
        let value = json!([{"InsightType": "ApiCallRateInsight"}]);
        let fix = Fix::new(FIX, vec![cfn_edit::set_property(ctx.template, trail, "InsightSelectors", &value)]);
        let range = ctx.header(trail);
        ctx.report(trail, range, format!("`{}` {WHAT}", trail.logical_id)).fixes.push(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_trails_without_insights() {
        let tf = r#"resource "aws_cloudtrail" "none" {
  name = "a"
}
resource "aws_cloudtrail" "errors" {
  insight_selector {
    insight_type = "ApiErrorRateInsight"
  }
}
resource "aws_cloudtrail" "dynamic" {
  dynamic "insight_selector" {
    for_each = var.insights
    content {
      insight_type = insight_selector.value
    }
  }
}
resource "aws_cloudtrail" "unknown" {
  insight_selector = var.selectors
}
"#;
        assert_eq!(lines(&RULE, tf), [1]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let yaml = "Resources:\n  A:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      InsightSelectors: []\n  B:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      InsightSelectors:\n        - InsightType: ApiCallRateInsight\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
    }

    #[test]
    fn cloudformation_fix() {
        let (example, _) = crate::kit::testing::cfn_example(&RULE);
        assert_eq!(check_cfn_fixes(&RULE, &example), 1);
    }
}
