use crate::cloudformation::check::CfnContext;
use crate::kit::secrets;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "docdb-master-password-plaintext",
    title: "DocumentDB master password is written in the code",
    severity: Severity::High,
    row: Row::DataSharing,
    service: "DocumentDB",
    why: "A password in the code is in version control, in every clone, in CI logs and, for a template, in the \
          CloudFormation console for anyone with read access to the stack; it also never rotates. Whoever reads \
          the repository can log in to the cluster as its administrator.",
    aws_side: "AWS can generate, store and rotate the master password in Secrets Manager \
               (`manage_master_user_password`, `ManageMasterUserPassword`), and CloudFormation resolves dynamic \
               references at deployment; keeping secrets out of code is the customer's duty.",
    // KICS 39423ce4 (docdb_cluster_master_password_in_plaintext) is related, not equivalent: its rego judges the
    // password's characters (see `how`). It also reports a password taken from a parameter at the parameter's
    // `Default` (outside the resource, where a finding could not be suppressed), and two of its fixtures write
    // `Type:  AWS::` with two spaces, which onus does not take for a template.
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &[],
        kics: &["39423ce4-9011-46cd-b6b1-009edcd9385d"],
        trivy: &[],
        how: "KICS's CloudFormation DocDB Cluster Master Password In Plaintext (39423ce4) fails a password (or a \
              parameter's `Default`) only when it holds a run of eight or more letters, digits or `@$!%*\"#?&`, so \
              it passes `correct-horse-battery`, which this rule flags, and fails a written \
              `{{resolve:secretsmanager:...}}` reference that names no secret of the template as `${Secret}`, which \
              this rule passes.",
    },
    matcher: &Custom {
        what: "Flags `aws_docdb_cluster` whose `master_password` is a literal, or comes from a variable or local \
               whose value is written in the code; in CloudFormation, `AWS::DocDB::DBCluster` whose \
               `MasterUserPassword` is a literal or a `Ref` to a parameter with a non-empty `Default`. Dynamic references (`{{resolve:secretsmanager:...}}`), parameters without a default \
               and generated passwords are not flagged.",
        fix: "Let DocumentDB manage the password in Secrets Manager (`manage_master_user_password = true`, \
              `ManageMasterUserPassword: true`), or read it at deployment from Secrets Manager (a \
              `{{resolve:secretsmanager:...}}` dynamic reference, an `aws_secretsmanager_secret_version` data \
              source); then change the password, which has leaked.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_docdb_cluster"],
            check,
            example: r#"resource "aws_docdb_cluster" "docs" {
  master_username = "admin"
  master_password = "correct-horse-battery"
}"#,
            fixed_example: r#"resource "aws_docdb_cluster" "docs" {
  master_username = "admin"
  manage_master_user_password = true
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::DocDB::DBCluster"],
            check: check_cfn,
            example: r#"Resources:
  Docs:
    Type: AWS::DocDB::DBCluster
    Properties:
      MasterUsername: admin
      MasterUserPassword: correct-horse-battery
"#,
            fixed_example: r#"Resources:
  Docs:
    Type: AWS::DocDB::DBCluster
    Properties:
      MasterUsername: admin
      ManageMasterUserPassword: true
"#,
        }),
    },
};

const WHO: &str = "log in to the cluster as its administrator";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_docdb_cluster").collect::<Vec<_>>() {
        secrets::report_tf_plaintext(
            ctx,
            res,
            "master_password",
            "master password",
            WHO,
            Some("manage_master_user_password = true"),
        );
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::DocDB::DBCluster").collect::<Vec<_>>() {
        secrets::report_cfn_plaintext(
            ctx,
            res,
            "MasterUserPassword",
            "master password",
            WHO,
            Some(("ManageMasterUserPassword", json!(true))),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_passwords_written_in_the_code() {
        let tf = r#"variable "with_default" {
  default = "hunter2hunter2"
}
variable "empty" {
  default = ""
}
variable "given" {}
resource "aws_docdb_cluster" "literal" {
  master_password = "mustbeeightchars"
}
resource "aws_docdb_cluster" "defaulted" {
  master_password = var.with_default
}
resource "aws_docdb_cluster" "empty" {
  master_password = var.empty
}
resource "aws_docdb_cluster" "given" {
  master_password = var.given
}
resource "aws_docdb_cluster" "generated" {
  master_password = random_password.docs.result
}
resource "aws_docdb_cluster" "managed" {
  manage_master_user_password = true
}
"#;
        assert_eq!(lines(&RULE, tf), [9, 12]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_literals_and_parameter_defaults() {
        // KICS: a literal; a `Ref` to a parameter with a default (reported at the property, naming the parameter); dynamic references,
        // parameters without a default or with an empty one pass.
        let yaml = "Parameters:\n  Defaulted:\n    Type: String\n    NoEcho: true\n    Default: 'asDjskjs73!'\n  Empty:\n    Type: String\n    Default: ''\n  Given:\n    Type: String\nResources:\n  A:\n    Type: AWS::DocDB::DBCluster\n    Properties:\n      MasterUserPassword: 'asDjskjs73!!'\n  B:\n    Type: AWS::DocDB::DBCluster\n    Properties:\n      MasterUserPassword: !Ref Defaulted\n  C:\n    Type: AWS::DocDB::DBCluster\n    Properties:\n      MasterUserPassword: !Ref Empty\n  D:\n    Type: AWS::DocDB::DBCluster\n    Properties:\n      MasterUserPassword: !Ref Given\n  E:\n    Type: AWS::DocDB::DBCluster\n    Properties:\n      MasterUserPassword: !Sub '{{resolve:secretsmanager:${Secret}::password}}'\n  F:\n    Type: AWS::DocDB::DBCluster\n    Properties:\n      MasterUserPassword: '{{resolve:ssm-secure:/docs/password:1}}'\n";
        assert_eq!(cfn_lines(&RULE, yaml), [15, 19]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }

    #[test]
    fn a_string_is_a_literal_even_when_it_names_a_parameter() {
        // KICS's JSON fixtures write a parameter's name where a `Ref` is meant; the template then holds that string
        // as the password.
        let json = r#"{
  "Parameters": {
    "Secret": {"Type": "String", "Default": "asDjskjs73!"}
  },
  "Resources": {
    "A": {"Type": "AWS::DocDB::DBCluster", "Properties": {"MasterUserPassword": "Secret"}},
    "B": {"Type": "AWS::DocDB::DBCluster", "Properties": {"MasterUserPassword": {"Ref": "Secret"}}}
  }
}"#;
        assert_eq!(cfn_lines(&RULE, json), [6, 7]);
        assert_eq!(check_cfn_fixes(&RULE, json), 2);
    }
}
