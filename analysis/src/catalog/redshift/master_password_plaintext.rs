use crate::cloudformation::check::CfnContext;
use crate::kit::redshift::CLUSTER;
use crate::kit::secrets;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "redshift-master-password-plaintext",
    title: "Redshift admin password is written in the code",
    severity: Severity::High,
    row: Row::DataSharing,
    service: "Redshift",
    why: "A password in the code is in version control, in every clone, in CI logs and, for a template, in the \
          CloudFormation console for anyone with read access to the stack; it also never rotates. Whoever reads \
          the repository can log in to the warehouse as its administrator and unload every table.",
    aws_side: "AWS can generate, store and rotate the admin password in Secrets Manager \
               (`manage_master_password`, `ManageMasterPassword`), and CloudFormation resolves dynamic references at \
               deployment; keeping secrets out of code is the customer's duty.",
    equivalents: Equivalents::NONE,
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_redshift_cluster` whose `master_password` is a literal, or comes from a variable or local \
               whose value is written in the code, and `aws_redshiftserverless_namespace` likewise with \
               `admin_user_password`; in CloudFormation, `AWS::Redshift::Cluster` `MasterUserPassword` and \
               `AWS::RedshiftServerless::Namespace` `AdminUserPassword` written as a literal or a `Ref` to a \
               parameter with a non-empty `Default`. Dynamic references, parameters \
               without a default and generated passwords are not flagged.",
        fix: "Let Redshift manage the password in Secrets Manager (`manage_master_password = true`, \
              `manage_admin_password = true`), or read it at deployment from Secrets Manager; then change the \
              password, which has leaked.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &[CLUSTER, "aws_redshiftserverless_namespace"],
            check,
            example: r#"resource "aws_redshift_cluster" "dw" {
  master_username = "admin"
  master_password = "Mustbe8characters"
}"#,
            fixed_example: r#"resource "aws_redshift_cluster" "dw" {
  master_username = "admin"
  manage_master_password = true
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Redshift::Cluster", "AWS::RedshiftServerless::Namespace"],
            check: check_cfn,
            example: r#"Resources:
  Warehouse:
    Type: AWS::Redshift::Cluster
    Properties:
      MasterUsername: admin
      MasterUserPassword: Mustbe8characters
"#,
            fixed_example: r#"Resources:
  Warehouse:
    Type: AWS::Redshift::Cluster
    Properties:
      MasterUsername: admin
      ManageMasterPassword: true
"#,
        }),
    },
};

const WHO: &str = "log in to the warehouse as its administrator";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources(CLUSTER).collect::<Vec<_>>() {
        let fix = Some("manage_master_password = true");
        secrets::report_tf_plaintext(ctx, res, "master_password", "admin password", WHO, fix);
    }
    for res in ctx.resources("aws_redshiftserverless_namespace").collect::<Vec<_>>() {
        let fix = Some("manage_admin_password = true");
        secrets::report_tf_plaintext(ctx, res, "admin_user_password", "admin password", WHO, fix);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::Redshift::Cluster").collect::<Vec<_>>() {
        let fix = Some(("ManageMasterPassword", json!(true)));
        secrets::report_cfn_plaintext(ctx, res, "MasterUserPassword", "admin password", WHO, fix);
    }
    for res in ctx.resources("AWS::RedshiftServerless::Namespace").collect::<Vec<_>>() {
        let fix = Some(("ManageAdminPassword", json!(true)));
        secrets::report_cfn_plaintext(ctx, res, "AdminUserPassword", "admin password", WHO, fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_admin_passwords_in_the_code() {
        let tf = r#"variable "given" {
  sensitive = true
}
locals {
  password = "Mustbe8characters"
}
resource "aws_redshift_cluster" "literal" {
  master_password = "Mustbe8characters"
}
resource "aws_redshiftserverless_namespace" "local" {
  admin_user_password = local.password
}
resource "aws_redshift_cluster" "given" {
  master_password = var.given
}
resource "aws_redshift_cluster" "secret" {
  master_password = data.aws_secretsmanager_secret_version.dw.secret_string
}
"#;
        assert_eq!(lines(&RULE, tf), [8, 11]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_admin_passwords() {
        let yaml = "Parameters:\n  Password:\n    Type: String\n    NoEcho: true\nResources:\n  A:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      MasterUserPassword: Mustbe8characters\n  B:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      MasterUserPassword: !Ref Password\n  C:\n    Type: AWS::RedshiftServerless::Namespace\n    Properties:\n      AdminUserPassword: '{{resolve:secretsmanager:dw:SecretString:password}}'\n";
        assert_eq!(cfn_lines(&RULE, yaml), [9]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
