use crate::cloudformation::check::CfnContext;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::eval::UNKNOWN_PART;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "emr-security-configuration-encryption-disabled",
    title: "EMR security configuration turns encryption at rest or in transit off",
    severity: Severity::High,
    row: Row::ManagedServiceConfig,
    service: "EMR",
    why: "EMR clusters move large data sets between S3, node disks and other nodes; with encryption off, data \
          spilled to local and EBS disks survives in clear on volumes and snapshots, and shuffle traffic between \
          nodes can be read on the network.",
    aws_side: "EMR implements the encryption. Turning it on in the security configuration is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["5b033ec8-f079-4323-b5c8-99d4620433a9"], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_351", "CKV_AWS_349", "CKV_AWS_350"],
        kics: &[],
        trivy: &[
            "AVD-AWS-0137",
            "aws-emr-enable-at-rest-encryption",
            "AVD-AWS-0138",
            "aws-emr-enable-in-transit-encryption",
            "AVD-AWS-0139",
            "aws-emr-enable-local-disk-encryption",
        ],
        how: "Each of them checks one switch and also fails when it is left out; onus flags a security \
              configuration without encryption settings, or one that turns a switch off.",
    },
    matcher: &Custom {
        what: "Flags EMR security configurations (`aws_emr_security_configuration`, \
               `AWS::EMR::SecurityConfiguration`) with no `EncryptionConfiguration`, or whose \
               `EnableInTransitEncryption`, `EnableAtRestEncryption` or local disks' `EnableEbsEncryption` is \
               `false`. Configurations read from files are not judged.",
        fix: "Set `EnableAtRestEncryption` and `EnableInTransitEncryption` to `true`, with a local disk (and EBS) \
              encryption configuration and a TLS certificate provider.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_emr_security_configuration"],
            check,
            example: r#"resource "aws_emr_security_configuration" "sec" {
  name = "sec"
  configuration = jsonencode({
    EncryptionConfiguration = {
      EnableInTransitEncryption = false
      EnableAtRestEncryption    = false
    }
  })
}"#,
            fixed_example: r#"resource "aws_emr_security_configuration" "sec" {
  name = "sec"
  configuration = jsonencode({
    EncryptionConfiguration = {
      EnableInTransitEncryption = true
      EnableAtRestEncryption    = true
      AtRestEncryptionConfiguration = {
        LocalDiskEncryptionConfiguration = {
          EncryptionKeyProviderType = "AwsKms"
          AwsKmsKey                 = aws_kms_key.emr.arn
          EnableEbsEncryption       = true
        }
      }
      InTransitEncryptionConfiguration = {
        TLSCertificateConfiguration = {
          CertificateProviderType = "PEM"
          S3Object                = "s3://certs/emr.zip"
        }
      }
    }
  })
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EMR::SecurityConfiguration"],
            check: check_cfn,
            example: r#"Resources:
  Sec:
    Type: AWS::EMR::SecurityConfiguration
    Properties:
      SecurityConfiguration:
        EncryptionConfiguration:
          EnableInTransitEncryption: false
          EnableAtRestEncryption: false
"#,
            fixed_example: r#"Resources:
  Sec:
    Type: AWS::EMR::SecurityConfiguration
    Properties:
      SecurityConfiguration:
        EncryptionConfiguration:
          EnableInTransitEncryption: true
          EnableAtRestEncryption: true
          AtRestEncryptionConfiguration:
            LocalDiskEncryptionConfiguration:
              EncryptionKeyProviderType: AwsKms
              AwsKmsKey: !GetAtt EmrKey.Arn
              EnableEbsEncryption: true
"#,
        }),
    },
};

/// A JSON text or an object, as a value (`Unknown` when it cannot be read).
fn document(v: Value) -> Value {
    match v {
        Value::String(s) => match serde_json::from_str::<serde_json::Value>(&s) {
            Ok(json) => Value::from_json(&json),
            Err(_) => Value::Unknown,
        },
        other => other,
    }
}

/// What the configuration turns off, if anything (`None`: nothing, or not known).
fn problems(conf: &Value) -> Vec<&'static str> {
    let Value::Map(_) = conf else { return Vec::new() };
    let enc = conf.get("EncryptionConfiguration");
    if matches!(enc, Value::Null) {
        return vec!["sets no encryption at all"];
    }
    let off = |v: &Value| v.as_bool() == Some(false);
    let mut out = Vec::new();
    if off(enc.get("EnableInTransitEncryption")) {
        out.push("turns encryption in transit off");
    }
    if off(enc.get("EnableAtRestEncryption")) {
        out.push("turns encryption at rest off");
    }
    if off(enc.get("AtRestEncryptionConfiguration").get("LocalDiskEncryptionConfiguration").get("EnableEbsEncryption"))
    {
        out.push("leaves EBS volumes unencrypted");
    }
    out
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_emr_security_configuration").collect::<Vec<_>>() {
        let Some(attr) = res.block.attr("configuration") else { continue };
        let conf = match ctx.module.scope.eval_lenient(&attr.expr) {
            Value::String(s) if !s.trim_start().starts_with('"') => document(Value::String(s)),
            _ => continue,
        };
        // Unknown parts (`AwsKmsKey = aws_kms_key.k.arn`) do not hide the switches.
        let conf = strip_unknown(conf);
        for what in problems(&conf) {
            let message = format!("`{}` {what}", res.address());
            ctx.report(res, attr.range, message);
        }
    }
}

fn strip_unknown(v: Value) -> Value {
    match v {
        Value::String(s) if s.contains(UNKNOWN_PART) => Value::Unknown,
        Value::Map(m) => Value::Map(m.into_iter().map(|(k, v)| (k, strip_unknown(v))).collect()),
        Value::List(l) => Value::List(l.into_iter().map(strip_unknown).collect()),
        other => other,
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::EMR::SecurityConfiguration").collect::<Vec<_>>() {
        let Some((node, value)) = ctx.prop(res, "SecurityConfiguration") else { continue };
        let conf = document(value);
        let range = ctx.prop_range(res, "SecurityConfiguration").unwrap_or(node.range);
        for what in problems(&conf) {
            let message = format!("`{}` {what}", res.logical_id);
            ctx.report(res, range, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_configurations_turning_encryption_off() {
        let tf = r#"resource "aws_emr_security_configuration" "off" {
  configuration = jsonencode({ EncryptionConfiguration = { EnableInTransitEncryption = false, EnableAtRestEncryption = true, AtRestEncryptionConfiguration = { LocalDiskEncryptionConfiguration = { AwsKmsKey = aws_kms_key.k.arn, EnableEbsEncryption = true } } } })
}
resource "aws_emr_security_configuration" "empty" {
  configuration = <<JSON
{}
JSON
}
resource "aws_emr_security_configuration" "file" {
  configuration = file("sec.json")
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 5]);
    }

    #[test]
    fn cloudformation_configurations() {
        let yaml = "Resources:\n  A:\n    Type: AWS::EMR::SecurityConfiguration\n    Properties:\n      SecurityConfiguration:\n        EncryptionConfiguration:\n          AtRestEncryptionConfiguration:\n            LocalDiskEncryptionConfiguration:\n              EnableEbsEncryption: false\n  B:\n    Type: AWS::EMR::SecurityConfiguration\n    Properties:\n      SecurityConfiguration: {}\n  C:\n    Type: AWS::EMR::SecurityConfiguration\n    Properties:\n      SecurityConfiguration:\n        EncryptionConfiguration:\n          AtRestEncryptionConfiguration:\n            LocalDiskEncryptionConfiguration:\n              EnableEbsEncryption: true\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5, 13]);
    }
}
