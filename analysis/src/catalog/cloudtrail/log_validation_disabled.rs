use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "cloudtrail-log-validation-disabled",
    title: "CloudTrail log file integrity validation is off",
    severity: Severity::Medium,
    row: Row::AccountCompromise,
    service: "CloudTrail",
    why: "Without digest files, nobody can prove that a log file was not modified or deleted after CloudTrail \
          delivered it. An intruder with write access to the log bucket can then erase or rewrite the record of \
          what they did, and the logs lose their value as evidence.",
    aws_side: "AWS signs hourly digest files with SHA-256 and RSA when validation is on, and the AWS CLI checks \
               them. Turning validation on, and protecting the log bucket, is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_36"],
        kics: &["52ffcfa6-6c70-4ea6-8376-d828d3961669", "2a3560fe-52ca-4443-b34f-bf0ed5eb74c8"],
        trivy: &["AVD-AWS-0016", "aws-cloudtrail-enable-log-validation"],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_cloudtrail` trails without `enable_log_file_validation = true` (the provider's default is \
               off).",
        fix: "Set `enable_log_file_validation = true`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_cloudtrail"],
            check,
            example: r#"resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "audit-logs"
}"#,
            fixed_example: r#"resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = "audit-logs"
  enable_log_file_validation = true
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
      EnableLogFileValidation: true
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::CloudTrail::Trail").collect::<Vec<_>>() {
        let fix = Fix::new(
            "Turn log file validation on",
            vec![cfn_edit::set_property(ctx.template, res, "EnableLogFileValidation", &json!(true))],
        );
        match ctx.prop(res, "EnableLogFileValidation") {
            None => {
                let message = format!(
                    "`{}` does not set `EnableLogFileValidation`, so its logs can be altered unnoticed",
                    res.logical_id
                );
                ctx.report(res, ctx.header(res), message).fixes.push(fix);
            }
            Some((node, value)) if value.as_bool() == Some(false) => {
                let range = ctx.prop_range(res, "EnableLogFileValidation").unwrap_or(node.range);
                let message = format!("`{}` turns log file integrity validation off", res.logical_id);
                ctx.report(res, range, message).fixes.push(fix);
            }
            Some(_) => {}
        }
    }
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_cloudtrail").collect::<Vec<_>>() {
        let fix = Fix::new(
            "Turn log file validation on",
            vec![edit::set_attribute(ctx.file(res), res.block, "enable_log_file_validation", "true")],
        );
        match ctx.attr(res.block, "enable_log_file_validation") {
            None => ctx.report_with_fix(
                res,
                res.block.header,
                format!(
                    "`{}` does not set `enable_log_file_validation`, so its logs can be altered unnoticed",
                    res.address()
                ),
                fix,
            ),
            Some((attr, value)) if value.as_bool() == Some(false) => ctx.report_with_fix(
                res,
                attr.range,
                format!("`{}` turns log file integrity validation off", res.address()),
                fix,
            ),
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_absent_and_false() {
        let text = r#"resource "aws_cloudtrail" "absent" {
  name = "a"
}
resource "aws_cloudtrail" "off" {
  enable_log_file_validation = false
}
resource "aws_cloudtrail" "on" {
  enable_log_file_validation = true
}
resource "aws_cloudtrail" "unknown" {
  enable_log_file_validation = var.v
}
"#;
        assert_eq!(lines(&RULE, text), [1, 5]);
        assert_eq!(check_fixes(&RULE, text), 2);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      IsLogging: true\n  B:\n    Type: AWS::CloudTrail::Trail\n    Properties: {EnableLogFileValidation: false}\n  C:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      EnableLogFileValidation: true\n  D:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      EnableLogFileValidation: !Ref V\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 8]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
        let json = r#"{"Resources": {"A": {"Type": "AWS::CloudTrail::Trail", "Properties": {"IsLogging": true}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [1]);
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
