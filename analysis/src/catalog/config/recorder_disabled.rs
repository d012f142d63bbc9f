use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use crate::terraform::model::ExprKind;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "config-recorder-disabled",
    title: "AWS Config is not recording, or not recording everything",
    severity: Severity::Medium,
    row: Row::AccountCompromise,
    service: "AWS Config",
    why: "AWS Config keeps the history of every resource's configuration: who opened a security group, when a \
          bucket became public, which role gained a policy. A recorder that is stopped, or that skips resource \
          types, leaves gaps in exactly the record an investigation or an audit needs, and Config rules and \
          conformance packs evaluate nothing they do not see.",
    aws_side: "AWS records the configuration items and evaluates the rules once a recorder is created and \
               started. Creating the recorder, starting it (a recorder is created stopped) and choosing what it \
               records is the customer's duty. Global resources such as IAM need recording in one region only.",
    equivalents: Equivalents { checkov: &["CKV2_AWS_45"], kics: &[], trivy: &[] },
    related: Related {
        checkov: &["CKV2_AWS_48"],
        kics: &[],
        trivy: &[],
        how: "Checkov's CKV2_AWS_48 also fails a recorder that leaves `include_global_resource_types` out; this rule \
              flags only an explicit `false`, on purpose: only one region should record the global resources.",
    },
    matcher: &Custom {
        what: "Flags an `aws_config_configuration_recorder_status` with `is_enabled = false`, a configuration \
               recorder that no recorder status turns on, and a recorder whose `recording_group` leaves out \
               resource types (`all_supported = false`) or the global resources (`include_global_resource_types = \
               false`).",
        fix: "Start the recorder with an `aws_config_configuration_recorder_status` (`is_enabled = true`) and record \
              all supported resource types, including the global ones in one region.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_config_configuration_recorder", "aws_config_configuration_recorder_status"],
            check,
            example: r#"resource "aws_config_configuration_recorder" "main" {
  name     = "main"
  role_arn = aws_iam_role.config.arn
}

resource "aws_config_configuration_recorder_status" "main" {
  name       = aws_config_configuration_recorder.main.name
  is_enabled = false
}"#,
            fixed_example: r#"resource "aws_config_configuration_recorder" "main" {
  name     = "main"
  role_arn = aws_iam_role.config.arn
}

resource "aws_config_configuration_recorder_status" "main" {
  name       = aws_config_configuration_recorder.main.name
  is_enabled = true
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Config::ConfigurationRecorder"],
            check: check_cfn,
            example: r#"Resources:
  Recorder:
    Type: AWS::Config::ConfigurationRecorder
    Properties:
      RoleARN: !GetAtt ConfigRole.Arn
      RecordingGroup:
        AllSupported: true
        IncludeGlobalResourceTypes: false
"#,
            fixed_example: r#"Resources:
  Recorder:
    Type: AWS::Config::ConfigurationRecorder
    Properties:
      RoleARN: !GetAtt ConfigRole.Arn
      RecordingGroup:
        AllSupported: true
        IncludeGlobalResourceTypes: true
"#,
        }),
    },
};

/// CloudFormation starts a recorder once its delivery channel exists: only the recording group is judged.
fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::Config::ConfigurationRecorder").collect::<Vec<_>>() {
        let exclusion = ctx
            .prop(res, "RecordingGroup.RecordingStrategy.UseOnly")
            .is_some_and(|(_, v)| v.as_str().is_some_and(|v| v.eq_ignore_ascii_case("EXCLUSION_BY_RESOURCE_TYPES")));
        if let Some((node, value)) = ctx.prop(res, "RecordingGroup.AllSupported") {
            if !exclusion && value.as_bool() == Some(false) {
                let range = ctx.prop_range(res, "RecordingGroup.AllSupported").unwrap_or(node.range);
                let message =
                    format!("`{}` records only the listed resource types (`AllSupported: false`)", res.logical_id);
                ctx.report(res, range, message);
            }
        }
        if let Some((node, value)) = ctx.prop(res, "RecordingGroup.IncludeGlobalResourceTypes") {
            if value.as_bool() == Some(false) {
                let range = ctx.prop_range(res, "RecordingGroup.IncludeGlobalResourceTypes").unwrap_or(node.range);
                let message = format!(
                    "`{}` does not record global resources such as IAM users, roles and policies (make sure one \
                     region's recorder does)",
                    res.logical_id
                );
                let fix = Fix::unsafe_(
                    "Record the global resources in this region",
                    vec![cfn_edit::replace_value(ctx.template, node, &json!(true))],
                );
                ctx.report(res, range, message).fixes.push(fix);
            }
        }
    }
}

