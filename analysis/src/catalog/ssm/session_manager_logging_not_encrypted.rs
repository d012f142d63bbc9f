use crate::cloudformation::check::CfnContext;
use crate::kit::ssm;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "ssm-session-manager-logging-not-encrypted",
    title: "Session Manager preferences do not send session logs to an encrypted S3 bucket or log group",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "SSM",
    why: "Without session logs there is no record of what an operator, or an attacker allowed `ssm:StartSession`, \
          typed on an instance; logs sent unencrypted expose the secrets typed in sessions.",
    aws_side: "Session Manager streams logs only where the preferences point; configuring and protecting that \
               destination is the customer's.",
    equivalents: Equivalents { checkov: &["CKV_AWS_113"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags Session Manager preference documents whose `inputs` name neither an S3 bucket with \
               `s3EncryptionEnabled = true` nor a log group with `cloudWatchEncryptionEnabled = true`. Documents \
               without `inputs` are not judged.",
        fix: "Set `s3BucketName` with `s3EncryptionEnabled = true`, or `cloudWatchLogGroupName` with \
              `cloudWatchEncryptionEnabled = true`.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ssm_document"],
            check,
            example: r#"resource "aws_ssm_document" "session_preferences" {
  name          = "SSM-SessionManagerRunShell"
  document_type = "Session"
  content = jsonencode({
    schemaVersion = "1.0"
    inputs        = { s3BucketName = "session-logs", s3EncryptionEnabled = false, kmsKeyId = "alias/sessions" }
  })
}"#,
            fixed_example: r#"resource "aws_ssm_document" "session_preferences" {
  name          = "SSM-SessionManagerRunShell"
  document_type = "Session"
  content = jsonencode({
    schemaVersion = "1.0"
    inputs        = { s3BucketName = "session-logs", s3EncryptionEnabled = true, kmsKeyId = "alias/sessions" }
  })
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::SSM::Document"],
            check: check_cfn,
            example: r#"Resources:
  SessionPreferences:
    Type: AWS::SSM::Document
    Properties:
      DocumentType: Session
      Content:
        schemaVersion: '1.0'
        inputs:
          cloudWatchLogGroupName: sessions
"#,
            fixed_example: r#"Resources:
  SessionPreferences:
    Type: AWS::SSM::Document
    Properties:
      DocumentType: Session
      Content:
        schemaVersion: '1.0'
        inputs:
          cloudWatchLogGroupName: sessions
          cloudWatchEncryptionEnabled: true
"#,
        }),
    },
};

/// Whether the inputs log to an encrypted destination (`None`: cannot be told).
fn encrypted_logs(inputs: &Value) -> Option<bool> {
    let on = |key: &str| match inputs.get(key) {
        Value::Unknown => None,
        Value::String(s) if s.contains(crate::terraform::eval::UNKNOWN_PART) => None,
        v => Some(v.as_bool() == Some(true)),
    };
    let s3 = ssm::set(inputs, "s3BucketName").then(|| on("s3EncryptionEnabled")).flatten();
    let logs = ssm::set(inputs, "cloudWatchLogGroupName").then(|| on("cloudWatchEncryptionEnabled")).flatten();
    if s3 == Some(true) || logs == Some(true) {
        return Some(true);
    }
    let unknown = (ssm::set(inputs, "s3BucketName") && s3.is_none())
        || (ssm::set(inputs, "cloudWatchLogGroupName") && logs.is_none());
    (!unknown).then_some(false)
}

const WHAT: &str = "does not send session logs to an encrypted S3 bucket or log group";

fn check(ctx: &mut TfContext) {
    for (res, session) in ssm::sessions(ctx) {
        if session.inputs.as_ref().and_then(encrypted_logs) == Some(false) {
            ctx.report(res, session.range, format!("`{}` {WHAT}", res.address()));
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for (res, session) in ssm::cfn_sessions(ctx) {
        if session.inputs.as_ref().and_then(encrypted_logs) == Some(false) {
            ctx.report(res, session.range, format!("`{}` {WHAT}", res.logical_id));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_unencrypted_or_missing_session_logs() {
        let tf = r#"resource "aws_ssm_document" "no_destination" {
  document_type = "Session"
  content       = jsonencode({ inputs = { runAsEnabled = false } })
}
resource "aws_ssm_document" "plain_s3" {
  document_type = "Session"
  content       = jsonencode({ inputs = { s3BucketName = "logs", s3EncryptionEnabled = false } })
}
resource "aws_ssm_document" "encrypted_logs" {
  document_type = "Session"
  content       = jsonencode({ inputs = { cloudWatchLogGroupName = "s", cloudWatchEncryptionEnabled = true } })
}
resource "aws_ssm_document" "no_inputs" {
  document_type = "Session"
  content       = jsonencode({ schemaVersion = "1.0" })
}
resource "aws_ssm_document" "unknown" {
  document_type = "Session"
  content       = jsonencode({ inputs = { s3BucketName = "logs", s3EncryptionEnabled = var.encrypt } })
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 7]);
        let (example, fixed) = crate::kit::testing::cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &example), [6]);
        assert!(cfn_lines(&RULE, &fixed).is_empty());
    }
}
