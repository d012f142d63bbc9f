use crate::kit::declared::{Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};
use crate::terraform::check::{Resource, TfContext};

pub static RULE: Rule = Rule {
    id: "ssm-parameter-securestring-default-key",
    title: "SSM SecureString parameter uses the AWS-managed aws/ssm key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "SSM",
    why: "With the AWS-managed key, anyone allowed to read the parameter can decrypt it; a customer-managed key \
          lets its key policy restrict decryption, and lets the parameter be shared with another account.",
    aws_side: "Parameter Store encrypts with the key you name; choosing a customer-managed key is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_337"],
        kics: &[],
        trivy: &[],
        how: "CKV_AWS_337 accepts any `key_id`, `alias/aws/ssm` included.",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_ssm_parameter"],
            path: "key_id",
            applies: Some(secure_string),
            example: r#"resource "aws_ssm_parameter" "db_password" {
  name  = "/app/db/password"
  type  = "SecureString"
  value = var.db_password
}"#,
            fixed: r#"resource "aws_ssm_parameter" "db_password" {
  name  = "/app/db/password"
  type  = "SecureString"
  value = var.db_password
  key_id = "<customer-managed-kms-key-arn>"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: None,
        want: Want::Kms,
        absent: Some("it is encrypted with the AWS-managed `aws/ssm` key, which no key policy of yours governs"),
        insecure: "an AWS-managed key is governed by no key policy of yours",
        ..Setting::DEFAULT
    },
};

/// Only `SecureString` parameters are encrypted.
fn secure_string(ctx: &TfContext, res: Resource) -> bool {
    ctx.attr(res.block, "type").is_some_and(|(_, v)| v.as_str() == Some("SecureString"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::lines;

    #[test]
    fn flags_secure_strings_without_a_customer_key() {
        let tf = r#"resource "aws_ssm_parameter" "default" {
  type  = "SecureString"
  value = "x"
}
resource "aws_ssm_parameter" "aws_managed" {
  type   = "SecureString"
  key_id = "alias/aws/ssm"
}
resource "aws_ssm_parameter" "cmk" {
  type   = "SecureString"
  key_id = aws_kms_key.k.arn
}
resource "aws_ssm_parameter" "plain" {
  type = "String"
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 7]);
    }
}
