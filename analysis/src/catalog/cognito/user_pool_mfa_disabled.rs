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
    id: "cognito-user-pool-mfa-disabled",
    title: "Cognito user pool does not require or offer multi-factor authentication",
    severity: Severity::Medium,
    row: Row::UserBehaviour,
    service: "Cognito",
    why: "Application users reuse passwords: without a second factor, a list of leaked credentials is enough to \
          take over accounts in your application.",
    aws_side: "Cognito implements MFA (SMS, TOTP, email); enabling and requiring it for your users is the \
               customer's.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["ec28bf61-a474-4dbe-b414-6dd3a067d6f0", "74a18d1a-cf02-4a31-8791-ed0967ad7fdc"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags user pools without `mfa_configuration` (`MfaConfiguration`) or with `OFF`, and pools with `ON` \
               or `OPTIONAL` that configure no factor (no `sms_configuration`, no enabled \
               `software_token_mfa_configuration`, no `email_mfa_configuration`; CloudFormation: neither \
               `SmsConfiguration` nor `EnabledMfas`).",
        fix: "Set `mfa_configuration = \"ON\"` (`OPTIONAL` at least) with `software_token_mfa_configuration { \
              enabled = true }`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_cognito_user_pool"],
            check,
            example: r#"resource "aws_cognito_user_pool" "users" {
  name              = "users"
  mfa_configuration = "OFF"
  software_token_mfa_configuration {
    enabled = true
  }
}"#,
            fixed_example: r#"resource "aws_cognito_user_pool" "users" {
  name              = "users"
  mfa_configuration = "ON"
  software_token_mfa_configuration {
    enabled = true
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Cognito::UserPool"],
            check: check_cfn,
            example: r#"Resources:
  Users:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: users
      MfaConfiguration: 'OFF'
      EnabledMfas: [SOFTWARE_TOKEN_MFA]
"#,
            fixed_example: r#"Resources:
  Users:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: users
      MfaConfiguration: 'ON'
      EnabledMfas: [SOFTWARE_TOKEN_MFA]
"#,
        }),
    },
};

const FIX: &str = "Require MFA";

fn check(ctx: &mut TfContext) {
    for pool in ctx.resources("aws_cognito_user_pool").collect::<Vec<_>>() {
        let file = ctx.file(pool);
        let factor = !ctx.nested(pool.config(), "sms_configuration").is_empty()
            || !ctx.nested(pool.config(), "email_mfa_configuration").is_empty()
            || ctx
                .nested(pool.config(), "software_token_mfa_configuration")
                .into_iter()
                .any(|c| ctx.field(c, "enabled").is_none_or(|(_, v)| v.as_bool() != Some(false)));
        let address = pool.address();
        match ctx.attr(pool.block, "mfa_configuration") {
            None => {
                let fix = factor
                    .then(|| Fix::new(FIX, vec![edit::set_attribute(file, pool.block, "mfa_configuration", "\"ON\"")]));
                let message = format!("`{address}` does not set `mfa_configuration` (`OFF` by default): users sign in with a password alone");
                ctx.report(pool, pool.block.header, message).fixes.extend(fix);
            }
            Some((attr, v)) => {
                match v.as_str() {
                    Some(m) if m.eq_ignore_ascii_case("OFF") => {
                        let fix =
                            factor.then(|| Fix::new(FIX, vec![Edit { range: attr.expr.range, text: "\"ON\"".into() }]));
                        let message = format!("`{address}` turns MFA off: users sign in with a password alone");
                        ctx.report(pool, attr.range, message).fixes.extend(fix);
                    }
                    Some(m) if !factor && (m.eq_ignore_ascii_case("ON") || m.eq_ignore_ascii_case("OPTIONAL")) => {
                        let message = format!("`{address}` sets `mfa_configuration = \"{m}\"` but configures no factor (SMS, TOTP or email)");
                        ctx.report(pool, attr.range, message);
                    }
                    _ => {}
                }
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for pool in ctx.resources("AWS::Cognito::UserPool").collect::<Vec<_>>() {
        let id = pool.logical_id;
        let factor = ctx.prop(pool, "SmsConfiguration").is_some()
            || ctx.prop(pool, "EnabledMfas").is_some_and(|(_, v)| !matches!(v, Value::List(ref l) if l.is_empty()));
        match ctx.prop(pool, "MfaConfiguration") {
            None | Some((_, Value::Null)) => {
                let fix = factor.then(|| {
                    Fix::new(FIX, vec![cfn_edit::set_property(ctx.template, pool, "MfaConfiguration", &json!("ON"))])
                });
                let range = ctx.header(pool);
                let message = format!(
                    "`{id}` does not set `MfaConfiguration` (`OFF` by default): users sign in with a password alone"
                );
                ctx.report(pool, range, message).fixes.extend(fix);
            }
            Some((node, v)) => match v.as_str() {
                Some(m) if m.eq_ignore_ascii_case("OFF") => {
                    let fix =
                        factor.then(|| Fix::new(FIX, vec![cfn_edit::replace_value(ctx.template, node, &json!("ON"))]));
                    let range = ctx.prop_range(pool, "MfaConfiguration").unwrap_or(node.range);
                    ctx.report(pool, range, format!("`{id}` turns MFA off: users sign in with a password alone"))
                        .fixes
                        .extend(fix);
                }
                Some(m) if !factor && (m.eq_ignore_ascii_case("ON") || m.eq_ignore_ascii_case("OPTIONAL")) => {
                    let range = ctx.prop_range(pool, "MfaConfiguration").unwrap_or(node.range);
                    let message = format!("`{id}` sets `MfaConfiguration: {m}` but configures no factor (SMS or TOTP)");
                    ctx.report(pool, range, message);
                }
                _ => {}
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_pools_without_mfa() {
        let tf = r#"resource "aws_cognito_user_pool" "absent" {
  software_token_mfa_configuration {
    enabled = true
  }
}
resource "aws_cognito_user_pool" "off" {
  mfa_configuration = "OFF"
  sms_configuration {
    external_id    = "example"
    sns_caller_arn = aws_iam_role.example.arn
  }
}
resource "aws_cognito_user_pool" "on_without_factor" {
  mfa_configuration          = "ON"
  sms_authentication_message = "Your code is {####}"
}
resource "aws_cognito_user_pool" "on_sms" {
  mfa_configuration = "ON"
  sms_configuration {
    external_id    = "example"
    sns_caller_arn = aws_iam_role.example.arn
  }
}
resource "aws_cognito_user_pool" "optional_totp" {
  mfa_configuration = "OPTIONAL"
  software_token_mfa_configuration {
    enabled = true
  }
}
resource "aws_cognito_user_pool" "unknown" {
  mfa_configuration = var.mfa
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 7, 14]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_pools() {
        let yaml = "Resources:\n  Off:\n    Type: AWS::Cognito::UserPool\n    Properties:\n      MfaConfiguration: 'OFF'\n      SmsConfiguration: {ExternalId: x}\n  Absent:\n    Type: AWS::Cognito::UserPool\n    Properties:\n      SmsConfiguration: {ExternalId: x}\n  On:\n    Type: AWS::Cognito::UserPool\n    Properties:\n      MfaConfiguration: 'ON'\n      SmsConfiguration: {ExternalId: x}\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5, 7]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
