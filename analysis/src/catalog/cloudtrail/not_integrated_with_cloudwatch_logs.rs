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
    id: "cloudtrail-not-integrated-with-cloudwatch-logs",
    title: "CloudTrail trail does not deliver events to CloudWatch Logs",
    severity: Severity::Medium,
    row: Row::AccountCompromise,
    service: "CloudTrail",
    why: "CloudTrail's S3 delivery is an archive; the monitoring alarms CIS asks for (root use, IAM changes, console \
          sign-in failures) and any real-time detection need the events in CloudWatch Logs. Without it a compromise \
          is found days later, if ever.",
    aws_side: "CloudTrail records API calls; routing them to CloudWatch Logs and alarming on them is the \
               customer's.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["17b30f8f-8dfb-4597-adf6-57600b6cf25e", "65d07da5-9af5-44df-8983-52d2e6f24c44"],
        trivy: &[],
    },
    related: Related {
        checkov: &["CKV2_AWS_10"],
        kics: &[],
        trivy: &["AVD-AWS-0162", "aws-cloudtrail-ensure-cloudwatch-integration"],
        how: "CKV2_AWS_10 needs the log group in the same module and does not look at the role; AVD-AWS-0162 checks \
              the log group only.",
    },
    matcher: &Custom {
        what: "Flags trails without both `cloud_watch_logs_group_arn` and `cloud_watch_logs_role_arn` \
               (`CloudWatchLogsLogGroupArn`, `CloudWatchLogsRoleArn`), or with either empty.",
        fix: "Create a log group and a role CloudTrail can assume to write to it, and set both on the trail.",
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
  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.trail.arn}:*"
  cloud_watch_logs_role_arn  = aws_iam_role.trail_to_logs.arn
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
      CloudWatchLogsLogGroupArn: !GetAtt TrailLogs.Arn
      CloudWatchLogsRoleArn: !GetAtt TrailToLogs.Arn
"#,
        }),
    },
};

const FIX: &str = "Deliver to a log group through a role (ARNs to replace)";
const GROUP: &str = "<log-group-arn>:*";
const ROLE: &str = "<role-arn>";

/// Whether a value is missing: absent, null or an empty string.
fn missing(value: Option<Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(_) => false,
    }
}

fn message(subject: &str, group: bool, role: bool) -> String {
    let what = match (group, role) {
        (true, true) => "delivers no events to CloudWatch Logs",
        (true, false) => "names no CloudWatch Logs log group",
        _ => "names no role to write to its CloudWatch Logs log group",
    };
    format!("`{subject}` {what}: no alarm or real-time detection can see its events")
}

fn check(ctx: &mut TfContext) {
    for trail in ctx.resources("aws_cloudtrail").collect::<Vec<_>>() {
        let group = missing(ctx.attr(trail.block, "cloud_watch_logs_group_arn").map(|(_, v)| v));
        let role = missing(ctx.attr(trail.block, "cloud_watch_logs_role_arn").map(|(_, v)| v));
        if !(group || role) {
            continue;
        }
        let file = ctx.file(trail);
        let mut edits = Vec::new();
        let mut insert = String::new();
        for (missing, name, value) in
            [(group, "cloud_watch_logs_group_arn", GROUP), (role, "cloud_watch_logs_role_arn", ROLE)]
        {
            if !missing {
                continue;
            }
            match trail.block.attr(name) {
                Some(a) => edits.push(Edit { range: a.expr.range, text: format!("\"{value}\"") }),
                None => insert.push_str(&format!("{name} = \"{value}\"\n")),
            }
        }
        if !insert.is_empty() {
            edits.push(edit::insert_in_block(file, trail.block, insert.trim_end()));
        }
        let message = message(&trail.address(), group, role);
        ctx.report(trail, trail.block.header, message).fixes.push(Fix::unsafe_(FIX, edits));
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for trail in ctx.resources("AWS::CloudTrail::Trail").collect::<Vec<_>>() {
        let group = missing(ctx.prop(trail, "CloudWatchLogsLogGroupArn").map(|(_, v)| v));
        let role = missing(ctx.prop(trail, "CloudWatchLogsRoleArn").map(|(_, v)| v));
        if !(group || role) {
            continue;
        }
        let mut edits = Vec::new();
        for (missing, name, value) in
            [(group, "CloudWatchLogsLogGroupArn", GROUP), (role, "CloudWatchLogsRoleArn", ROLE)]
        {
            if !missing {
                continue;
            }
            edits.push(match ctx.prop(trail, name) {
                Some((node, _)) => cfn_edit::replace_value(ctx.template, node, &json!(value)),
                None => cfn_edit::set_property(ctx.template, trail, name, &json!(value)),
            });
        }
        // (Two properties inserted at one place are written as one edit.)
        if edits.len() == 2 && edits[0].range == edits[1].range {
            let value = json!({"CloudWatchLogsLogGroupArn": GROUP, "CloudWatchLogsRoleArn": ROLE});
            edits = cfn_properties(ctx, trail, &value);
        }
        let range = ctx.header(trail);
        ctx.report(trail, range, message(trail.logical_id, group, role)).fixes.push(Fix::unsafe_(FIX, edits));
    }
}

/// Edits setting several properties, one after the other.
fn cfn_properties(
    ctx: &CfnContext,
    trail: crate::cloudformation::CfnResource,
    values: &serde_json::Value,
) -> Vec<Edit> {
    let Some(map) = values.as_object() else { return Vec::new() };
    let mut first: Option<Edit> = None;
    for (key, value) in map {
        let e = cfn_edit::set_property(ctx.template, trail, key, value);
        first = Some(match first {
            None => e,
            Some(f) => Edit { range: f.range, text: format!("{}{}", f.text, e.text) },
        });
    }
    first.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_trails_without_both_settings() {
        let tf = r#"resource "aws_cloudtrail" "neither" {
  name = "a"
}
resource "aws_cloudtrail" "group_only" {
  cloud_watch_logs_group_arn = "arn:aws:logs:eu-west-1:123456789012:log-group:trail:*"
}
resource "aws_cloudtrail" "empty_role" {
  cloud_watch_logs_group_arn = var.group
  cloud_watch_logs_role_arn  = ""
}
resource "aws_cloudtrail" "both" {
  cloud_watch_logs_group_arn = var.group
  cloud_watch_logs_role_arn  = aws_iam_role.r.arn
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 4, 7]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn cloudformation_trails() {
        let yaml = "Resources:\n  RoleOnly:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      CloudWatchLogsRoleArn: !GetAtt R.Arn\n  Both:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      CloudWatchLogsRoleArn: !GetAtt R.Arn\n      CloudWatchLogsLogGroupArn: !GetAtt G.Arn\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
        let (example, _) = crate::kit::testing::cfn_example(&RULE);
        assert_eq!(check_cfn_fixes(&RULE, &example), 1);
    }
}
