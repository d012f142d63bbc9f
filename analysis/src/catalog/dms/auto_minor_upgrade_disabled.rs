use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "dms-replication-instance-auto-minor-upgrade-disabled",
    title: "DMS replication instance does not receive automatic minor engine upgrades",
    severity: Severity::Medium,
    row: Row::DatabasePatching,
    service: "DMS",
    why: "DMS engine minor versions fix security and data-integrity bugs in the software that holds both databases' \
          credentials; with upgrades off the instance keeps running known-vulnerable versions.",
    aws_side: "AWS publishes minor versions and applies them in the maintenance window when allowed (Security Hub \
               DMS.6); allowing it is the customer's duty.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_222"],
        kics: &[],
        trivy: &[],
        how: "Checkov also flags the attribute left out, whose API default is `true`; this rule flags `false` only.",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_dms_replication_instance"],
            path: "auto_minor_version_upgrade",
            example: r#"resource "aws_dms_replication_instance" "migration" {
  replication_instance_id    = "migration"
  auto_minor_version_upgrade = false
}"#,
            fixed: r#"resource "aws_dms_replication_instance" "migration" {
  replication_instance_id    = "migration"
  auto_minor_version_upgrade = true
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::DMS::ReplicationInstance"],
            path: "AutoMinorVersionUpgrade",
            example: r#"Resources:
  Migration:
    Type: AWS::DMS::ReplicationInstance
    Properties:
      AutoMinorVersionUpgrade: false
"#,
            fixed: r#"Resources:
  Migration:
    Type: AWS::DMS::ReplicationInstance
    Properties:
      AutoMinorVersionUpgrade: true
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Bool(true),
        absent: None,
        insecure: "the replication engine keeps its known bugs and vulnerabilities until someone upgrades it by hand",
        fix_title: "Apply minor engine upgrades automatically",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_upgrades_turned_off() {
        let tf = r#"variable "u" {}
resource "aws_dms_replication_instance" "off" {
  auto_minor_version_upgrade = false
}
resource "aws_dms_replication_instance" "default" {
  replication_instance_id = "d"
}
resource "aws_dms_replication_instance" "unknown" {
  auto_minor_version_upgrade = var.u
}
"#;
        assert_eq!(lines(&RULE, tf), [3]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }

    #[test]
    fn cloudformation_upgrades() {
        let yaml = "Resources:\n  A:\n    Type: AWS::DMS::ReplicationInstance\n    Properties:\n      AutoMinorVersionUpgrade: 'false'\n  B:\n    Type: AWS::DMS::ReplicationInstance\n    Properties:\n      ReplicationInstanceClass: dms.t3.medium\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
