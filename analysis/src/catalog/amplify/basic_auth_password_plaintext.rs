use crate::cloudformation::check::CfnContext;
use crate::kit::plaintext::{report_cfn, report_tf};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "amplify-basic-auth-password-plaintext",
    title: "Amplify basic-auth password is written in the template",
    severity: Severity::High,
    row: Row::DataSharing,
    service: "Amplify",
    why: "Basic authentication is what keeps preview and staging sites private; a password in the configuration is readable by everyone with access to it and cannot be rotated without a code change.",
    aws_side: "Amplify enforces the credentials it is given. Keeping them out of templates is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["71493c8b-3014-404c-9802-078b74496fb7", "dfb56e5d-ee68-446e-b32a-657b62befe69"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags Amplify apps and branches (`aws_amplify_app`, `aws_amplify_branch`, their CloudFormation twins) whose basic-auth password (`basic_auth_credentials`, `BasicAuthConfig.Password`, also in the app's auto branch creation settings) is written in the configuration: a literal, a variable's default, or a template parameter's `Default`.",
        fix: "Keep the secret in Secrets Manager (or an SSM SecureString parameter) and refer to it: a dynamic reference (`{{resolve:secretsmanager:...}}`) in CloudFormation, a data source or a variable without a default in Terraform.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_amplify_app", "aws_amplify_branch"],
            check,
            example: r#"resource "aws_amplify_branch" "staging" {
  app_id                 = aws_amplify_app.site.id
  branch_name            = "staging"
  enable_basic_auth      = true
  basic_auth_credentials = base64encode("admin:staging-password")
}"#,
            fixed_example: r#"resource "aws_amplify_branch" "staging" {
  app_id                 = aws_amplify_app.site.id
  branch_name            = "staging"
  enable_basic_auth      = true
  basic_auth_credentials = base64encode("admin:${var.staging_password}")
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Amplify::App", "AWS::Amplify::Branch"],
            check: check_cfn,
            example: r#"Resources:
  Staging:
    Type: AWS::Amplify::Branch
    Properties:
      AppId: !GetAtt Site.AppId
      BranchName: staging
      BasicAuthConfig:
        EnableBasicAuth: true
        Username: admin
        Password: staging-password
"#,
            fixed_example: r#"Resources:
  Staging:
    Type: AWS::Amplify::Branch
    Properties:
      AppId: !GetAtt Site.AppId
      BranchName: staging
      BasicAuthConfig:
        EnableBasicAuth: true
        Username: admin
        Password: '{{resolve:secretsmanager:staging-basic-auth:SecretString:password}}'
"#,
        }),
    },
};

const WHAT: &str = "its basic-auth password";

fn check(ctx: &mut TfContext) {
    report_tf(ctx, "aws_amplify_app", "basic_auth_credentials", WHAT);
    report_tf(ctx, "aws_amplify_app", "auto_branch_creation_config.basic_auth_credentials", WHAT);
    report_tf(ctx, "aws_amplify_branch", "basic_auth_credentials", WHAT);
}

fn check_cfn(ctx: &mut CfnContext) {
    report_cfn(ctx, "AWS::Amplify::App", "BasicAuthConfig.Password", WHAT);
    report_cfn(ctx, "AWS::Amplify::App", "AutoBranchCreationConfig.BasicAuthConfig.Password", WHAT);
    report_cfn(ctx, "AWS::Amplify::Branch", "BasicAuthConfig.Password", WHAT);
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
  basic_auth_credentials = var.secret
}
resource "aws_amplify_app" "b" {
  basic_auth_credentials = var.given
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
      BasicAuthConfig:
        Password: !Ref WithDefault
  B:
    Type: AWS::Amplify::App
    Properties:
      BasicAuthConfig:
        Password: !Ref Empty
  C:
    Type: AWS::Amplify::App
    Properties:
      BasicAuthConfig:
        Password: !Ref Given
"#
            ),
            [5]
        );
    }
}