const RECORDER: &str = "aws_config_configuration_recorder";
const STATUS: &str = "aws_config_configuration_recorder_status";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources(STATUS).collect::<Vec<_>>() {
        let Some((attr, value)) = ctx.attr(res.block, "is_enabled") else { continue };
        if value.as_bool() == Some(false) {
            let fix = Fix::new(
                "Start the recorder",
                vec![edit::set_attribute(ctx.file(res), res.block, "is_enabled", "true")],
            );
            ctx.report_with_fix(res, attr.range, format!("`{}` stops the configuration recorder", res.address()), fix);
        }
    }
    let statuses: Vec<Resource> = ctx.all_resources(STATUS).collect();
    // A status whose `name` cannot be resolved may start any recorder.
    let unresolved = statuses.iter().any(|s| match s.block.attr("name") {
        Some(a) => {
            !matches!(&a.expr.kind, ExprKind::Traversal(root, _) if root == RECORDER) && !ctx.eval(&a.expr).is_known()
        }
        None => true,
    });
    let channels: Vec<String> = ctx.all_resources("aws_config_delivery_channel").map(|c| c.address()).collect();
    for res in ctx.resources(RECORDER).collect::<Vec<_>>() {
        let file = ctx.file(res);
        if !unresolved && !statuses.iter().any(|s| starts(ctx, *s, res)) {
            report_never_started(ctx, res, &channels);
        }
        for group in ctx.nested(res.config(), "recording_group") {
            let exclusion = ctx.nested(group, "recording_strategy").iter().any(|s| {
                s.attr("use_only").is_some_and(|f| {
                    ctx.value(f).as_str().is_some_and(|v| v.eq_ignore_ascii_case("EXCLUSION_BY_RESOURCE_TYPES"))
                })
            });
            if let Some(field) = group.attr("all_supported") {
                if !exclusion && ctx.value(field).as_bool() == Some(false) {
                    ctx.report(
                        res,
                        field.range,
                        format!("`{}` records only the listed resource types (`all_supported = false`)", res.address()),
                    );
                }
            }
            if let Some(field) = group.attr("include_global_resource_types") {
                if ctx.value(field).as_bool() == Some(false) {
                    let finding = ctx.report(
                        res,
                        field.range,
                        format!(
                            "`{}` does not record global resources such as IAM users, roles and policies (make sure \
                             one region's recorder does)",
                            res.address()
                        ),
                    );
                    if let Some(block) = group.block() {
                        finding.fixes.push(Fix::unsafe_(
                            "Record the global resources in this region",
                            vec![edit::set_attribute(file, block, "include_global_resource_types", "true")],
                        ));
                    }
                }
            }
        }
    }
}

/// Whether the recorder status `status` names the recorder `recorder` (by reference or by name; a recorder
/// without a `name` is called `default`).
fn starts(ctx: &TfContext, status: Resource, recorder: Resource) -> bool {
    let Some(name) = status.block.attr("name") else { return false };
    if ctx.refers_to(&name.expr, recorder, &["name"]) {
        return true;
    }
    recorder.block.attr("name").is_none() && ctx.eval(&name.expr) == Value::String("default".into())
}

