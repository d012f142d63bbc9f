use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rules::{Equivalents, Rule, Severity};
use crate::terraform::check::TfContext;
use crate::terraform::edit;

pub static RULE: Rule = Rule {
    id: "cloudtrail-logging-disabled",
    title: "CloudTrail trail has logging turned off",
    severity: Severity::High,
    row: Row::AccountCompromise,
    service: "CloudTrail",
    what: "Flags `aws_cloudtrail` trails with `enable_logging = false`.",
    why: "A trail that does not log records nothing: API calls made with stolen credentials, privilege \
          escalations and the deletion of resources leave no trace to alert on or to investigate afterwards. \
          Stopping a trail is one of the first things an intruder does, so a trail declared stopped in code \
          hides exactly what the trail exists to show.",
    aws_side: "AWS records the last 90 days of management events in the Event history of each account and runs \
               the trail when asked. Keeping a trail on, with its logs retained beyond 90 days, is the \
               customer's duty: a stopped trail delivers nothing.",
    fix: "Set `enable_logging = true` (or remove the attribute: trails log by default).",
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
    equivalents: Equivalents { checkov: &["CKV_AWS_251"], kics: &["4bb76f17-3d63-4529-bdca-2b454529d774"], trivy: &[] },
    resource_types: &["aws_cloudtrail"],
    terraform: Some(check),
    cloudformation: None,
    has_fix: true,
};

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
    use crate::rules::testing::{check_fixes, lines};

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
}
