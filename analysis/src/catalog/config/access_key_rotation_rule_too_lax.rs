use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::model::{Expr, ExprKind};
use crate::terraform::view::key_name;
use crate::value::{format_number, Value};
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "config-access-key-rotation-rule-too-lax",
    title: "AWS Config access-key rotation rule allows keys older than 90 days",
    severity: Severity::Low,
    row: Row::UserBehaviour,
    service: "AWS Config",
    why: "The `access-keys-rotated` managed rule is how many accounts detect unrotated keys; a threshold above 90 \
          days silently accepts keys that CIS AWS Foundations says must be rotated.",
    aws_side: "AWS Config evaluates the rule with the parameter you give it; the threshold is the customer's \
               policy.",
    equivalents: Equivalents { checkov: &[], kics: &["800fa019-49dd-421b-9042-7331fdd83fa2"], trivy: &[] },
    related: Related {
        checkov: &[],
        kics: &[],
        trivy: &["AVD-AWS-0146", "aws-iam-rotate-access-keys"],
        how: "Trivy's check reads the age of the account's keys (a cloud scan), not the Config rule.",
    },
    matcher: &Custom {
        what: "Flags AWS Config rules running the `ACCESS_KEYS_ROTATED` managed rule whose `maxAccessKeyAge` input \
               parameter is above 90 days (the managed rule's default is 90).",
        fix: "Set `maxAccessKeyAge` to 90 or less.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_config_config_rule"],
            check,
            example: r#"resource "aws_config_config_rule" "keys_rotated" {
  name = "access-keys-rotated"
  source {
    owner             = "AWS"
    source_identifier = "ACCESS_KEYS_ROTATED"
  }
  input_parameters = jsonencode({ maxAccessKeyAge = "180" })
}"#,
            fixed_example: r#"resource "aws_config_config_rule" "keys_rotated" {
  name = "access-keys-rotated"
  source {
    owner             = "AWS"
    source_identifier = "ACCESS_KEYS_ROTATED"
  }
  input_parameters = jsonencode({ maxAccessKeyAge = "90" })
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Config::ConfigRule"],
            check: check_cfn,
            example: r#"Resources:
  KeysRotated:
    Type: AWS::Config::ConfigRule
    Properties:
      Source:
        Owner: AWS
        SourceIdentifier: ACCESS_KEYS_ROTATED
      InputParameters:
        maxAccessKeyAge: 180
"#,
            fixed_example: r#"Resources:
  KeysRotated:
    Type: AWS::Config::ConfigRule
    Properties:
      Source:
        Owner: AWS
        SourceIdentifier: ACCESS_KEYS_ROTATED
      InputParameters:
        maxAccessKeyAge: 90
"#,
        }),
    },
};

const MAX_AGE: f64 = 90.0;
const PARAMETER: &str = "maxAccessKeyAge";
const FIX: &str = "Require rotation within 90 days";

/// The parameters of a rule: a map, or a JSON object in a string.
fn parameters(value: &Value) -> Option<Value> {
    match value {
        Value::Map(_) => Some(value.clone()),
        Value::String(s) => serde_json::from_str::<serde_json::Value>(s).ok().map(|j| Value::from_json(&j)),
        _ => None,
    }
}

fn message(subject: &str, age: f64) -> String {
    format!(
        "`{subject}` accepts access keys up to {} days old: keys should be rotated within 90 days",
        format_number(age)
    )
}

