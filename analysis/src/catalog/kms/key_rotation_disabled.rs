use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "kms-key-rotation-disabled",
    title: "Symmetric KMS key without automatic rotation",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "KMS",
    why: "Rotation limits how much data one key version protects and how long a compromised key version stays \
          useful, and most compliance frameworks (CIS, PCI DSS) require it. KMS rotation is transparent: old \
          versions keep decrypting, so there is rarely a reason to leave it off. Asking for rotation on a key \
          type that does not support it makes the apply fail.",
    aws_side: "AWS generates new key material every year (or the period you set), keeps the old versions to \
               decrypt, and protects all of it in FIPS-validated HSMs. Turning rotation on for customer-managed \
               keys is the customer's duty; AWS-managed keys rotate on their own.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_7"],
        kics: &["1c07bfaf-663c-4f6f-b22b-8e2d481e4df5"],
        trivy: &["AVD-AWS-0065", "aws-kms-auto-rotate-keys"],
    },
    related: Related {
        checkov: &[],
        kics: &["22fbfeac-7b5a-421a-8a27-7a2178bb910b", "235ca980-eb71-48f4-9030-df0c371029eb"],
        trivy: &[],
        how: "KICS's Terraform CMK Rotation Disabled (22fbfeac) also fails keys in a custom key store \
              (`custom_key_store_id`, `xks_key_id`), which cannot rotate automatically, and passes a disabled \
              asymmetric key that asks for rotation; its CloudFormation KMS Enable Key Rotation Disabled (235ca980) \
              also fails disabled keys (`Enabled: false`) and CloudHSM or external key store origins, and passes \
              asymmetric or HMAC keys that ask for rotation, which this rule flags.",
    },
    matcher: &Custom {
        what: "Flags enabled symmetric `aws_kms_key` resources without `enable_key_rotation = true` (the provider's \
               default is off), and asymmetric or HMAC keys that ask for rotation, which KMS does not support.",
        fix: "Set `enable_key_rotation = true` on symmetric keys (optionally `rotation_period_in_days`); remove it \
              from asymmetric and HMAC keys.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_kms_key"],
            check,
            example: r#"resource "aws_kms_key" "data" {
  description = "data"
}"#,
            fixed_example: r#"resource "aws_kms_key" "data" {
  description         = "data"
  enable_key_rotation = true
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::KMS::Key"],
            check: check_cfn,
            example: r#"Resources:
  DataKey:
    Type: AWS::KMS::Key
    Properties:
      Description: data
