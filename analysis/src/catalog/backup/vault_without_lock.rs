use crate::cloudformation::check::CfnContext;
use crate::fix::Fix;
use crate::kit::setting::set_cfn_path;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "backup-vault-without-lock",
    title: "Backup vault has no vault lock, so recovery points can be deleted early",
    severity: Severity::Medium,
    row: Row::BusinessContinuity,
    service: "AWS Backup",
    why: "Ransomware operators and malicious insiders delete backups before encrypting production. Without a vault \
          lock, any principal allowed `backup:DeleteRecoveryPoint` (or able to change the vault policy) can erase \
          every recovery point; with a lock, recovery points cannot be deleted before their minimum retention.",
    aws_side: "AWS enforces the lock once configured (in compliance mode not even the root user can remove it); \
               configuring it is the customer's duty.",
    equivalents: Equivalents::NONE,
    related: Related::NONE,
    matcher: &Custom {
        what:
            "Flags `aws_backup_vault` without an `aws_backup_vault_lock_configuration` naming it; in CloudFormation, \
               `AWS::Backup::BackupVault` without `LockConfiguration`.",
        fix: "Add a vault lock with a minimum retention (governance mode, without `changeable_for_days`, can be \
              removed by privileged users; compliance mode cannot, once its grace period ends: choose knowingly).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_backup_vault"],
            check,
            example: r#"resource "aws_backup_vault" "main" {
  name = "main"
}"#,
            fixed_example: r#"resource "aws_backup_vault" "main" {
  name = "main"
}

resource "aws_backup_vault_lock_configuration" "main" {
  backup_vault_name  = aws_backup_vault.main.name
  min_retention_days = 7
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Backup::BackupVault"],
            check: check_cfn,
            example: r#"Resources:
  Vault:
    Type: AWS::Backup::BackupVault
    Properties:
      BackupVaultName: main
"#,
            fixed_example: r#"Resources:
  Vault:
    Type: AWS::Backup::BackupVault
    Properties:
      BackupVaultName: main
      LockConfiguration:
        MinRetentionDays: 7
"#,
        }),
    },
};

const WHY: &str = "anyone allowed to delete recovery points can erase every backup before its time";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_backup_vault").collect::<Vec<_>>() {
        if !ctx.companions(res, "aws_backup_vault_lock_configuration", "backup_vault_name", &["name"]).is_empty() {
            continue;
        }
        let address = res.address();
        let lock = format!(
            "resource \"aws_backup_vault_lock_configuration\" \"{}\" {{\n  backup_vault_name  = {address}.name\n  min_retention_days = 7\n}}",
            res.name()
        );
        let fix = Fix::unsafe_(
            "Lock the vault in governance mode, 7 days minimum (review the mode and retention)",
            vec![edit::insert_after(ctx.file(res), res.block, &lock)],
        );
        let message = format!("`{address}` has no `aws_backup_vault_lock_configuration`: {WHY}");
        ctx.report_with_fix(res, res.block.header, message, fix);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::Backup::BackupVault").collect::<Vec<_>>() {
        if !matches!(ctx.prop(res, "LockConfiguration"), None | Some((_, Value::Null))) {
            continue;
        }
        let edit = set_cfn_path(ctx.template, res, "LockConfiguration", &json!({ "MinRetentionDays": 7 }));
        let range = ctx.header(res);
        let message = format!("`{}` does not set `LockConfiguration`: {WHY}", res.logical_id);
        let fix = Fix::unsafe_(
            "Lock the vault in governance mode, 7 days minimum (review the mode and retention)",
            vec![edit],
        );
        ctx.report(res, range, message).fixes.push(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_vaults_without_a_lock() {
        let tf = r#"resource "aws_backup_vault" "unlocked" {
  name = "unlocked"
}
resource "aws_backup_vault" "locked" {
  name = "locked"
}
resource "aws_backup_vault_lock_configuration" "locked" {
  backup_vault_name   = aws_backup_vault.locked.name
  min_retention_days  = 7
  changeable_for_days = 3
}
resource "aws_backup_vault" "by_name" {
  name = "by-name"
}
resource "aws_backup_vault_lock_configuration" "by_name" {
  backup_vault_name = "by-name"
}
"#;
        assert_eq!(lines(&RULE, tf), [1]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }

    #[test]
    fn cloudformation_vault_locks() {
        let yaml = "Resources:\n  A:\n    Type: AWS::Backup::BackupVault\n    Properties:\n      BackupVaultName: a\n  B:\n    Type: AWS::Backup::BackupVault\n    Properties:\n      LockConfiguration:\n        MinRetentionDays: 30\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
