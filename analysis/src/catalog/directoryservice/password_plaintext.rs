use crate::cloudformation::check::CfnContext;
use crate::kit::plaintext::{report_cfn, report_tf};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "directory-service-password-plaintext",
    title: "Directory Service administrator password is written in the template",
    severity: Severity::High,
    row: Row::DataSharing,
    service: "Directory Service",
    why: "The directory administrator password opens every domain-joined machine and WorkSpace; written in the configuration it is stored in version control, in the stack's or state's metadata and in every checkout.",
    aws_side: "AWS stores the password securely once the directory is created. Keeping it out of code is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["6685d912-d81f-4cfa-95ad-e316ea31c989", "06b9f52a-8cd5-459b-bdc6-21a22521e1be"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags Directory Service directories (`aws_directory_service_directory`, `AWS::DirectoryService::SimpleAD`, `AWS::DirectoryService::MicrosoftAD`) whose `password` is written in the configuration: a literal, a variable's default, or a template parameter's `Default`.",
        fix: "Keep the secret in Secrets Manager (or an SSM SecureString parameter) and refer to it: a dynamic reference (`{{resolve:secretsmanager:...}}`) in CloudFormation, a data source or a variable without a default in Terraform.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_directory_service_directory"],
            check,
            example: r#"resource "aws_directory_service_directory" "corp" {
  name     = "corp.example.com"
  password = "SuperSecretPassw0rd"
  size     = "Small"
}"#,
            fixed_example: r#"resource "aws_directory_service_directory" "corp" {
  name     = "corp.example.com"
  password = data.aws_secretsmanager_secret_version.directory.secret_string
  size     = "Small"
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::DirectoryService::SimpleAD", "AWS::DirectoryService::MicrosoftAD"],
            check: check_cfn,
            example: r#"Resources:
  Corp:
    Type: AWS::DirectoryService::SimpleAD
    Properties:
      Name: corp.example.com
      Password: SuperSecretPassw0rd
      Size: Small
"#,
            fixed_example: r#"Resources:
  Corp:
    Type: AWS::DirectoryService::SimpleAD
    Properties:
      Name: corp.example.com
      Password: '{{resolve:secretsmanager:corp-directory:SecretString:password}}'
      Size: Small
"#,
        }),
    },
};

const WHAT: &str = "its administrator password";

fn check(ctx: &mut TfContext) {
    report_tf(ctx, "aws_directory_service_directory", "password", WHAT);
}

fn check_cfn(ctx: &mut CfnContext) {
    report_cfn(ctx, "AWS::DirectoryService::SimpleAD", "Password", WHAT);
    report_cfn(ctx, "AWS::DirectoryService::MicrosoftAD", "Password", WHAT);
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
resource "aws_directory_service_directory" "a" {
  password = var.secret
}
resource "aws_directory_service_directory" "b" {
  password = var.given
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
    Type: AWS::DirectoryService::SimpleAD
    Properties:
      Password: !Ref WithDefault
  B:
    Type: AWS::DirectoryService::SimpleAD
    Properties:
      Password: !Ref Empty
  C:
    Type: AWS::DirectoryService::SimpleAD
    Properties:
      Password: !Ref Given
"#
            ),
            [5]
        );
    }
}
