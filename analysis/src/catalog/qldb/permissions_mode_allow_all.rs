use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "qldb-permissions-mode-allow-all",
    title: "QLDB ledger uses the legacy ALLOW_ALL permissions mode",
    severity: Severity::Medium,
    row: Row::AccessRestriction,
    service: "QLDB",
    why: "In `ALLOW_ALL` mode, anyone allowed `qldb:SendCommand` on the ledger can read and write every table; \
          `STANDARD` mode requires table-level IAM permissions for each PartiQL command. (QLDB reached its end of \
          support in July 2025: plan the migration too.)",
    aws_side: "AWS evaluates table-level permissions only in `STANDARD` mode; choosing it is the customer's duty.",
    equivalents: Equivalents { checkov: &["CKV_AWS_170"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_qldb_ledger"],
            path: "permissions_mode",
            example: r#"resource "aws_qldb_ledger" "records" {
  name             = "records"
  permissions_mode = "ALLOW_ALL"
}"#,
            fixed: r#"resource "aws_qldb_ledger" "records" {
  name             = "records"
  permissions_mode = "STANDARD"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::QLDB::Ledger"],
            path: "PermissionsMode",
            example: r#"Resources:
  Records:
    Type: AWS::QLDB::Ledger
    Properties:
      PermissionsMode: ALLOW_ALL
"#,
            fixed: r#"Resources:
  Records:
    Type: AWS::QLDB::Ledger
    Properties:
      PermissionsMode: STANDARD
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::OneOf(&["STANDARD"]),
        absent: None,
        insecure: "anyone allowed to send commands to the ledger can read and write every table",
        fix_title: "Require table-level permissions",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_allow_all_ledgers() {
        let tf = r#"resource "aws_qldb_ledger" "legacy" {
  permissions_mode = "ALLOW_ALL"
}
resource "aws_qldb_ledger" "standard" {
  permissions_mode = "STANDARD"
}
"#;
        assert_eq!(lines(&RULE, tf), [2]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }

    #[test]
    fn cloudformation_permissions_mode() {
        let yaml = "Resources:\n  A:\n    Type: AWS::QLDB::Ledger\n    Properties:\n      PermissionsMode: ALLOW_ALL\n  B:\n    Type: AWS::QLDB::Ledger\n    Properties:\n      PermissionsMode: STANDARD\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
