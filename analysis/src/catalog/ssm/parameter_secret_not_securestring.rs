use crate::cloudformation::check::CfnContext;
use crate::fix::{Edit, Fix};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "ssm-parameter-secret-not-securestring",
    title: "SSM parameter that looks like a secret is stored as plain String",
    severity: Severity::Medium,
    row: Row::DataSharing,
    service: "SSM",
    why: "`String` parameters are readable by anyone allowed `ssm:GetParameter` and appear in plain text in the \
          console, CLI output and the Terraform state; `SecureString` adds KMS encryption and `kms:Decrypt` as a \
          second gate.",
    aws_side: "Parameter Store encrypts only `SecureString` parameters; choosing the type is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV2_AWS_34", "CKV_AWS_384"],
        kics: &[],
        trivy: &[],
        how: "CKV2_AWS_34 asks every parameter to be a `SecureString`; CKV_AWS_384 looks for secret-looking values \
              in CloudFormation parameters.",
    },
    matcher: &Custom {
        what: "Flags `aws_ssm_parameter` resources of type `String` or `StringList` whose name (its last path \
               segment) looks like a secret (password, secret, token, API key, private key, credential); in \
               CloudFormation, which cannot create `SecureString` parameters, such parameters with a literal \
               `Value`.",
        fix: "Use `type = \"SecureString\"` (with a customer-managed `key_id`); in CloudFormation, create the \
              parameter outside the template or keep the secret in Secrets Manager.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ssm_parameter"],
            check,
            example: r#"resource "aws_ssm_parameter" "db_password" {
  name  = "/app/db/password"
  type  = "String"
  value = var.db_password
}"#,
            fixed_example: r#"resource "aws_ssm_parameter" "db_password" {
  name  = "/app/db/password"
  type  = "SecureString"
  value = var.db_password
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::SSM::Parameter"],
            check: check_cfn,
            example: r#"Resources:
  ApiToken:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /app/api-token
      Type: String
      Value: tok_4f9a8b7c6d5e
"#,
            fixed_example: r#"Resources:
  ApiEndpoint:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /app/api-endpoint
      Type: String
      Value: https://api.example.com
"#,
        }),
    },
};

/// Words that make a parameter name look like a secret.
const SECRET_WORDS: [&str; 12] = [
    "password",
    "passwd",
    "pwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "privatekey",
    "private_key",
    "private-key",
    "credential",
];

/// Whether the last path segment of a parameter name looks like a secret.
fn looks_secret(name: &str) -> bool {
    let last = name.rsplit('/').next().unwrap_or(name).to_ascii_lowercase();
    SECRET_WORDS.iter().any(|w| last.contains(w))
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_ssm_parameter").collect::<Vec<_>>() {
        let Some((type_attr, ty)) = ctx.attr(res.block, "type") else { continue };
        let Some(ty) = ty.as_str().filter(|t| *t == "String" || *t == "StringList") else { continue };
        let Some((_, name)) = ctx.attr(res.block, "name") else { continue };
        let Some(name) = name.as_str().filter(|n| looks_secret(n)) else { continue };
        let message = format!(
            "`{}` stores `{name}`, which looks like a secret, as a plain `{ty}`: anyone who may read the parameter \
             reads it in clear",
            res.address()
        );
        let fix = Fix::new(
            "Store it as a SecureString",
            vec![Edit { range: type_attr.expr.range, text: "\"SecureString\"".into() }],
        );
        ctx.report_with_fix(res, type_attr.range, message, fix);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::SSM::Parameter").collect::<Vec<_>>() {
        let Some((_, name)) = ctx.prop(res, "Name") else { continue };
        let Some(name) = name.as_str().filter(|n| looks_secret(n)) else { continue };
        let Some((node, _)) = ctx.prop(res, "Value") else { continue };
        // A literal only: a parameter reference or a dynamic reference is not written here.
        let Some(value) = node.as_str() else { continue };
        if value.contains("{{resolve:") || value.trim().is_empty() {
            continue;
        }
        let message = format!(
            "`{}` writes `{name}`, which looks like a secret, in the template as a plain parameter: CloudFormation \
             cannot create SecureString parameters",
            res.logical_id
        );
        let range = ctx.prop_range(res, "Value").unwrap_or(node.range);
        ctx.report(res, range, message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_fixes, lines};

    #[test]
    fn recognises_secret_names() {
        assert!(looks_secret("/app/db/PASSWORD"));
        assert!(looks_secret("github_api_key"));
        assert!(looks_secret("/svc/oauth-client-secret"));
        assert!(!looks_secret("/secret/app/endpoint"));
        assert!(!looks_secret("/app/db/host"));
    }

    #[test]
    fn flags_plain_parameters_with_secret_names() {
        let tf = r#"resource "aws_ssm_parameter" "password" {
  name  = "/app/db/password"
  type  = "String"
  value = "x"
}
resource "aws_ssm_parameter" "secure" {
  name  = "/app/db/password"
  type  = "SecureString"
  value = "x"
}
resource "aws_ssm_parameter" "host" {
  name  = "/app/db/host"
  type  = "String"
  value = "db"
}
resource "aws_ssm_parameter" "unknown" {
  name  = var.name
  type  = "StringList"
  value = "a,b"
}
"#;
        assert_eq!(lines(&RULE, tf), [3]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let yaml = "Parameters:\n  Token:\n    Type: String\n    NoEcho: true\nResources:\n  A:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Name: api-token\n      Type: String\n      Value: abc\n  B:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Name: api-token\n      Type: String\n      Value: !Ref Token\n";
        assert_eq!(cfn_lines(&RULE, yaml), [11]);
    }
}
