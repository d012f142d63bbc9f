use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity};
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "iam-user-initial-password-short",
    title: "IAM user's console password in the template is shorter than 14 characters",
    severity: Severity::Medium,
    row: Row::UserBehaviour,
    service: "IAM",
    why: "A short initial password can be guessed until it is changed, and it sits in the template for everyone \
          who can read it (hardcoded-credentials reports that separately).",
    aws_side: "AWS checks the password against the account's password policy when the user is created; what goes \
               in the template is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["b1b20ae3-8fa7-4af5-a74d-a2145920fcb1"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `AWS::IAM::User` resources whose `LoginProfile.Password` is a literal shorter than 14 \
               characters (CIS AWS Foundations' minimum). References to parameters and dynamic references \
               (`{{resolve:secretsmanager:...}}`) are not judged.",
        fix: "Reference a generated secret (`{{resolve:secretsmanager:...}}`) of at least 14 characters and set \
              `PasswordResetRequired: true`.",
        has_fix: true,
        terraform: None,
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::IAM::User"],
            check: check_cfn,
            example: r#"Resources:
  Alice:
    Type: AWS::IAM::User
    Properties:
      LoginProfile:
        Password: myP@ssW0rd
"#,
            fixed_example: r#"Resources:
  Alice:
    Type: AWS::IAM::User
    Properties:
      LoginProfile:
        Password: '{{resolve:secretsmanager:alice-initial-password}}'
        PasswordResetRequired: true
"#,
        }),
    },
};

/// CIS AWS Foundations' minimum password length.
const MIN_LENGTH: usize = 14;

fn check_cfn(ctx: &mut CfnContext) {
    for user in ctx.resources("AWS::IAM::User").collect::<Vec<_>>() {
        let Some((node, value)) = ctx.prop(user, "LoginProfile.Password") else { continue };
        // Only a literal is judged: a parameter or a dynamic reference is resolved at deployment.
        if node.as_str().is_none() {
            continue;
        }
        let Some(password) = value.as_str() else { continue };
        if password.contains("{{resolve:") {
            continue;
        }
        let length = password.chars().count();
        if length < MIN_LENGTH {
            let range = ctx.prop_range(user, "LoginProfile.Password").unwrap_or(node.range);
            let message = format!(
                "`{}` has a console password of {length} characters in the template: at least {MIN_LENGTH} are needed",
                user.logical_id
            );
            let fix = Fix::unsafe_(
                "Reference a Secrets Manager secret (name to replace)",
                vec![cfn_edit::replace_value(ctx.template, node, &json!("{{resolve:secretsmanager:<secret-name>}}"))],
            );
            ctx.report(user, range, message).fixes.push(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes};

    #[test]
    fn flags_short_literal_passwords() {
        let yaml = r#"Parameters:
  Password:
    Type: String
    NoEcho: true
Resources:
  Short:
    Type: AWS::IAM::User
    Properties:
      LoginProfile:
        Password: myP@ssW0rd
  Long:
    Type: AWS::IAM::User
    Properties:
      LoginProfile:
        Password: myP@ssW0rd123asw
  Parameter:
    Type: AWS::IAM::User
    Properties:
      LoginProfile:
        Password: !Ref Password
  Resolved:
    Type: AWS::IAM::User
    Properties:
      LoginProfile:
        Password: '{{resolve:ssm-secure:pw}}'
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [10]);
        let json = r#"{"Resources": {"U": {"Type": "AWS::IAM::User", "Properties": {"LoginProfile": {"Password": "short"}}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [1]);
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
