use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rules::{Equivalents, Rule, Severity};
use crate::terraform::check::TfContext;
use crate::terraform::edit;

pub static RULE: Rule = Rule {
    id: "kms-key-rotation-disabled",
    title: "Symmetric KMS key without automatic rotation",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "KMS",
    what: "Flags enabled symmetric `aws_kms_key` resources without `enable_key_rotation = true` (the provider's \
           default is off), and asymmetric or HMAC keys that ask for rotation, which KMS does not support.",
    why: "Rotation limits how much data one key version protects and how long a compromised key version stays \
          useful, and most compliance frameworks (CIS, PCI DSS) require it. KMS rotation is transparent: old \
          versions keep decrypting, so there is rarely a reason to leave it off. Asking for rotation on a key \
          type that does not support it makes the apply fail.",
    aws_side: "AWS generates new key material every year (or the period you set), keeps the old versions to \
               decrypt, and protects all of it in FIPS-validated HSMs. Turning rotation on for customer-managed \
               keys is the customer's duty; AWS-managed keys rotate on their own.",
    fix: "Set `enable_key_rotation = true` on symmetric keys (optionally `rotation_period_in_days`); remove it \
          from asymmetric and HMAC keys.",
    example: r#"resource "aws_kms_key" "data" {
  description = "data"
}"#,
    fixed_example: r#"resource "aws_kms_key" "data" {
  description         = "data"
  enable_key_rotation = true
}"#,
    equivalents: Equivalents {
        checkov: &["CKV_AWS_7"],
        kics: &["22fbfeac-7b5a-421a-8a27-7a2178bb910b"],
        trivy: &["AVD-AWS-0065", "aws-kms-auto-rotate-keys"],
    },
    resource_types: &["aws_kms_key"],
    terraform: Some(check),
    cloudformation: None,
    has_fix: true,
};

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
    use crate::rules::testing::{check_fixes, lines};

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
}
