use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "cloudtrail-not-multi-region",
    title: "CloudTrail trail is single-region or misses global service events",
    severity: Severity::Medium,
    row: Row::AccountCompromise,
    service: "CloudTrail",
    why: "A single-region trail records nothing in the other regions: an intruder who launches instances or \
          creates keys in a region you do not use goes unseen. Global services (IAM, STS, CloudFront) log their \
          events to us-east-1 only when global service events are included, so turning them off hides the \
          creation of users, access keys and policies.",
    aws_side: "AWS delivers the events of every region to one trail when it is a multi-region trail, and keeps \
               90 days of Event history per region. Choosing a trail that covers every region and the global \
               services is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_67"],
        kics: &["8173d5eb-96b5-4aa6-a71b-ecfa153c123d", "058ac855-989f-4378-ba4d-52d004020da7"],
        trivy: &["AVD-AWS-0014", "aws-cloudtrail-enable-all-regions"],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_cloudtrail` trails without `is_multi_region_trail = true` (the provider's default is a \
               single-region trail) and trails with `include_global_service_events = false`.",
        fix: "Set `is_multi_region_trail = true` and keep `include_global_service_events` at its default `true`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_cloudtrail"],
            check,
            example: r#"resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "audit-logs"
}"#,
            fixed_example: r#"resource "aws_cloudtrail" "main" {
  name                  = "main"
  s3_bucket_name        = "audit-logs"
  is_multi_region_trail = true
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
      IsMultiRegionTrail: true
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::CloudTrail::Trail").collect::<Vec<_>>() {
        let fix = Fix::new(
            "Make the trail multi-region",
            vec![cfn_edit::set_property(ctx.template, res, "IsMultiRegionTrail", &json!(true))],
        );
        match ctx.prop(res, "IsMultiRegionTrail") {
            None => {
                let message =
                    format!("`{}` does not set `IsMultiRegionTrail`, so it records one region only", res.logical_id);
                ctx.report(res, ctx.header(res), message).fixes.push(fix);
            }
            Some((node, value)) if value.as_bool() == Some(false) => {
                let range = ctx.prop_range(res, "IsMultiRegionTrail").unwrap_or(node.range);
                ctx.report(res, range, format!("`{}` is a single-region trail", res.logical_id)).fixes.push(fix);
            }
            Some(_) => {}
        }
        if let Some((node, value)) = ctx.prop(res, "IncludeGlobalServiceEvents") {
            if value.as_bool() == Some(false) {
                let range = ctx.prop_range(res, "IncludeGlobalServiceEvents").unwrap_or(node.range);
                let fix = Fix::new(
                    "Include global service events",
                    vec![cfn_edit::replace_value(ctx.template, node, &json!(true))],
                );
                let message =
                    format!("`{}` does not record global service events (IAM, STS, CloudFront)", res.logical_id);
                ctx.report(res, range, message).fixes.push(fix);
            }
        }
    }
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_cloudtrail").collect::<Vec<_>>() {
        let file = ctx.file(res);
        let multi_region = Fix::new(
            "Make the trail multi-region",
            vec![edit::set_attribute(file, res.block, "is_multi_region_trail", "true")],
        );
        match ctx.attr(res.block, "is_multi_region_trail") {
            None => ctx.report_with_fix(
                res,
                res.block.header,
                format!("`{}` does not set `is_multi_region_trail`, so it records one region only", res.address()),
                multi_region,
            ),
            Some((attr, value)) if value.as_bool() == Some(false) => ctx.report_with_fix(
                res,
                attr.range,
                format!("`{}` is a single-region trail", res.address()),
                multi_region,
            ),
            Some(_) => {}
        }
        if let Some((attr, value)) = ctx.attr(res.block, "include_global_service_events") {
            if value.as_bool() == Some(false) {
                let fix = Fix::new(
                    "Include global service events",
                    vec![edit::set_attribute(file, res.block, "include_global_service_events", "true")],
                );
                ctx.report_with_fix(
                    res,
                    attr.range,
                    format!("`{}` does not record global service events (IAM, STS, CloudFront)", res.address()),
                    fix,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_single_region_and_missing_global_events() {
        let text = r#"resource "aws_cloudtrail" "absent" {
  name = "a"
}
resource "aws_cloudtrail" "single" {
  is_multi_region_trail = false
}
resource "aws_cloudtrail" "no_global" {
  is_multi_region_trail         = true
  include_global_service_events = false
}
resource "aws_cloudtrail" "good" {
  is_multi_region_trail = true
}
resource "aws_cloudtrail" "unknown" {
  is_multi_region_trail         = var.multi
  include_global_service_events = var.global
}
"#;
        assert_eq!(lines(&RULE, text), [1, 5, 9]);
        assert_eq!(check_fixes(&RULE, text), 3);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      IsLogging: true\n  B:\n    Type: AWS::CloudTrail::Trail\n    Properties: {IsMultiRegionTrail: false}\n  C:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      IsMultiRegionTrail: true\n      IncludeGlobalServiceEvents: false\n  D:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      IsMultiRegionTrail: !Ref V\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 8, 13]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 3);
        let json =
            r#"{"Resources": {"A": {"Type": "AWS::CloudTrail::Trail", "Properties": {"IsMultiRegionTrail": false}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [1]);
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
