use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "neptune-auto-minor-upgrade-disabled",
    title: "Neptune instance does not let AWS apply minor engine upgrades",
    severity: Severity::Medium,
    row: Row::DatabasePatching,
    service: "Neptune",
    why: "Minor Neptune engine versions carry security fixes. With automatic minor upgrades off, the instance \
          keeps running a version with known vulnerabilities until someone upgrades it by hand.",
    aws_side: "AWS builds and rolls out Neptune engine patches and applies them in the maintenance window, but only \
          where the customer allows it. Allowing it, or patching by hand, is the customer's duty.",
    equivalents: Equivalents::NONE,
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_neptune_cluster_instance"],
            path: "auto_minor_version_upgrade",
            example: r#"resource "aws_neptune_cluster_instance" "db" {
  cluster_identifier = aws_neptune_cluster.graph.id
  instance_class             = "db.r6g.large"
  auto_minor_version_upgrade = false
}"#,
            fixed: r#"resource "aws_neptune_cluster_instance" "db" {
  cluster_identifier = aws_neptune_cluster.graph.id
  instance_class             = "db.r6g.large"
  auto_minor_version_upgrade = true
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::Neptune::DBInstance"],
            path: "AutoMinorVersionUpgrade",
            example: r#"Resources:
  Db:
    Type: AWS::Neptune::DBInstance
    Properties:
      DBClusterIdentifier: !Ref Graph
      DBInstanceClass: db.r6g.large
      AutoMinorVersionUpgrade: false
"#,
            fixed: r#"Resources:
  Db:
    Type: AWS::Neptune::DBInstance
    Properties:
      DBClusterIdentifier: !Ref Graph
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
resource "aws_neptune_cluster_instance" "off" {
  auto_minor_version_upgrade = false
}
resource "aws_neptune_cluster_instance" "default" {
  instance_class = "db.r6g.large"
}
resource "aws_neptune_cluster_instance" "on" {
  auto_minor_version_upgrade = true
}
resource "aws_neptune_cluster_instance" "unknown" {
  auto_minor_version_upgrade = var.up
}
"#;
        assert_eq!(lines(&RULE, tf), [3]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }

    #[test]
    fn cloudformation_blocked_minor_upgrades_only() {
        let yaml = "Resources:\n  Off:\n    Type: AWS::Neptune::DBInstance\n    Properties:\n      AutoMinorVersionUpgrade: false\n  Default:\n    Type: AWS::Neptune::DBInstance\n    Properties:\n      DBInstanceClass: db.r6g.large\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
