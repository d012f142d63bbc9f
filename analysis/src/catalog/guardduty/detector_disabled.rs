use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "guardduty-detector-disabled",
    title: "GuardDuty detector is declared but disabled",
    severity: Severity::High,
    row: Row::AccountCompromise,
    service: "GuardDuty",
    why: "GuardDuty is the managed threat detection that notices compromised credentials, crypto-mining \
          instances, calls from known-malicious addresses and unusual API activity. A suspended detector \
          analyses nothing, so an account compromise runs undetected; new organization members that are not \
          enrolled are blind spots.",
    aws_side: "AWS runs the detection models and the threat intelligence feeds, and analyses CloudTrail, VPC Flow \
               Logs and DNS logs for every account that turns GuardDuty on. Turning it on, in every account and \
               region, and acting on its findings is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_238"],
        kics: &["704dadd3-54fc-48ac-b6a0-02f170011473", "a25cd877-375c-4121-a640-730929936fac"],
        trivy: &[],
    },
    related: Related {
        checkov: &["CKV2_AWS_3"],
        kics: &[],
        trivy: &[],
        how: "Checkov's CKV2_AWS_3 also requires every detector to be connected to an \
              `aws_guardduty_organization_configuration` that enables members automatically, so a standalone enabled \
              detector fails.",
    },
    matcher: &Custom {
        what: "Flags `aws_guardduty_detector` resources with `enable = false`, and organization configurations that \
               do not enable GuardDuty for member accounts (`auto_enable_organization_members = \"NONE\"` or \
               `auto_enable = false`).",
        fix: "Set `enable = true` on the detector (it is the default), and `auto_enable_organization_members = \
              \"ALL\"` on the organization configuration.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_guardduty_detector", "aws_guardduty_organization_configuration"],
            check,
            example: r#"resource "aws_guardduty_detector" "main" {
  enable = false
}"#,
            fixed_example: r#"resource "aws_guardduty_detector" "main" {
  enable = true
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::GuardDuty::Detector"],
            check: check_cfn,
            example: r#"Resources:
  Detector:
    Type: AWS::GuardDuty::Detector
    Properties:
      Enable: false
"#,
            fixed_example: r#"Resources:
  Detector:
    Type: AWS::GuardDuty::Detector
    Properties:
      Enable: true
"#,
        }),
    },
};

/// `Enable` is required in CloudFormation: only an explicit `false` is a finding.
fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::GuardDuty::Detector").collect::<Vec<_>>() {
        let Some((node, value)) = ctx.prop(res, "Enable") else { continue };
        if value.as_bool() != Some(false) {
            continue;
        }
        let range = ctx.prop_range(res, "Enable").unwrap_or(node.range);
        let fix = Fix::new("Enable the detector", vec![cfn_edit::replace_value(ctx.template, node, &json!(true))]);
        let message = format!("`{}` is disabled: GuardDuty detects nothing", res.logical_id);
        ctx.report(res, range, message).fixes.push(fix);
    }
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_guardduty_detector").collect::<Vec<_>>() {
        let Some((attr, value)) = ctx.attr(res.block, "enable") else { continue };
        if value.as_bool() != Some(false) {
            continue;
        }
        let fix =
            Fix::new("Enable the detector", vec![edit::set_attribute(ctx.file(res), res.block, "enable", "true")]);
        ctx.report_with_fix(
            res,
            attr.range,
            format!("`{}` is disabled: GuardDuty detects nothing", res.address()),
            fix,
        );
    }
    for res in ctx.resources("aws_guardduty_organization_configuration").collect::<Vec<_>>() {
        let file = ctx.file(res);
        if let Some((attr, value)) = ctx.attr(res.block, "auto_enable_organization_members") {
            if value.as_str().is_some_and(|v| v.eq_ignore_ascii_case("NONE")) {
                let fix = Fix::new(
                    "Enable GuardDuty for every member account",
                    vec![edit::set_attribute(file, res.block, "auto_enable_organization_members", "\"ALL\"")],
                );
                ctx.report_with_fix(
                    res,
                    attr.range,
                    format!("`{}` does not enable GuardDuty for the organization's member accounts", res.address()),
                    fix,
                );
            }
        } else if let Some((attr, value)) = ctx.attr(res.block, "auto_enable") {
            if value.as_bool() == Some(false) {
                let fix = Fix::new(
                    "Enable GuardDuty for new member accounts",
                    vec![edit::set_attribute(file, res.block, "auto_enable", "true")],
                );
                ctx.report_with_fix(
                    res,
                    attr.range,
                    format!("`{}` does not enable GuardDuty for new member accounts", res.address()),
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
    fn flags_disabled_detectors_and_org_configurations() {
        let text = r#"resource "aws_guardduty_detector" "off" {
  enable = false
}
resource "aws_guardduty_detector" "on" {
  enable = true
}
resource "aws_guardduty_detector" "default" {}
resource "aws_guardduty_detector" "unknown" {
  enable = var.enabled
}
resource "aws_guardduty_organization_configuration" "none" {
  detector_id                      = aws_guardduty_detector.on.id
  auto_enable_organization_members = "NONE"
}
resource "aws_guardduty_organization_configuration" "legacy" {
  detector_id = aws_guardduty_detector.on.id
  auto_enable = false
}
resource "aws_guardduty_organization_configuration" "all" {
  detector_id                      = aws_guardduty_detector.on.id
  auto_enable_organization_members = "ALL"
}
"#;
        assert_eq!(lines(&RULE, text), [2, 13, 17]);
        assert_eq!(check_fixes(&RULE, text), 3);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::GuardDuty::Detector\n    Properties:\n      Enable: False\n  B:\n    Type: AWS::GuardDuty::Detector\n    Properties: {Enable: !Ref On}\n  C:\n    Type: AWS::GuardDuty::Detector\n    Properties:\n      Enable: true\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
        let json = r#"{"Resources": {"A": {"Type": "AWS::GuardDuty::Detector", "Properties": {"Enable": false}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [1]);
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
