use crate::cloudformation::check::CfnContext;
use crate::kit::setting::{check_bool, BoolCheck};
use crate::kit::setting::{check_cfn_bool, CfnBoolCheck};
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "efs-unencrypted",
    title: "EFS file system is not encrypted at rest",
    severity: Severity::High,
    row: Row::ManagedServiceConfig,
    service: "EFS",
    why: "An unencrypted file system stores every file, and its backups, in clear on AWS's disks. Encryption \
          at rest cannot be turned on later: the data must be copied to a new file system.",
    aws_side: "AWS runs the storage and encrypts it with KMS when asked at creation. Asking is the customer's \
               duty: the Terraform resource creates unencrypted file systems unless `encrypted = true`.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_42"],
        kics: &["48207659-729f-4b5c-9402-f884257d794f"],
        trivy: &["AVD-AWS-0037", "aws-efs-enable-at-rest-encryption"],
    },
    related: Related {
        checkov: &[],
        kics: &["2ff8e83c-90e1-4d68-a300-6d652112e622"],
        trivy: &[],
        how: "KICS's CloudFormation EFS Not Encrypted (2ff8e83c) fails only `Encrypted: false`; this rule also flags \
              a file system that leaves it out, unencrypted by default.",
    },
    matcher: &Custom {
        what: "Flags `aws_efs_file_system` resources whose `encrypted` is `false` or not set (the provider's default \
               is unencrypted).",
        fix: "Set `encrypted = true`, ideally with a customer-managed `kms_key_id`. An existing file system must be \
              replaced (the setting forces a new one) and its data copied, for example with AWS DataSync.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_efs_file_system"],
            check,
            example: r#"resource "aws_efs_file_system" "shared" {
  creation_token = "shared"
}"#,
            fixed_example: r#"resource "aws_efs_file_system" "shared" {
  creation_token = "shared"
  encrypted      = true
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EFS::FileSystem"],
            check: check_cfn,
            example: r#"Resources:
  Main:
    Type: AWS::EFS::FileSystem
    Properties:
      PerformanceMode: generalPurpose
"#,
            fixed_example: r#"Resources:
  Main:
    Type: AWS::EFS::FileSystem
    Properties:
      PerformanceMode: generalPurpose
      Encrypted: true
"#,
        }),
    },
};

static CHECK: BoolCheck = BoolCheck {
    attr: "encrypted",
    secure: true,
    absent_insecure: true,
    absent: "does not set `encrypted`, so its files are stored unencrypted",
    insecure: "sets `encrypted = false`, so its files are stored unencrypted",
    fix: "Encrypt the file system",
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_efs_file_system").collect::<Vec<_>>() {
        check_bool(ctx, res, &CHECK);
    }
}

static CFN_CHECK: CfnBoolCheck = CfnBoolCheck {
    prop: "Encrypted",
    secure: true,
    absent_insecure: true,
    absent: "does not set `Encrypted`, so its files are stored unencrypted",
    insecure: "sets `Encrypted: false`, so its files are stored unencrypted",
    fix: "Encrypt the file system",
};

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::EFS::FileSystem").collect::<Vec<_>>() {
        check_cfn_bool(ctx, res, &CFN_CHECK);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_unencrypted_file_systems() {
        let tf = r#"resource "aws_efs_file_system" "a" {
  creation_token = "a"
}
resource "aws_efs_file_system" "b" {
  encrypted = false
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 5]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn encrypted_and_unknown_are_not_flagged() {
        let tf = r#"variable "enc" {}
resource "aws_efs_file_system" "a" {
  encrypted = true
}
resource "aws_efs_file_system" "b" {
  encrypted = var.enc
}
"#;
        assert!(lines(&RULE, tf).is_empty());
    }

    #[test]
    fn cloudformation_unencrypted_file_systems() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::EFS::FileSystem\n    Properties:\n      PerformanceMode: generalPurpose\n  B:\n    Type: AWS::EFS::FileSystem\n    Properties:\n      Encrypted: false\n  C:\n    Type: AWS::EFS::FileSystem\n  D:\n    Type: AWS::EFS::FileSystem\n    Properties:\n      Encrypted: true\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 9, 10]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 3);
    }
}
