use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "kms-key-disabled",
    title: "KMS key is disabled",
    severity: Severity::Medium,
    row: Row::BusinessContinuity,
    service: "KMS",
    why: "Data encrypted under a disabled key cannot be decrypted: the services using it (EBS, RDS, S3, Secrets \
          Manager) fail until it is enabled again. A disabled key in code is dead weight or an outage waiting to \
          be applied.",
    aws_side: "KMS stops every cryptographic use of a disabled key at once; keeping the keys your data depends on \
               usable is the customer's.",
    equivalents: Equivalents { checkov: &["CKV_AWS_227"], kics: &["7350fa23-dcf7-4938-916d-6a60b0c73b50"], trivy: &[] },
    related: Related {
        checkov: &[],
        kics: &["2844c749-bd78-4cd1-90e8-b179df827602"],
        trivy: &[],
        how: "KICS's CloudFormation query also flags enabled keys that set `PendingWindowInDays`, which is only the \
              waiting period applied if the key is ever scheduled for deletion.",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_kms_key"],
            path: "is_enabled",
            example: r#"resource "aws_kms_key" "data" {
  description = "data"
  is_enabled  = false
}"#,
            fixed: r#"resource "aws_kms_key" "data" {
  description = "data"
  is_enabled  = true
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::KMS::Key", "AWS::KMS::ReplicaKey"],
            path: "Enabled",
            example: r#"Resources:
  DataKey:
    Type: AWS::KMS::Key
    Properties:
      Enabled: false
"#,
            fixed: r#"Resources:
  DataKey:
    Type: AWS::KMS::Key
    Properties:
      Enabled: true
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Bool(true),
        absent: None,
        insecure: "nothing encrypted under the key can be decrypted while it is disabled",
        fix_title: "Enable the key",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_disabled_keys_only() {
        let tf = r#"resource "aws_kms_key" "off" {
  is_enabled = false
}
resource "aws_kms_key" "default" {
  description = "on"
}
resource "aws_kms_key" "text" {
  is_enabled = "false"
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 8]);
        assert_eq!(check_fixes(&RULE, tf), 2);
        let yaml = "Resources:\n  A:\n    Type: AWS::KMS::ReplicaKey\n    Properties:\n      Enabled: false\n  B:\n    Type: AWS::KMS::Key\n    Properties:\n      Enabled: true\n      PendingWindowInDays: 7\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
