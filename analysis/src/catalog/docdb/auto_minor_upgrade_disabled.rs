use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "docdb-auto-minor-upgrade-disabled",
    title: "DocumentDB instance does not let AWS apply minor engine upgrades",
    severity: Severity::Medium,
    row: Row::DatabasePatching,
    service: "DocumentDB",
    why: "Minor DocumentDB engine versions carry security fixes. With automatic minor upgrades off, the \
          instance keeps running a version with known vulnerabilities until someone upgrades it by hand.",
    aws_side: "AWS builds and rolls out DocumentDB engine patches and applies them in the maintenance window, but \
          only where the customer allows it. Allowing it, or patching by hand, is the customer's duty.",
    equivalents: Equivalents::NONE,
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_docdb_cluster_instance"],
            path: "auto_minor_version_upgrade",
            example: r#"resource "aws_docdb_cluster_instance" "db" {
  cluster_identifier = aws_docdb_cluster.docs.id
  instance_class             = "db.r6g.large"
  auto_minor_version_upgrade = false
}"#,
            fixed: r#"resource "aws_docdb_cluster_instance" "db" {
  cluster_identifier = aws_docdb_cluster.docs.id
  instance_class             = "db.r6g.large"
  auto_minor_version_upgrade = true
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::DocDB::DBInstance"],
            path: "AutoMinorVersionUpgrade",
            example: r#"Resources:
  Db:
    Type: AWS::DocDB::DBInstance
    Properties:
      DBClusterIdentifier: !Ref Docs
      DBInstanceClass: db.r6g.large
      AutoMinorVersionUpgrade: false
"#,
            fixed: r#"Resources:
  Db:
    Type: AWS::DocDB::DBInstance
    Properties:
      DBClusterIdentifier: !Ref Docs
      DBInstanceClass: db.r6g.large
      AutoMinorVersionUpgrade: true
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Bool(true),
        absent: None,
        insecure: "AWS will not apply minor engine patches",
        fix_title: "Allow automatic minor upgrades",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_blocked_minor_upgrades_only() {
        let tf = r#"variable "up" {}
resource "aws_docdb_cluster_instance" "off" {
  auto_minor_version_upgrade = false
}
resource "aws_docdb_cluster_instance" "default" {
  instance_class = "db.r6g.large"
}
resource "aws_docdb_cluster_instance" "on" {
  auto_minor_version_upgrade = true
}
resource "aws_docdb_cluster_instance" "unknown" {
  auto_minor_version_upgrade = var.up
}
"#;
        assert_eq!(lines(&RULE, tf), [3]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }

    #[test]
    fn cloudformation_blocked_minor_upgrades_only() {
        let yaml = "Resources:\n  Off:\n    Type: AWS::DocDB::DBInstance\n    Properties:\n      AutoMinorVersionUpgrade: false\n  Default:\n    Type: AWS::DocDB::DBInstance\n    Properties:\n      DBInstanceClass: db.r6g.large\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
