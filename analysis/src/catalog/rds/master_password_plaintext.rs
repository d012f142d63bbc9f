use crate::cloudformation::check::CfnContext;
use crate::kit::{rds, secrets};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "rds-master-password-plaintext",
    title: "RDS master password is written in the code",
    severity: Severity::High,
    row: Row::DataSharing,
    service: "RDS",
    why: "A password in the code is in version control, in every clone, in CI logs and, for a template, in the \
          CloudFormation console for anyone with read access to the stack; it also never rotates. Whoever reads \
          the repository can log in to the database as its administrator.",
    aws_side: "AWS can generate, store and rotate the master password in Secrets Manager \
               (`manage_master_user_password`, `ManageMasterUserPassword`), and CloudFormation resolves dynamic \
               references at deployment; keeping secrets out of code is the customer's duty.",
    equivalents: Equivalents::NONE,
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_db_instance` (`password`), `aws_rds_cluster` (`master_password`) and rds / rds-aurora \
               module calls whose password is a literal, or comes from a variable or local whose value is written \
               in the code; in CloudFormation, `AWS::RDS::DBInstance` and `AWS::RDS::DBCluster` whose \
               `MasterUserPassword` is a literal or a `Ref` to a parameter with a non-empty `Default`. Dynamic references, parameters without a default and generated passwords are not \
               flagged.",
        fix: "Let RDS manage the password in Secrets Manager (`manage_master_user_password = true`, \
              `ManageMasterUserPassword: true`), or read it at deployment from Secrets Manager; then change the \
              password, which has leaked.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &[rds::INSTANCE, rds::CLUSTER],
            check,
            example: r#"resource "aws_db_instance" "db" {
  engine   = "postgres"
  username = "admin"
  password = "correct-horse-battery"
}"#,
            fixed_example: r#"resource "aws_db_instance" "db" {
  engine   = "postgres"
  username = "admin"
  manage_master_user_password = true
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &[rds::CFN_INSTANCE, rds::CFN_CLUSTER],
            check: check_cfn,
            example: r#"Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      MasterUsername: admin
      MasterUserPassword: correct-horse-battery
"#,
            fixed_example: r#"Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      MasterUsername: admin
      ManageMasterUserPassword: true
"#,
        }),
    },
};

const WHO: &str = "log in to the database as its administrator";
const MANAGED: Option<&str> = Some("manage_master_user_password = true");

fn check(ctx: &mut TfContext) {
    for res in rds::instances(ctx) {
        secrets::report_tf_plaintext(ctx, res, "password", "master password", WHO, MANAGED);
    }
    for res in rds::clusters(ctx) {
        secrets::report_tf_plaintext(ctx, res, "master_password", "master password", WHO, MANAGED);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    let mut targets: Vec<_> = ctx.resources(rds::CFN_INSTANCE).collect();
    targets.extend(ctx.resources(rds::CFN_CLUSTER));
    for res in targets {
        let fix = Some(("ManageMasterUserPassword", json!(true)));
        secrets::report_cfn_plaintext(ctx, res, "MasterUserPassword", "master password", WHO, fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_master_passwords_in_the_code() {
        let tf = r#"variable "password" {
  default   = "foobarbaz"
  sensitive = true
}
variable "given" {
  sensitive = true
}
resource "aws_db_instance" "literal" {
  password = "foobarbaz"
}
resource "aws_rds_cluster" "defaulted" {
  master_password = var.password
}
module "db" {
  source   = "terraform-aws-modules/rds/aws"
  password = "foobarbaz"
}
resource "aws_db_instance" "given" {
  password = var.given
}
resource "aws_db_instance" "generated" {
  password = random_password.db.result
}
"#;
        assert_eq!(lines(&RULE, tf), [9, 16, 12]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn cloudformation_master_passwords() {
        let yaml = "Parameters:\n  DBPassword:\n    Type: String\n    NoEcho: true\nResources:\n  A:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      MasterUserPassword: SecretPassword01\n  B:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      MasterUserPassword: !Ref DBPassword\n  C:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      MasterUserPassword: '{{resolve:secretsmanager:db:SecretString:password}}'\n";
        assert_eq!(cfn_lines(&RULE, yaml), [9]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
