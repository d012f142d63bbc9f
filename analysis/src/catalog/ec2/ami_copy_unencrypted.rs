use crate::kit::declared::{Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "ami-copy-unencrypted",
    title: "Copied AMI is not encrypted",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "EC2",
    why: "Copying an AMI (to another region or account) is the moment its snapshots can be encrypted; leaving it off \
          propagates unencrypted images, and the unencrypted volumes of everything launched from them.",
    aws_side: "AWS re-encrypts the copy's snapshots when asked. Asking is the customer's part: the copy otherwise \
               keeps the source's state.",
    equivalents: Equivalents { checkov: &["CKV_AWS_235"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_ami_copy"],
            path: "encrypted",
            example: r#"resource "aws_ami_copy" "app" {
  name              = "app"
  source_ami_id     = "ami-12345678"
  source_ami_region = "eu-west-1"
}"#,
            fixed: r#"resource "aws_ami_copy" "app" {
  name              = "app"
  source_ami_id     = "ami-12345678"
  source_ami_region = "eu-west-1"
  encrypted = true
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: None,
        want: Want::Bool(true),
        absent: Some("the copy keeps the source's encryption state, unencrypted snapshots included"),
        insecure: "the copy's snapshots are not encrypted",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_copies_not_encrypted() {
        let tf = r#"variable "enc" {}
resource "aws_ami_copy" "absent" {
  source_ami_id = "ami-1"
}
resource "aws_ami_copy" "off" {
  encrypted = "false"
}
resource "aws_ami_copy" "on" {
  encrypted = true
}
resource "aws_ami_copy" "unknown" {
  encrypted = var.enc
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 6]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }
}