"#,
            fixed_example: r#"Resources:
  DataKey:
    Type: AWS::KMS::Key
    Properties:
      Description: data
      EnableKeyRotation: true
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::KMS::Key").collect::<Vec<_>>() {
        // Imported key material and keys in a custom key store cannot rotate automatically.
        if let Some((_, origin)) = ctx.prop(res, "Origin") {
            if origin.as_str().is_none_or(|o| !o.eq_ignore_ascii_case("AWS_KMS")) {
                continue;
            }
        }
        let spec = match ctx.prop(res, "KeySpec") {
            None => "SYMMETRIC_DEFAULT".to_string(),
            Some((_, value)) => match value.as_str() {
                Some(s) => s.to_ascii_uppercase(),
                None => continue,
            },
        };
        let rotation = ctx.prop(res, "EnableKeyRotation");
        if spec != "SYMMETRIC_DEFAULT" {
            if let Some((node, value)) = rotation {
                if value.as_bool() == Some(true) {
                    let range = ctx.prop_range(res, "EnableKeyRotation").unwrap_or(node.range);
                    let fix = Fix::new(
                        "Turn rotation off (this key type cannot rotate)",
                        vec![cfn_edit::replace_value(ctx.template, node, &json!(false))],
                    );
                    let message =
                        format!("`{}` asks for rotation, which KMS does not support for {spec} keys", res.logical_id);
                    ctx.report(res, range, message).fixes.push(fix);
                }
            }
            continue;
        }
        if ctx.prop(res, "Enabled").is_some_and(|(_, v)| v.as_bool() == Some(false)) {
            continue;
        }
        let fix = Fix::new(
            "Rotate the key automatically",
            vec![cfn_edit::set_property(ctx.template, res, "EnableKeyRotation", &json!(true))],
        );
        match rotation {
            None => {
                let message =
                    format!("`{}` does not set `EnableKeyRotation`, so its key material never rotates", res.logical_id);
                ctx.report(res, ctx.header(res), message).fixes.push(fix);
            }
            Some((node, value)) if value.as_bool() == Some(false) => {
                let range = ctx.prop_range(res, "EnableKeyRotation").unwrap_or(node.range);
                ctx.report(res, range, format!("`{}` turns automatic key rotation off", res.logical_id))
                    .fixes
                    .push(fix);
            }
            Some(_) => {}
        }
    }
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_kms_key").collect::<Vec<_>>() {
        // Keys in a custom key store (CloudHSM, external) cannot rotate automatically.
        if res.block.attr("custom_key_store_id").is_some() || res.block.attr("xks_key_id").is_some() {
            continue;
        }
        let spec = match ctx.attr(res.block, "customer_master_key_spec") {
            None => "SYMMETRIC_DEFAULT".to_string(),
            Some((_, value)) => match value.as_str() {
                Some(s) => s.to_ascii_uppercase(),
                None => continue,
            },
        };
        let rotation = ctx.attr(res.block, "enable_key_rotation");
        let file = ctx.file(res);
        if spec != "SYMMETRIC_DEFAULT" {
            if let Some((attr, value)) = rotation {
                if value.as_bool() == Some(true) {
                    let fix = Fix::new(
                        "Turn rotation off (this key type cannot rotate)",
                        vec![edit::set_attribute(file, res.block, "enable_key_rotation", "false")],
                    );
                    ctx.report_with_fix(
                        res,
                        attr.range,
                        format!("`{}` asks for rotation, which KMS does not support for {spec} keys", res.address()),
                        fix,
                    );
                }
            }
            continue;
        }
        if ctx.attr(res.block, "is_enabled").is_some_and(|(_, v)| v.as_bool() == Some(false)) {
            continue;
        }
        let fix = Fix::new(
            "Rotate the key automatically",
            vec![edit::set_attribute(file, res.block, "enable_key_rotation", "true")],
        );
        match rotation {
            None => ctx.report_with_fix(
                res,
                res.block.header,
                format!("`{}` does not set `enable_key_rotation`, so its key material never rotates", res.address()),
                fix,
            ),
            Some((attr, value)) if value.as_bool() == Some(false) => ctx.report_with_fix(
                res,
                attr.range,
                format!("`{}` turns automatic key rotation off", res.address()),
                fix,
            ),
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_symmetric_keys_without_rotation() {
        let text = r#"resource "aws_kms_key" "absent" {
  description = "a"
}
resource "aws_kms_key" "off" {
  is_enabled          = true
  enable_key_rotation = false
}
resource "aws_kms_key" "symmetric_off" {
  customer_master_key_spec = "SYMMETRIC_DEFAULT"
  enable_key_rotation      = false
}
resource "aws_kms_key" "on" {
  enable_key_rotation = true
}
resource "aws_kms_key" "disabled" {
  is_enabled = false
}
resource "aws_kms_key" "unknown" {
  enable_key_rotation = var.rotate
}
resource "aws_kms_key" "unknown_spec" {
  customer_master_key_spec = var.spec
}
resource "aws_kms_key" "hsm" {
  custom_key_store_id = aws_cloudhsm_v2_cluster.c.id
}
"#;
        assert_eq!(lines(&RULE, text), [1, 6, 10]);
        assert_eq!(check_fixes(&RULE, text), 3);
    }

    #[test]
    fn flags_rotation_on_asymmetric_keys_only_when_asked() {
        let text = r#"resource "aws_kms_key" "rsa_rotating" {
  customer_master_key_spec = "RSA_2048"
  enable_key_rotation      = true
}
resource "aws_kms_key" "rsa" {
  customer_master_key_spec = "RSA_4096"
}
resource "aws_kms_key" "hmac" {
  customer_master_key_spec = "HMAC_256"
  key_usage                = "GENERATE_VERIFY_MAC"
}
"#;
        assert_eq!(lines(&RULE, text), [3]);
        assert_eq!(check_fixes(&RULE, text), 1);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::KMS::Key\n    Properties:\n      Description: a\n  B:\n    Type: AWS::KMS::Key\n    Properties: {EnableKeyRotation: false}\n  C:\n    Type: AWS::KMS::Key\n    Properties:\n      EnableKeyRotation: true\n  D:\n    Type: AWS::KMS::Key\n    Properties:\n      KeySpec: RSA_2048\n      EnableKeyRotation: true\n  E:\n    Type: AWS::KMS::Key\n    Properties:\n      Origin: EXTERNAL\n  F:\n    Type: AWS::KMS::Key\n    Properties:\n      Enabled: false\n  G:\n    Type: AWS::KMS::Key\n    Properties:\n      EnableKeyRotation: !Ref Rotate\n  H:\n    Type: AWS::KMS::Key\n    Properties:\n      KeySpec: ECC_NIST_P256\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 8, 17]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 3);
        let json = r#"{"Resources": {"A": {"Type": "AWS::KMS::Key", "Properties": {"Description": "a"}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [1]);
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
