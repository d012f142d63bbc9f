use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "codebuild-s3-logs-encryption-disabled",
    title: "CodeBuild project writes build logs to S3 unencrypted",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "CodeBuild",
    why: "Build logs echo environment values, URLs with tokens and stack traces; unencrypted logs in S3 widen who can read them.",
    aws_side: "CodeBuild encrypts S3 logs unless told not to. The opt-out is the customer's.",
    equivalents: Equivalents { checkov: &["CKV_AWS_311"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf { types: &["aws_codebuild_project"], path: "logs_config.s3_logs.encryption_disabled", example: r#"resource "aws_codebuild_project" "build" {
  name = "build"
  logs_config {
    s3_logs {
      status              = "ENABLED"
      location            = "build-logs/build"
      encryption_disabled = true
    }
  }
}"#, fixed: r#"resource "aws_codebuild_project" "build" {
  name = "build"
  logs_config {
    s3_logs {
      status              = "ENABLED"
      location            = "build-logs/build"
      encryption_disabled = false
    }
  }
}"#, ..Tf::DEFAULT }),
        cloudformation: Some(Cfn { types: &["AWS::CodeBuild::Project"], path: "LogsConfig.S3Logs.EncryptionDisabled", example: r#"Resources:
  Build:
    Type: AWS::CodeBuild::Project
    Properties:
      LogsConfig:
        S3Logs:
          Status: ENABLED
          Location: build-logs/build
          EncryptionDisabled: true
"#, fixed: r#"Resources:
  Build:
    Type: AWS::CodeBuild::Project
    Properties:
      LogsConfig:
        S3Logs:
          Status: ENABLED
          Location: build-logs/build
          EncryptionDisabled: false
"#, ..Cfn::DEFAULT }),
        want: Want::Bool(false),
        absent: None,
        insecure: "its build logs are written to S3 unencrypted",
        fix_title: "Encrypt the build logs",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_example, cfn_lines, check_cfn_fixes, check_fixes, lines, tf_example};

    #[test]
    fn flags_the_setting_in_both_formats() {
        let (tf, cfn) = (tf_example(&RULE), cfn_example(&RULE));
        assert_eq!(check_fixes(&RULE, &tf.0), 1);
        assert!(lines(&RULE, &tf.1).is_empty());
        assert!(lines(&RULE, "resource \"aws_codebuild_project\" \"b\" {\n  name = \"b\"\n}\n").is_empty());
        assert_eq!(check_cfn_fixes(&RULE, &cfn.0), 1);
        assert!(cfn_lines(&RULE, &cfn.1).is_empty());
        assert_eq!(cfn_lines(&RULE, &cfn.0.replace(": true", ": 'true'")).len(), 1);
    }
}
