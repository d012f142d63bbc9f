use crate::cloudformation::check::CfnContext;
use crate::kit::resource_policy;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "backup-vault-policy-public",
    title: "Backup vault access policy allows any principal",
    severity: Severity::High,
    row: Row::AccessRestriction,
    service: "AWS Backup",
    why: "A vault policy open to every AWS account lets outsiders copy recovery points out of the vault or, with \
          delete actions, destroy them.",
    aws_side: "AWS evaluates the vault's access policy; writing it is the customer's duty.",
    equivalents: Equivalents::NONE,
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_backup_vault_policy` whose policy has an `Allow` statement for any principal (`*`, \
               `{\"AWS\": \"*\"}`), unless a condition pins the caller to known principals (fixed values of \
               `aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:SourceAccount`, an \
               `aws:SourceArn` naming its account, `aws:SourceVpce` and the like, under an operator that fails without \
               the key; not `aws:SourceIp`); in CloudFormation, `AWS::Backup::BackupVault` likewise in `AccessPolicy`. \
               `Deny` statements for everyone, the usual protection of a vault, are not flagged.",
        fix: "Name the accounts or roles that may use the vault, or add a condition on `aws:PrincipalOrgID` or \
              `aws:PrincipalAccount`.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_backup_vault_policy"],
            check,
            example: r#"resource "aws_backup_vault_policy" "main" {
  backup_vault_name = aws_backup_vault.main.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "backup:CopyIntoBackupVault"
      Resource  = "*"
    }]
  })
}"#,
            fixed_example: r#"resource "aws_backup_vault_policy" "main" {
  backup_vault_name = aws_backup_vault.main.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "backup:CopyIntoBackupVault"
      Resource  = "*"
      Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-a1b2c3d4e5" } }
    }]
  })
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
      AccessPolicy:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: '*'
            Action: backup:CopyIntoBackupVault
            Resource: '*'
"#,
            fixed_example: r#"Resources:
  Vault:
    Type: AWS::Backup::BackupVault
    Properties:
      BackupVaultName: main
      AccessPolicy:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              AWS: arn:aws:iam::111122223333:root
            Action: backup:CopyIntoBackupVault
            Resource: '*'
"#,
        }),
    },
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_backup_vault_policy").collect::<Vec<_>>() {
        resource_policy::check_policy_attr(ctx, res, "policy", "vault");
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::Backup::BackupVault").collect::<Vec<_>>() {
        resource_policy::check_cfn_policy_prop(ctx, res, "AccessPolicy", "vault");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_public_vault_policies_but_not_deny_all() {
        let tf = r#"resource "aws_backup_vault_policy" "public" {
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "backup:*"
      Resource  = "*"
    }]
  })
}
resource "aws_backup_vault_policy" "protect" {
  policy = jsonencode({
    Statement = [{
      Effect    = "Deny"
      Principal = "*"
      Action    = ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"]
      Resource  = "*"
    }]
  })
}
"#;
        assert_eq!(lines(&RULE, tf), [2]);
    }

    #[test]
    fn cloudformation_access_policies() {
        let yaml = "Resources:\n  A:\n    Type: AWS::Backup::BackupVault\n    Properties:\n      AccessPolicy: '{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"backup:*\", \"Resource\": \"*\"}]}'\n  B:\n    Type: AWS::Backup::BackupVault\n    Properties:\n      BackupVaultName: b\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
    }

    #[test]
    fn only_conditions_that_pin_the_caller_keep_it_private() {
        crate::kit::testing::check_caller_conditions(
            &RULE,
            "backup:CopyIntoBackupVault",
            |statements: &str| {
                format!(
                    r#"resource "aws_backup_vault_policy" "p" {{
  backup_vault_name = "v"
  policy = <<EOF
{{"Statement": {statements}}}
EOF
}}
"#
                )
            },
            Some(&|statements: &str| {
                format!(
                    r#"Resources:
  P:
    Type: AWS::Backup::BackupVault
    Properties:
      AccessPolicy:
        Statement: {statements}
"#
                )
            }),
        );
    }
}