fn report_never_started(ctx: &mut TfContext, res: Resource, channels: &[String]) {
    let depends = match channels {
        [one] => format!("\n  depends_on = [{one}]"),
        _ => String::new(),
    };
    let text = format!(
        "resource \"{STATUS}\" \"{name}\" {{\n  name       = {RECORDER}.{name}.name\n  is_enabled = true{depends}\n}}",
        name = res.name()
    );
    let edits = vec![edit::insert_after(ctx.file(res), res.block, &text)];
    // Starting a recorder needs a delivery channel: without one in the module, the user must add it.
    let fix = if channels.len() == 1 {
        Fix::new("Start the recorder with a recorder status", edits)
    } else {
        Fix::unsafe_("Start the recorder with a recorder status (it needs a delivery channel)", edits)
    };
    ctx.report_with_fix(
        res,
        res.block.header,
        format!("`{}` is never started: no `{STATUS}` turns it on", res.address()),
        fix,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines, run};

    #[test]
    fn flags_a_stopped_status() {
        assert_eq!(lines(&RULE, &crate::kit::testing::tf_example(&RULE).0), [8]);
        assert_eq!(check_fixes(&RULE, &crate::kit::testing::tf_example(&RULE).0), 1);
    }

    #[test]
    fn flags_a_recorder_nobody_starts() {
        let text = r#"resource "aws_config_configuration_recorder" "lonely" {
  name     = "lonely"
  role_arn = "arn"
}
resource "aws_config_delivery_channel" "main" {
  s3_bucket_name = "b"
}
"#;
        assert_eq!(lines(&RULE, text), [1]);
        assert_eq!(check_fixes(&RULE, text), 1);
        assert!(run(&RULE, text)[0].fixes[0].preferred);
    }

    #[test]
    fn statuses_match_by_reference_name_or_default() {
        let text = r#"resource "aws_config_configuration_recorder" "a" {
  name = "rec-a"
}
resource "aws_config_configuration_recorder" "b" {
  name = "rec-b"
}
resource "aws_config_configuration_recorder" "c" {
  role_arn = "arn"
}
resource "aws_config_configuration_recorder_status" "a" {
  name       = aws_config_configuration_recorder.a.name
  is_enabled = true
}
resource "aws_config_configuration_recorder_status" "b" {
  name       = "rec-b"
  is_enabled = true
}
resource "aws_config_configuration_recorder_status" "c" {
  name       = "default"
  is_enabled = var.on
}
"#;
        assert!(run(&RULE, text).is_empty());
    }

    #[test]
    fn an_unknown_status_name_may_start_any_recorder() {
        let text = r#"resource "aws_config_configuration_recorder" "a" {
  name = "rec-a"
}
resource "aws_config_configuration_recorder_status" "x" {
  name       = var.recorder
  is_enabled = true
}
"#;
        assert!(run(&RULE, text).is_empty());
    }

    #[test]
    fn flags_partial_recording_groups() {
        let text = r#"resource "aws_config_configuration_recorder" "partial" {
  name = "p"
  recording_group {
    all_supported                 = false
    include_global_resource_types = false
    resource_types                = ["AWS::EC2::Instance"]
  }
}
resource "aws_config_configuration_recorder" "exclusion" {
  name = "e"
  recording_group {
    all_supported = false
    recording_strategy {
      use_only = "EXCLUSION_BY_RESOURCE_TYPES"
    }
  }
}
resource "aws_config_configuration_recorder_status" "p" {
  name       = aws_config_configuration_recorder.partial.name
  is_enabled = true
}
resource "aws_config_configuration_recorder_status" "e" {
  name       = aws_config_configuration_recorder.exclusion.name
  is_enabled = true
}
"#;
        assert_eq!(lines(&RULE, text), [4, 5]);
        assert_eq!(check_fixes(&RULE, text), 1);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::Config::ConfigurationRecorder\n    Properties:\n      RecordingGroup:\n        AllSupported: false\n        IncludeGlobalResourceTypes: false\n  B:\n    Type: AWS::Config::ConfigurationRecorder\n    Properties:\n      RecordingGroup:\n        AllSupported: false\n        RecordingStrategy: {UseOnly: EXCLUSION_BY_RESOURCE_TYPES}\n  C:\n    Type: AWS::Config::ConfigurationRecorder\n    Properties:\n      RoleARN: arn\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6, 7]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
        let json = r#"{"Resources": {"A": {"Type": "AWS::Config::ConfigurationRecorder", "Properties": {"RecordingGroup": {"IncludeGlobalResourceTypes": false}}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [1]);
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
