use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "sso-permission-set-session-too-long",
    title: "IAM Identity Center permission set allows sessions longer than one hour",
    severity: Severity::Low,
    row: Row::UserBehaviour,
    service: "IAM Identity Center",
    why: "A long session keeps stolen browser or CLI credentials valid for hours; one hour limits what a hijacked \
          session can be used for.",
    aws_side: "AWS issues role sessions of the length the permission set asks for; choosing it is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["ce9dfce0-5fc8-433b-944a-3b16153111a8"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_ssoadmin_permission_set` (`AWS::SSO::PermissionSet`) whose `session_duration` \
               (`SessionDuration`, an ISO-8601 duration) is longer than one hour (`PT1H`, the default).",
        fix: "Set `session_duration = \"PT1H\"` (or leave it out).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ssoadmin_permission_set"],
            check,
            example: r#"resource "aws_ssoadmin_permission_set" "admin" {
  name             = "Admin"
  instance_arn     = local.sso_instance_arn
  session_duration = "PT8H"
}"#,
            fixed_example: r#"resource "aws_ssoadmin_permission_set" "admin" {
  name             = "Admin"
  instance_arn     = local.sso_instance_arn
  session_duration = "PT1H"
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::SSO::PermissionSet"],
            check: check_cfn,
            example: r#"Resources:
  Admin:
    Type: AWS::SSO::PermissionSet
    Properties:
      Name: Admin
      InstanceArn: !Ref InstanceArn
      SessionDuration: PT12H
"#,
            fixed_example: r#"Resources:
  Admin:
    Type: AWS::SSO::PermissionSet
    Properties:
      Name: Admin
      InstanceArn: !Ref InstanceArn
      SessionDuration: PT1H
"#,
        }),
    },
};

/// The seconds of an ISO-8601 duration of hours, minutes and seconds (`PT1H30M`); `None` when it is not one.
fn seconds(duration: &str) -> Option<f64> {
    let rest = duration.trim().strip_prefix("PT").or_else(|| duration.trim().strip_prefix("pt"))?;
    let mut total = 0.0;
    let mut number = String::new();
    for c in rest.chars() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let n: f64 = number.parse().ok()?;
        number.clear();
        total += n * match c.to_ascii_uppercase() {
            'H' => 3600.0,
            'M' => 60.0,
            'S' => 1.0,
            _ => return None,
        };
    }
    number.is_empty().then_some(total)
}

fn message(subject: &str, duration: &str) -> String {
    format!("`{subject}` allows sessions of {duration}: stolen session credentials stay valid longer than an hour")
}

const FIX: &str = "Limit sessions to one hour";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_ssoadmin_permission_set").collect::<Vec<_>>() {
        let Some((attr, value)) = ctx.attr(res.block, "session_duration") else { continue };
        let Some(duration) = value.as_str() else { continue };
        if seconds(duration).is_some_and(|s| s > 3600.0) {
            let fix = Fix::new(FIX, vec![Edit { range: attr.expr.range, text: "\"PT1H\"".into() }]);
            ctx.report_with_fix(res, attr.range, message(&res.address(), duration), fix);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::SSO::PermissionSet").collect::<Vec<_>>() {
        let Some((node, value)) = ctx.prop(res, "SessionDuration") else { continue };
        let Some(duration) = value.as_str() else { continue };
        if seconds(duration).is_some_and(|s| s > 3600.0) {
            let fix = Fix::new(FIX, vec![cfn_edit::replace_value(ctx.template, node, &json!("PT1H"))]);
            let range = ctx.prop_range(res, "SessionDuration").unwrap_or(node.range);
            ctx.report(res, range, message(res.logical_id, duration)).fixes.push(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn parses_durations() {
        assert_eq!(seconds("PT1H"), Some(3600.0));
        assert_eq!(seconds("PT1H1M"), Some(3660.0));
        assert_eq!(seconds("PT90M"), Some(5400.0));
        assert_eq!(seconds("PT3600S"), Some(3600.0));
        assert_eq!(seconds("1 hour"), None);
    }

    #[test]
    fn flags_sessions_longer_than_an_hour() {
        let tf = r#"resource "aws_ssoadmin_permission_set" "one_hour" {
  session_duration = "PT1H"
}
resource "aws_ssoadmin_permission_set" "default" {
  name = "Example"
}
resource "aws_ssoadmin_permission_set" "one_minute_more" {
  session_duration = "PT1H1M"
}
resource "aws_ssoadmin_permission_set" "two_hours" {
  session_duration = "PT2H"
}
resource "aws_ssoadmin_permission_set" "unknown" {
  session_duration = var.duration
}
"#;
        assert_eq!(lines(&RULE, tf), [8, 11]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_session_durations() {
        let yaml = "Resources:\n  A:\n    Type: AWS::SSO::PermissionSet\n    Properties:\n      SessionDuration: PT90M\n  B:\n    Type: AWS::SSO::PermissionSet\n    Properties:\n      SessionDuration: PT30M\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
