use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "guardduty-s3-protection-disabled",
    title: "GuardDuty S3 protection is explicitly turned off",
    severity: Severity::Low,
    row: Row::AccountCompromise,
    service: "GuardDuty",
    why: "S3 protection watches data-plane access to buckets (reads from unusual places or Tor, disabled logging, \
          mass deletions); turning it off blinds GuardDuty to the most common path of data theft.",
    aws_side: "GuardDuty analyses the data sources you enable; keeping them on is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags detectors that turn S3 protection off: `datasources.s3_logs.enable = false`, an \
               `aws_guardduty_detector_feature` named `S3_DATA_EVENTS` with `status = \"DISABLED\"`, an organization \
               configuration with `datasources.s3_logs.auto_enable = false`; in CloudFormation \
               `DataSources.S3Logs.Enable: false` or an `S3_DATA_EVENTS` feature `DISABLED`.",
        fix: "Turn S3 protection on (`enable = true`, `status = \"ENABLED\"`), or remove the setting: new detectors \
              have it on.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &[
                "aws_guardduty_detector",
                "aws_guardduty_detector_feature",
                "aws_guardduty_organization_configuration",
            ],
            check,
            example: r#"resource "aws_guardduty_detector" "main" {
  enable = true
  datasources {
    s3_logs {
      enable = false
    }
  }
}"#,
            fixed_example: r#"resource "aws_guardduty_detector" "main" {
  enable = true
  datasources {
    s3_logs {
      enable = true
    }
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::GuardDuty::Detector"],
            check: check_cfn,
            example: r#"Resources:
  Detector:
    Type: AWS::GuardDuty::Detector
    Properties:
      Enable: true
      DataSources:
        S3Logs:
          Enable: false
"#,
            fixed_example: r#"Resources:
  Detector:
    Type: AWS::GuardDuty::Detector
    Properties:
      Enable: true
      DataSources:
        S3Logs:
          Enable: true
"#,
        }),
    },
};

const FIX: &str = "Turn S3 protection on";
const WHAT: &str = "turns GuardDuty S3 protection off: data-plane access to buckets is not analysed";

fn check(ctx: &mut TfContext) {
    for (ty, flag) in
        [("aws_guardduty_detector", "enable"), ("aws_guardduty_organization_configuration", "auto_enable")]
    {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            for datasources in ctx.nested(res.config(), "datasources") {
                for s3 in ctx.nested(datasources, "s3_logs") {
                    let Some((field, value)) = ctx.field(s3, flag) else { continue };
                    if value.as_bool() == Some(false) {
                        let fix = Fix::new(FIX, vec![Edit { range: field.expr.range, text: "true".into() }]);
                        ctx.report_with_fix(res, field.range, format!("`{}` {WHAT}", res.address()), fix);
                    }
                }
            }
        }
    }
    for res in ctx.resources("aws_guardduty_detector_feature").collect::<Vec<_>>() {
        let named = ctx.attr(res.block, "name").is_some_and(|(_, v)| v.as_str() == Some("S3_DATA_EVENTS"));
        let Some((attr, status)) = ctx.attr(res.block, "status") else { continue };
        if named && status.as_str().is_some_and(|s| s.eq_ignore_ascii_case("DISABLED")) {
            let fix = Fix::new(FIX, vec![Edit { range: attr.expr.range, text: "\"ENABLED\"".into() }]);
            ctx.report_with_fix(res, attr.range, format!("`{}` {WHAT}", res.address()), fix);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::GuardDuty::Detector").collect::<Vec<_>>() {
        if let Some((node, value)) = ctx.prop(res, "DataSources.S3Logs.Enable") {
            if value.as_bool() == Some(false) {
                let fix = Fix::new(FIX, vec![cfn_edit::replace_value(ctx.template, node, &json!(true))]);
                let range = ctx.prop_range(res, "DataSources.S3Logs.Enable").unwrap_or(node.range);
                ctx.report(res, range, format!("`{}` {WHAT}", res.logical_id)).fixes.push(fix);
            }
        }
        let Some((features, _)) = ctx.prop(res, "Features") else { continue };
        for feature in features.items() {
            let named = feature.get("Name").is_some_and(|n| ctx.eval(n).as_str() == Some("S3_DATA_EVENTS"));
            let Some(status) = feature.get("Status") else { continue };
            if named && ctx.eval(status).as_str().is_some_and(|s| s.eq_ignore_ascii_case("DISABLED")) {
                let fix = Fix::new(FIX, vec![cfn_edit::replace_value(ctx.template, status, &json!("ENABLED"))]);
                let range = feature.entry("Status").map_or(status.range, |e| e.range);
                ctx.report(res, range, format!("`{}` {WHAT}", res.logical_id)).fixes.push(fix);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_s3_protection_turned_off() {
        let tf = r#"resource "aws_guardduty_detector" "off" {
  datasources {
    s3_logs {
      enable = false
    }
  }
}
resource "aws_guardduty_detector" "default" {
  enable = true
}
resource "aws_guardduty_detector_feature" "s3" {
  detector_id = aws_guardduty_detector.default.id
  name        = "S3_DATA_EVENTS"
  status      = "DISABLED"
}
resource "aws_guardduty_detector_feature" "eks" {
  detector_id = aws_guardduty_detector.default.id
  name        = "EKS_AUDIT_LOGS"
  status      = "DISABLED"
}
resource "aws_guardduty_organization_configuration" "org" {
  datasources {
    s3_logs {
      auto_enable = false
    }
  }
}
resource "aws_guardduty_detector_feature" "unknown" {
  name   = "S3_DATA_EVENTS"
  status = var.status
}
"#;
        assert_eq!(lines(&RULE, tf), [4, 24, 14]);
        assert_eq!(check_fixes(&RULE, tf), 3);
        let yaml = "Resources:\n  D:\n    Type: AWS::GuardDuty::Detector\n    Properties:\n      Enable: true\n      Features:\n        - Name: S3_DATA_EVENTS\n          Status: DISABLED\n        - Name: RDS_LOGIN_EVENTS\n          Status: DISABLED\n";
        assert_eq!(cfn_lines(&RULE, yaml), [8]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
