use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "qldb-deletion-protection-disabled",
    title: "QLDB ledger has deletion protection turned off",
    severity: Severity::Medium,
    row: Row::BusinessContinuity,
    service: "QLDB",
    why: "A ledger is an append-only system of record; deleting it destroys the journal that proves its history, \
          and without protection one API call or `terraform destroy` does.",
    aws_side: "AWS protects ledgers from deletion by default; turning the protection off is a customer choice.",
    equivalents: Equivalents { checkov: &["CKV_AWS_172"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_qldb_ledger"],
            path: "deletion_protection",
            example: r#"resource "aws_qldb_ledger" "records" {
  name                = "records"
  permissions_mode    = "STANDARD"
  deletion_protection = false
}"#,
            fixed: r#"resource "aws_qldb_ledger" "records" {
  name                = "records"
  permissions_mode    = "STANDARD"
  deletion_protection = true
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::QLDB::Ledger"],
            path: "DeletionProtection",
            example: r#"Resources:
  Records:
    Type: AWS::QLDB::Ledger
    Properties:
      PermissionsMode: STANDARD
      DeletionProtection: false
"#,
            fixed: r#"Resources:
  Records:
    Type: AWS::QLDB::Ledger
    Properties:
      PermissionsMode: STANDARD
      DeletionProtection: true
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Bool(true),
        absent: None,
        insecure: "one API call or `terraform destroy` deletes the ledger and its journal",
        fix_title: "Turn deletion protection back on",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_protection_turned_off() {
        let tf = r#"resource "aws_qldb_ledger" "off" {
  deletion_protection = false
}
resource "aws_qldb_ledger" "default" {
  permissions_mode = "STANDARD"
}
"#;
        assert_eq!(lines(&RULE, tf), [2]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }

    #[test]
    fn cloudformation_protection() {
        let yaml = "Resources:\n  A:\n    Type: AWS::QLDB::Ledger\n    Properties:\n      DeletionProtection: false\n  B:\n    Type: AWS::QLDB::Ledger\n    Properties:\n      PermissionsMode: STANDARD\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
