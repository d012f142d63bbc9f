use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "cloudtrail-not-encrypted-cmk",
    title: "CloudTrail logs are not encrypted with a KMS key",
    severity: Severity::Low,
    row: Row::AccountCompromise,
    service: "CloudTrail",
    why: "With SSE-S3 anyone who may read the log bucket reads the logs. Encrypting them with a customer-managed \
          KMS key adds a second, separately audited permission (`kms:Decrypt`), so that a too-broad bucket \
          policy or a leaked read-only role does not expose the account's whole activity history, and access to \
          the logs can be revoked by disabling the key.",
    aws_side: "AWS encrypts the log files at rest in any case (SSE-S3) and uses the KMS key you name. Creating the \
               key, granting CloudTrail the use of it and deciding who may decrypt is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_35"],
        kics: &["5d9e3164-9265-470c-9a10-57ae454ac0c7", "050a9ba8-d1cb-4c61-a5e8-8805a70d3b85"],
        trivy: &["AVD-AWS-0015", "aws-cloudtrail-encryption-customer-key"],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_cloudtrail` trails without a `kms_key_id`: their log files are encrypted only with the \
               bucket's S3-managed keys.",
        fix: "Create an `aws_kms_key` whose key policy lets `cloudtrail.amazonaws.com` call `kms:GenerateDataKey*`, \
              and set the trail's `kms_key_id` to its ARN.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_cloudtrail"],
            check,
            example: r#"resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "audit-logs"
}"#,
            fixed_example: r#"resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "audit-logs"
  kms_key_id     = aws_kms_key.cloudtrail.arn
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::CloudTrail::Trail"],
            check: check_cfn,
            example: r#"Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      S3BucketName: audit-logs
      IsLogging: true
"#,
            fixed_example: r#"Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      S3BucketName: audit-logs
      IsLogging: true
      KMSKeyId: !Ref TrailKey
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    // The template's own KMS key, if it has exactly one, is the likely candidate; else a placeholder to create.
    let keys: Vec<&str> = ctx.resources("AWS::KMS::Key").map(|k| k.logical_id).collect();
    let key = match keys.as_slice() {
        [one] => one.to_string(),
        _ => "TrailKey".to_string(),
    };
    for res in ctx.resources("AWS::CloudTrail::Trail").collect::<Vec<_>>() {
        let fix = Fix::unsafe_(
            format!("Encrypt the logs with `{key}`"),
            vec![cfn_edit::set_property(ctx.template, res, "KMSKeyId", &json!({ "Ref": key }))],
        );
        match ctx.prop(res, "KMSKeyId") {
            None => {
                let message =
                    format!("`{}` does not encrypt its logs with a KMS key (`KMSKeyId` is not set)", res.logical_id);
                ctx.report(res, ctx.header(res), message).fixes.push(fix);
            }
            Some((node, value)) if matches!(value.as_str(), Some(s) if s.trim().is_empty()) => {
                let range = ctx.prop_range(res, "KMSKeyId").unwrap_or(node.range);
                let message =
                    format!("`{}` does not encrypt its logs with a KMS key (`KMSKeyId` is empty)", res.logical_id);
                ctx.report(res, range, message).fixes.push(fix);
            }
            Some(_) => {}
        }
    }
}

fn check(ctx: &mut TfContext) {
    // The module's own KMS key, if it has exactly one, is the likely candidate; else a placeholder to create.
    let keys: Vec<String> = ctx.all_resources("aws_kms_key").map(|k| k.address()).collect();
    let key = match keys.as_slice() {
        [one] => one.clone(),
        _ => "aws_kms_key.cloudtrail".to_string(),
    };
    for res in ctx.resources("aws_cloudtrail").collect::<Vec<_>>() {
        let fix = Fix::unsafe_(
            format!("Encrypt the logs with `{key}`"),
            vec![edit::set_attribute(ctx.file(res), res.block, "kms_key_id", &format!("{key}.arn"))],
        );
        match ctx.attr(res.block, "kms_key_id") {
            None => ctx.report_with_fix(
                res,
                res.block.header,
                format!("`{}` does not encrypt its logs with a KMS key (`kms_key_id` is not set)", res.address()),
                fix,
            ),
            Some((attr, value)) if matches!(value.as_str(), Some(s) if s.trim().is_empty()) => ctx.report_with_fix(
                res,
                attr.range,
                format!("`{}` does not encrypt its logs with a KMS key (`kms_key_id` is empty)", res.address()),
                fix,
            ),
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines, run};

    #[test]
    fn flags_missing_or_empty_keys() {
        let text = r#"resource "aws_cloudtrail" "absent" {
  name = "a"
}
resource "aws_cloudtrail" "empty" {
  kms_key_id = ""
}
resource "aws_cloudtrail" "literal" {
  kms_key_id = "arn:aws:kms:us-east-2:123456789012:key/12345678-1234-1234-1234-123456789012"
}
resource "aws_cloudtrail" "unknown" {
  kms_key_id = var.key
}
"#;
        assert_eq!(lines(&RULE, text), [1, 5]);
        assert_eq!(check_fixes(&RULE, text), 2);
    }

    #[test]
    fn the_fix_uses_the_modules_only_key() {
        let text = r#"resource "aws_kms_key" "logs" {}
resource "aws_cloudtrail" "t" {
  name = "t"
}
"#;
        let found = run(&RULE, text);
        assert_eq!(found[0].fixes[0].title, "Encrypt the logs with `aws_kms_key.logs`");
        assert!(!found[0].fixes[0].preferred);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes, run_cfn};
        let yaml = "Resources:\n  A:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      IsLogging: true\n  B:\n    Type: AWS::CloudTrail::Trail\n    Properties: {KMSKeyId: ''}\n  C:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      KMSKeyId: !GetAtt K.Arn\n  K:\n    Type: AWS::KMS::Key\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 8]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
        assert_eq!(run_cfn(&RULE, yaml)[0].fixes[0].title, "Encrypt the logs with `K`");
        let json = r#"{"Resources": {"A": {"Type": "AWS::CloudTrail::Trail", "Properties": {"KMSKeyId": ""}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [1]);
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
