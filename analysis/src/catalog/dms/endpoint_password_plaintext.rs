use crate::cloudformation::check::CfnContext;
use crate::kit::secrets;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "dms-endpoint-password-plaintext",
    title: "DMS endpoint password is written in the code",
    severity: Severity::High,
    row: Row::DataSharing,
    service: "DMS",
    why: "The endpoint password is a working credential for a production database, usually a privileged replication \
          user. Written in the code it is exposed to everyone with repository or stack read access, and it is never \
          rotated.",
    aws_side: "DMS can read endpoint credentials from Secrets Manager (`secrets_manager_arn`, \
               `SecretsManagerSecretId`), and CloudFormation resolves dynamic references at deployment; keeping the \
               secret out of code is the customer's duty.",
    // KICS 5f700072 and f988a17f are related, not equivalent: their regos judge the password's characters (see
    // `how`). They also report a password taken from a parameter at the parameter's `Default` (outside the
    // resource), where a finding could not be suppressed.
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &[],
        kics: &["5f700072-b7ce-4e84-b3f3-497bf1c24a4d", "f988a17f-1139-46a3-8928-f27eafd8b024"],
        trivy: &[],
        how: "KICS's CloudFormation DMS Endpoint Password Exposed (5f700072) and DMS Endpoint MongoDB Settings \
              Password Exposed (f988a17f) fail a password (or a parameter's `Default`) only when it holds a run of \
              eight or more letters, digits or `@$!%*\"#?&`, so they pass `correct-horse-battery`, which this rule \
              flags, and fail a written `{{resolve:secretsmanager:...}}` reference that names no secret of the \
              template as `${Secret}`, which this rule passes.",
    },
    matcher: &Custom {
        what: "Flags `aws_dms_endpoint` whose `password` is a literal, or comes from a variable or local whose value \
               is written in the code; in CloudFormation, `AWS::DMS::Endpoint` whose `Password` or \
               `MongoDbSettings.Password` is a literal or a `Ref` to a parameter with a non-empty `Default` \
              . Dynamic references, parameters without a default and generated passwords \
               are not flagged.",
        fix: "Store the credentials in Secrets Manager and give the endpoint `secrets_manager_arn` and \
              `secrets_manager_access_role_arn` (in CloudFormation, the engine's settings' `SecretsManagerSecretId` \
              and `SecretsManagerAccessRoleArn`, or a `{{resolve:secretsmanager:...}}` reference); then change the \
              password, which has leaked.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_dms_endpoint"],
            check,
            example: r#"resource "aws_dms_endpoint" "source" {
  engine_name = "postgres"
  username    = "replication"
  password    = "correct-horse-battery"
}"#,
            fixed_example: r#"resource "aws_dms_endpoint" "source" {
  engine_name                     = "postgres"
  secrets_manager_arn             = aws_secretsmanager_secret.source.arn
  secrets_manager_access_role_arn = aws_iam_role.dms_secrets.arn
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::DMS::Endpoint"],
            check: check_cfn,
            example: r#"Resources:
  Source:
    Type: AWS::DMS::Endpoint
    Properties:
      EngineName: postgres
      Username: replication
      Password: correct-horse-battery
"#,
            fixed_example: r#"Resources:
  Source:
    Type: AWS::DMS::Endpoint
    Properties:
      EngineName: postgres
      Username: replication
      Password: '{{resolve:secretsmanager:dms/source:SecretString:password}}'
"#,
        }),
    },
};

const WHO: &str = "log in to the endpoint's database";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_dms_endpoint").collect::<Vec<_>>() {
        secrets::report_tf_plaintext(ctx, res, "password", "database password", WHO, None);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::DMS::Endpoint").collect::<Vec<_>>() {
        secrets::report_cfn_plaintext(ctx, res, "Password", "database password", WHO, None);
        secrets::report_cfn_plaintext(ctx, res, "MongoDbSettings.Password", "MongoDB password", WHO, None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_endpoint_passwords_in_the_code() {
        let tf = r#"variable "password" {
  default = "asDjskjs73!!"
}
variable "given" {}
resource "aws_dms_endpoint" "literal" {
  password = "asDjskjs73!!"
}
resource "aws_dms_endpoint" "defaulted" {
  password = var.password
}
resource "aws_dms_endpoint" "given" {
  password = var.given
}
resource "aws_dms_endpoint" "secret" {
  secrets_manager_arn = aws_secretsmanager_secret.s.arn
}
"#;
        assert_eq!(lines(&RULE, tf), [6, 9]);
    }

    #[test]
    fn cloudformation_passwords_and_mongodb_settings() {
        // KICS: the Mongo password from a parameter's default next to a top-level password from a
        // parameter with an empty default; `MongoDbSettings` given as a placeholder string.
        let yaml = "Parameters:\n  Empty:\n    Type: String\n    Default: ''\n  Mongo:\n    Type: String\n    Default: 'as@3djdkDjskjs73!!'\nResources:\n  A:\n    Type: AWS::DMS::Endpoint\n    Properties:\n      Password: !Ref Empty\n      MongoDbSettings:\n        Password: !Ref Mongo\n  B:\n    Type: AWS::DMS::Endpoint\n    Properties:\n      Password: 'asDjskjs73!!'\n      MongoDbSettings: MongoDbSettings\n  C:\n    Type: AWS::DMS::Endpoint\n    Properties:\n      Password: !Sub '{{resolve:secretsmanager:${Secret}:SecretString:password}}'\n";
        assert_eq!(cfn_lines(&RULE, yaml), [14, 18]);
    }
}
