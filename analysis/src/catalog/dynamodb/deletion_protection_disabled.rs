use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "dynamodb-deletion-protection-disabled",
    title: "DynamoDB table can be deleted without deletion protection",
    severity: Severity::Medium,
    row: Row::BusinessContinuity,
    service: "DynamoDB",
    why: "Deleting a table removes it and, unless point-in-time recovery or AWS Backup copies exist, all of its data, \
          immediately and irreversibly; a mistaken `terraform destroy`, a renamed resource or a compromised role is \
          enough.",
    aws_side: "AWS refuses to delete the table while protection is on (Security Hub DynamoDB.6); turning it on is the \
               customer's duty.",
    equivalents: Equivalents::NONE,
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_dynamodb_table"],
            modules: &[("dynamodb-table", "deletion_protection_enabled", true)],
            path: "deletion_protection_enabled",
            applies: None,
            example: r#"resource "aws_dynamodb_table" "orders" {
  name     = "orders"
  hash_key = "id"
}"#,
            fixed: r#"resource "aws_dynamodb_table" "orders" {
  name     = "orders"
  hash_key = "id"
  deletion_protection_enabled = true
}"#,
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::DynamoDB::Table"],
            path: "DeletionProtectionEnabled",
            example: r#"Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
"#,
            fixed: r#"Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      DeletionProtectionEnabled: true
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Bool(true),
        absent: Some("one API call or `terraform destroy` deletes the table and its data (the default is `false`)"),
        insecure: "one API call or `terraform destroy` deletes the table and its data",
        fix_title: "Turn deletion protection on",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_unprotected_tables() {
        let tf = r#"variable "p" {}
resource "aws_dynamodb_table" "absent" {
  name = "a"
}
resource "aws_dynamodb_table" "off" {
  deletion_protection_enabled = false
}
resource "aws_dynamodb_table" "on" {
  deletion_protection_enabled = true
}
resource "aws_dynamodb_table" "unknown" {
  deletion_protection_enabled = var.p
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 6]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_protection() {
        let yaml = "Resources:\n  A:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      DeletionProtectionEnabled: false\n  B:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      DeletionProtectionEnabled: true\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
