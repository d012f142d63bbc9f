use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "cloudtrail-logging-disabled",
    title: "CloudTrail trail has logging turned off",
    severity: Severity::High,
    row: Row::AccountCompromise,
    service: "CloudTrail",
    why: "A trail that does not log records nothing: API calls made with stolen credentials, privilege \
          escalations and the deletion of resources leave no trace to alert on or to investigate afterwards. \
          Stopping a trail is one of the first things an intruder does, so a trail declared stopped in code \
          hides exactly what the trail exists to show.",
    aws_side: "AWS records the last 90 days of management events in the Event history of each account and runs \
               the trail when asked. Keeping a trail on, with its logs retained beyond 90 days, is the \
               customer's duty: a stopped trail delivers nothing.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_251"],
        kics: &["4bb76f17-3d63-4529-bdca-2b454529d774", "5c0b06d5-b7a4-484c-aeb0-75a836269ff0"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_cloudtrail` trails with `enable_logging = false`.",
        fix: "Set `enable_logging = true` (or remove the attribute: trails log by default).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_cloudtrail"],
            check,
            example: r#"resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "audit-logs"
  enable_logging = false
}"#,
            fixed_example: r#"resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "audit-logs"
  enable_logging = true
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
      IsLogging: false
      IsMultiRegionTrail: true
"#,
            fixed_example: r#"Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      S3BucketName: audit-logs
      IsLogging: true
      IsMultiRegionTrail: true
"#,
        }),
    },
};

/// `IsLogging` is required in CloudFormation: only an explicit `false` is a finding.
fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::CloudTrail::Trail").collect::<Vec<_>>() {
        let Some((node, value)) = ctx.prop(res, "IsLogging") else { continue };
        if value.as_bool() != Some(false) {
            continue;
        }
        let range = ctx.prop_range(res, "IsLogging").unwrap_or(node.range);
        let fix = Fix::new("Turn logging on", vec![cfn_edit::replace_value(ctx.template, node, &json!(true))]);
        ctx.report(res, range, format!("`{}` has logging turned off", res.logical_id)).fixes.push(fix);
    }
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_cloudtrail").collect::<Vec<_>>() {
        let Some((attr, value)) = ctx.attr(res.block, "enable_logging") else { continue };
        if value.as_bool() != Some(false) {
            continue;
        }
        let fix =
            Fix::new("Turn logging on", vec![edit::set_attribute(ctx.file(res), res.block, "enable_logging", "true")]);
        ctx.report_with_fix(res, attr.range, format!("`{}` has logging turned off", res.address()), fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_only_an_explicit_false() {
        let text = r#"resource "aws_cloudtrail" "a" {
  enable_logging = false
}
resource "aws_cloudtrail" "b" {
  enable_logging = true
}
resource "aws_cloudtrail" "c" {
  name = "c"
}
resource "aws_cloudtrail" "d" {
  enable_logging = var.on
}
resource "aws_cloudtrail" "e" {
  enable_logging = "false"
}
"#;
        assert_eq!(lines(&RULE, text), [2, 14]);
        assert_eq!(check_fixes(&RULE, text), 2);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Parameters:\n  On:\n    Type: String\nResources:\n  A:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      IsLogging: false\n  B:\n    Type: AWS::CloudTrail::Trail\n    Properties: {IsLogging: !Ref On}\n  C:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      IsLogging: true\n  D:\n    Type: AWS::CloudTrail::Trail\n";
        assert_eq!(cfn_lines(&RULE, yaml), [8]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
        let json = r#"{"Resources": {"A": {"Type": "AWS::CloudTrail::Trail", "Properties": {"IsLogging": "false"}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [1]);
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
