use crate::kit::declared::{Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "ami-copy-not-encrypted-cmk",
    title: "Copied AMI is not encrypted with a customer-managed KMS key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "EC2",
    why: "AMIs copied to be shared with another account can only be shared if they are encrypted with a key that \
          account may use; under the AWS-managed key you cannot control, audit or revoke who decrypts the image.",
    aws_side: "AWS manages the default `aws/ebs` key. The key policy, rotation and grants of a customer-managed key \
               are the customer's.",
    equivalents: Equivalents { checkov: &["CKV_AWS_236"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_ami_copy"],
            path: "kms_key_id",
            example: r#"resource "aws_ami_copy" "app" {
  name              = "app"
  source_ami_id     = "ami-12345678"
  source_ami_region = "eu-west-1"
  encrypted         = true
}"#,
            fixed: r#"resource "aws_ami_copy" "app" {
  name              = "app"
  source_ami_id     = "ami-12345678"
  source_ami_region = "eu-west-1"
  encrypted         = true
  kms_key_id = "<customer-managed-kms-key-arn>"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: None,
        want: Want::Kms,
        absent: Some("its snapshots are encrypted (if at all) with the AWS-managed `aws/ebs` key"),
        insecure: "an AWS-managed key is governed by no key policy of yours",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_copies_without_a_customer_key() {
        let tf = r#"resource "aws_ami_copy" "absent" {
  encrypted = true
}
resource "aws_ami_copy" "managed" {
  kms_key_id = "alias/aws/ebs"
}
resource "aws_ami_copy" "empty" {
  kms_key_id = ""
}
resource "aws_ami_copy" "cmk" {
  kms_key_id = aws_kms_key.images.arn
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 5, 8]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }
}
