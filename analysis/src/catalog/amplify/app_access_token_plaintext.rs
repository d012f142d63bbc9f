use crate::cloudformation::check::CfnContext;
use crate::kit::plaintext::{report_cfn, report_tf};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "amplify-app-access-token-plaintext",
    title: "Amplify app repository access token is written in the template",
    severity: Severity::High,
    row: Row::DataSharing,
    service: "Amplify",
    why: "The access token grants Amplify, and anyone holding it, access to the source repository; leaked through the configuration, it lets others read or push code.",
    aws_side: "Amplify stores the token. Keeping it out of templates is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["73980e43-f399-4fcc-a373-658228f7adf7"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags Amplify apps (`aws_amplify_app`, `AWS::Amplify::App`) whose repository `access_token` is written in the configuration: a literal, a variable's default, or a template parameter's `Default`.",
        fix: "Keep the secret in Secrets Manager (or an SSM SecureString parameter) and refer to it: a dynamic reference (`{{resolve:secretsmanager:...}}`) in CloudFormation, a data source or a variable without a default in Terraform.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_amplify_app"],
            check,
            example: r#"resource "aws_amplify_app" "site" {
  name         = "site"
  repository   = "https://github.com/example/site"
  access_token = "ghp_exampleexampleexampleexample"
}"#,
            fixed_example: r#"resource "aws_amplify_app" "site" {
  name         = "site"
  repository   = "https://github.com/example/site"
  access_token = var.github_token
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Amplify::App"],
            check: check_cfn,
            example: r#"Resources:
  Site:
    Type: AWS::Amplify::App
    Properties:
      Name: site
      Repository: https://github.com/example/site
      AccessToken: ghp_exampleexampleexampleexample
"#,
            fixed_example: r#"Resources:
  Site:
    Type: AWS::Amplify::App
    Properties:
      Name: site
      Repository: https://github.com/example/site
      AccessToken: '{{resolve:secretsmanager:github-token}}'
"#,
        }),
    },
};

const WHAT: &str = "its repository access token";

fn check(ctx: &mut TfContext) {
    report_tf(ctx, "aws_amplify_app", "access_token", WHAT);
}

fn check_cfn(ctx: &mut CfnContext) {
    report_cfn(ctx, "AWS::Amplify::App", "AccessToken", WHAT);
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_example, cfn_lines, check_cfn_fixes, check_fixes, lines, tf_example};

    #[test]
    fn flags_secrets_written_in_the_configuration() {
        let (bad, good) = tf_example(&RULE);
        assert_eq!(lines(&RULE, &bad).len(), 1);
        assert_eq!(check_fixes(&RULE, &bad), 1);
        assert!(lines(&RULE, &good).is_empty());
        // A variable's default is written in the configuration; a variable without one is not.
        assert_eq!(
            lines(
                &RULE,
                r#"variable "secret" {
  default = "written-here"
}
variable "given" {}
resource "aws_amplify_app" "a" {
  access_token = var.secret
}
resource "aws_amplify_app" "b" {
  access_token = var.given
}
"#
            ),
            [6]
        );
        let (bad, good) = cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &bad).len(), 1);
        assert_eq!(check_cfn_fixes(&RULE, &bad), 1);
        assert!(cfn_lines(&RULE, &good).is_empty());
        // A parameter's `Default` is where the secret is written: reported there.
        assert_eq!(
            cfn_lines(
                &RULE,
                r#"Parameters:
  WithDefault:
    Type: String
    NoEcho: true
    Default: written-here
  Empty:
    Type: String
    Default: ''
  Given:
    Type: String
Resources:
  A:
    Type: AWS::Amplify::App
    Properties:
      AccessToken: !Ref WithDefault
  B:
    Type: AWS::Amplify::App
    Properties:
      AccessToken: !Ref Empty
  C:
    Type: AWS::Amplify::App
    Properties:
      AccessToken: !Ref Given
"#
            ),
            [5]
        );
    }
}