/// The value expression of `key` in `jsonencode({ ... })`.
fn jsonencoded_value<'e>(expr: &'e Expr, key: &str) -> Option<&'e Expr> {
    let ExprKind::Call(name, args) = &expr.kind else { return None };
    let ExprKind::Object(elems) = &args.first().filter(|_| name == "jsonencode")?.kind else { return None };
    elems.iter().find(|(k, _)| key_name(k) == Some(key)).map(|(_, v)| v)
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_config_config_rule").collect::<Vec<_>>() {
        let managed = ctx.nested(res.config(), "source").into_iter().any(|source| {
            let is = |name: &str, want: &str| {
                ctx.field(source, name).is_some_and(|(_, v)| v.as_str().is_some_and(|s| s.eq_ignore_ascii_case(want)))
            };
            is("owner", "AWS") && is("source_identifier", "ACCESS_KEYS_ROTATED")
        });
        if !managed {
            continue;
        }
        let Some((attr, value)) = ctx.attr(res.block, "input_parameters") else { continue };
        let Some(age) = parameters(&value).and_then(|p| p.get(PARAMETER).as_f64()) else { continue };
        if age <= MAX_AGE {
            continue;
        }
        let finding = ctx.report(res, attr.range, message(&res.address(), age));
        if let Some(v) = jsonencoded_value(&attr.expr, PARAMETER) {
            let text = if matches!(v.kind, ExprKind::Number(_)) { "90" } else { "\"90\"" };
            finding.fixes.push(Fix::new(FIX, vec![Edit { range: v.range, text: text.into() }]));
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::Config::ConfigRule").collect::<Vec<_>>() {
        let is = |path: &str, want: &str| {
            ctx.prop(res, path).is_some_and(|(_, v)| v.as_str().is_some_and(|s| s.eq_ignore_ascii_case(want)))
        };
        if !(is("Source.Owner", "AWS") && is("Source.SourceIdentifier", "ACCESS_KEYS_ROTATED")) {
            continue;
        }
        let Some((node, value)) = ctx.prop(res, "InputParameters") else { continue };
        let Some(age) = parameters(&value).and_then(|p| p.get(PARAMETER).as_f64()) else { continue };
        if age <= MAX_AGE {
            continue;
        }
        let range = ctx.prop_range(res, &format!("InputParameters.{PARAMETER}")).unwrap_or(node.range);
        let fix = node.get(PARAMETER).map(|v| {
            let value = if v.as_str().is_some() { json!("90") } else { json!(90) };
            Fix::new(FIX, vec![cfn_edit::replace_value(ctx.template, v, &value)])
        });
        ctx.report(res, range, message(res.logical_id, age)).fixes.extend(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_rotation_thresholds_above_90_days() {
        let tf = r#"resource "aws_config_config_rule" "lax" {
  source {
    owner             = "AWS"
    source_identifier = "ACCESS_KEYS_ROTATED"
  }
  input_parameters = jsonencode({ maxAccessKeyAge = 100 })
}
resource "aws_config_config_rule" "heredoc" {
  source {
    owner             = "AWS"
    source_identifier = "ACCESS_KEYS_ROTATED"
  }
  input_parameters = <<EOF
{"maxAccessKeyAge": "365"}
EOF
}
resource "aws_config_config_rule" "ok" {
  source {
    owner             = "AWS"
    source_identifier = "ACCESS_KEYS_ROTATED"
  }
  input_parameters = jsonencode({ maxAccessKeyAge = "90" })
}
resource "aws_config_config_rule" "other_rule" {
  source {
    owner             = "AWS"
    source_identifier = "IAM_PASSWORD_POLICY"
  }
  input_parameters = jsonencode({ maxAccessKeyAge = "365" })
}
resource "aws_config_config_rule" "unknown" {
  source {
    owner             = "AWS"
    source_identifier = "ACCESS_KEYS_ROTATED"
  }
  input_parameters = jsonencode({ maxAccessKeyAge = var.age })
}
"#;
        assert_eq!(lines(&RULE, tf), [6, 13]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }

    #[test]
    fn cloudformation_thresholds() {
        let yaml = r#"Resources:
  ConfigRule:
    Type: AWS::Config::ConfigRule
    Properties:
      InputParameters:
        maxAccessKeyAge: 100
      Source:
        Owner: AWS
        SourceIdentifier: ACCESS_KEYS_ROTATED
  AsString:
    Type: AWS::Config::ConfigRule
    Properties:
      InputParameters: '{"maxAccessKeyAge": "120"}'
      Source: {Owner: AWS, SourceIdentifier: ACCESS_KEYS_ROTATED}
  Ok:
    Type: AWS::Config::ConfigRule
    Properties:
      InputParameters: {maxAccessKeyAge: 90}
      Source: {Owner: AWS, SourceIdentifier: ACCESS_KEYS_ROTATED}
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [6, 13]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
