use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "memorydb-auto-minor-upgrade-disabled",
    title: "MemoryDB cluster does not let AWS apply minor engine upgrades",
    severity: Severity::Medium,
    row: Row::DatabasePatching,
    service: "MemoryDB",
    why: "Minor engine versions of MemoryDB (Valkey, Redis OSS) carry security fixes. With automatic minor \
          upgrades off, the cluster, a durable primary database, keeps a version with known vulnerabilities \
          until someone upgrades it by hand.",
    aws_side: "AWS builds the engine's patch versions and applies them in the maintenance window where the customer \
          allows it. Allowing it, or upgrading by hand, is the customer's duty.",
    equivalents: Equivalents::NONE,
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_memorydb_cluster"],
            path: "auto_minor_version_upgrade",
            example: r#"resource "aws_memorydb_cluster" "store" {
  name                       = "store"
  acl_name                   = aws_memorydb_acl.store.name
  auto_minor_version_upgrade = false
}"#,
            fixed: r#"resource "aws_memorydb_cluster" "store" {
  name                       = "store"
  acl_name                   = aws_memorydb_acl.store.name
  auto_minor_version_upgrade = true
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::MemoryDB::Cluster"],
            path: "AutoMinorVersionUpgrade",
            example: r#"Resources:
  Store:
    Type: AWS::MemoryDB::Cluster
    Properties:
      ACLName: store
      AutoMinorVersionUpgrade: false
"#,
            fixed: r#"Resources:
  Store:
    Type: AWS::MemoryDB::Cluster
    Properties:
      ACLName: store
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
        let tf = r#"resource "aws_memorydb_cluster" "off" {
  auto_minor_version_upgrade = "false"
}
resource "aws_memorydb_cluster" "default" {
  name = "d"
}
"#;
        assert_eq!(lines(&RULE, tf), [2]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }

    #[test]
    fn cloudformation_blocked_minor_upgrades_only() {
        let yaml = "Resources:\n  A:\n    Type: AWS::MemoryDB::Cluster\n    Properties:\n      AutoMinorVersionUpgrade: false\n  B:\n    Type: AWS::MemoryDB::Cluster\n    Properties:\n      ACLName: a\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
