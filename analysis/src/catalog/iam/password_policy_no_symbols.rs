use crate::kit::declared::{Setting, Tf, Want};
use crate::kit::password_policy::POLICY;
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "iam-password-policy-no-symbols",
    title: "Account password policy does not require a symbol",
    severity: Severity::Medium,
    row: Row::UserBehaviour,
    service: "IAM",
    why: "Without a complexity requirement users pick short dictionary passwords that fall to guessing and credential \
          stuffing; CIS AWS Foundations asks for at least one symbol.",
    aws_side: "AWS enforces whichever password policy the account sets; setting it is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_14"],
        kics: &[],
        trivy: &["AVD-AWS-0060", "aws-iam-require-symbols-in-passwords"],
    },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &[POLICY],
            path: "require_symbols",
            example: r#"resource "aws_iam_account_password_policy" "strict" {
  minimum_password_length = 14
}"#,
            fixed: r#"resource "aws_iam_account_password_policy" "strict" {
  minimum_password_length = 14
  require_symbols = true
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: None,
        want: Want::Bool(true),
        absent: Some("passwords need no symbol, so dictionary words pass (the default is `false`)"),
        insecure: "passwords need no symbol, so dictionary words pass",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_absent_and_false() {
        let tf = r#"resource "aws_iam_account_password_policy" "off" {
  minimum_password_length = 10
  require_symbols = false
}
resource "aws_iam_account_password_policy" "on" {
  require_symbols = true
}
resource "aws_iam_account_password_policy" "text" {
  require_symbols = "true"
}
resource "aws_iam_account_password_policy" "unknown" {
  require_symbols = var.flag
}
resource "aws_iam_account_password_policy" "absent" {
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 14]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }
}
