use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::NodeKind;
use crate::fix::Fix;
use crate::kit::s3::insert_in_object;
use crate::kit::ssm;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::model::ExprKind;
use crate::terraform::view::key_name;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "ssm-session-manager-not-encrypted-kms",
    title: "Session Manager preferences do not encrypt session data with a KMS key",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "SSM",
    why: "Session Manager sessions carry shell input and output, often secrets. A KMS key encrypts the session \
          stream end to end between the client and the instance, on top of TLS, and `kms:Decrypt` on it decides \
          who may open sessions.",
    aws_side: "AWS encrypts the channel with TLS; KMS session encryption is the customer's preference setting.",
    equivalents: Equivalents { checkov: &[], kics: &["ce60cc6b-6831-4bd7-84a2-cc7f8ee71433"], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_112"],
        kics: &[],
        trivy: &[],
        how: "CKV_AWS_112 passes Session documents that have no `inputs` at all.",
    },
    matcher: &Custom {
        what: "Flags Session Manager preference documents (`aws_ssm_document` and `AWS::SSM::Document` with \
               `document_type = \"Session\"`, JSON content) without `inputs`, or whose `inputs.kmsKeyId` is absent \
               or empty.",
        fix: "Set `inputs.kmsKeyId` to a customer-managed KMS key that the users who open sessions and the \
              instances' role may use.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ssm_document"],
            check,
            example: r#"resource "aws_ssm_document" "session_preferences" {
  name          = "SSM-SessionManagerRunShell"
  document_type = "Session"
  content = jsonencode({
    schemaVersion = "1.0"
    sessionType   = "Standard_Stream"
    inputs        = { s3BucketName = "session-logs", s3EncryptionEnabled = true }
  })
}"#,
            fixed_example: r#"resource "aws_ssm_document" "session_preferences" {
  name          = "SSM-SessionManagerRunShell"
  document_type = "Session"
  content = jsonencode({
    schemaVersion = "1.0"
    sessionType   = "Standard_Stream"
    inputs        = { s3BucketName = "session-logs", s3EncryptionEnabled = true, kmsKeyId = aws_kms_key.sessions.id }
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
        sessionType: Standard_Stream
        inputs:
          s3BucketName: session-logs
"#,
            fixed_example: r#"Resources:
  SessionPreferences:
    Type: AWS::SSM::Document
    Properties:
      DocumentType: Session
      Content:
        schemaVersion: '1.0'
        sessionType: Standard_Stream
        inputs:
          s3BucketName: session-logs
          kmsKeyId: !Ref SessionKey
"#,
        }),
    },
};

fn lack(session: &ssm::Session) -> Option<&'static str> {
    match &session.inputs {
        None => Some("has no `inputs`, so sessions are not encrypted with a KMS key"),
        Some(inputs) if !ssm::set(inputs, "kmsKeyId") => {
            Some("sets no `kmsKeyId`, so sessions are not encrypted with a KMS key")
        }
        Some(_) => None,
    }
}

const FIX: &str = "Encrypt sessions with a KMS key (key to replace)";
const KEY: &str = "<kms-key-id>";

fn check(ctx: &mut TfContext) {
    for (res, session) in ssm::sessions(ctx) {
        let Some(what) = lack(&session) else { continue };
        // `content = jsonencode({ ..., inputs = { ... } })`: the key goes in `inputs`.
        let fix = session.attr.and_then(|attr| {
            let ExprKind::Call(name, args) = &attr.expr.kind else { return None };
            let top = args.first().filter(|_| name == "jsonencode")?;
            let ExprKind::Object(elems) = &top.kind else { return None };
            let file = ctx.file(res);
            let edit = match elems.iter().find(|(k, _)| key_name(k) == Some("inputs")) {
                Some((_, inputs)) => insert_in_object(file, inputs, &format!("kmsKeyId = \"{KEY}\"")),
                None => insert_in_object(file, top, &format!("inputs = {{ kmsKeyId = \"{KEY}\" }}")),
            }?;
            Some(Fix::unsafe_(FIX, vec![edit]))
        });
        ctx.report(res, session.range, format!("`{}` {what}", res.address())).fixes.extend(fix);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for (res, session) in ssm::cfn_sessions(ctx) {
        let Some(what) = lack(&session) else { continue };
        let fix = ctx.prop(res, "Content").and_then(|(content, _)| {
            if !matches!(content.kind, NodeKind::Map(_)) || content.intrinsic().is_some() {
                return None;
            }
            let edit = match content.get("inputs") {
                Some(inputs) if matches!(inputs.kind, NodeKind::Map(_)) => {
                    cfn_edit::set_key(ctx.template, inputs, "kmsKeyId", &json!(KEY))
                }
                Some(_) => return None,
                None => cfn_edit::set_key(ctx.template, content, "inputs", &json!({"kmsKeyId": KEY})),
            };
            Some(Fix::unsafe_(FIX, vec![edit]))
        });
        ctx.report(res, session.range, format!("`{}` {what}", res.logical_id)).fixes.extend(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_session_documents_without_a_key() {
        let tf = r#"resource "aws_ssm_document" "no_inputs" {
  document_type = "Session"
  content = <<DOC
  {"schemaVersion": "1.2", "description": "Check ip configuration of a Linux instance."}
DOC
}
resource "aws_ssm_document" "no_key" {
  document_type = "Session"
  content = <<DOC
  {"schemaVersion": "1.2", "inputs": {"s3EncryptionEnabled": true, "runAsEnabled": false}}
DOC
}
resource "aws_ssm_document" "key" {
  document_type = "Session"
  content = <<DOC
  {"schemaVersion": "1.2", "inputs": {"kmsKeyId": "${var.kms_key_id}"}}
DOC
}
resource "aws_ssm_document" "command" {
  document_type = "Command"
  content       = "{}"
}
resource "aws_ssm_document" "yaml" {
  document_type   = "Session"
  document_format = "YAML"
  content         = "inputs: {}"
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 9]);
        let (example, fixed) = crate::kit::testing::cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &example), [6]);
        assert_eq!(check_cfn_fixes(&RULE, &example), 1);
        let (example, _) = crate::kit::testing::tf_example(&RULE);
        assert_eq!(check_fixes(&RULE, &example), 1);
        let no_inputs = "resource \"aws_ssm_document\" \"s\" {\n  document_type = \"Session\"\n  content       = jsonencode({ schemaVersion = \"1.0\" })\n}\n";
        assert_eq!(check_fixes(&RULE, no_inputs), 1);
        assert!(cfn_lines(&RULE, &fixed).is_empty());
    }
}
