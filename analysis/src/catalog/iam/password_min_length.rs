use crate::kit::password_policy::{check_setting, Bound};
use crate::responsibility::Row;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::format_number;

pub static RULE: Rule = Rule {
    id: "iam-password-min-length",
    title: "Account password policy allows passwords shorter than 14 characters",
    severity: Severity::Medium,
    row: Row::UserBehaviour,
    service: "IAM",
    why: "Short passwords fall to guessing and to cracking of leaked hashes; length is what makes a password \
          strong. A policy that omits the length lets IAM users choose passwords of 6 characters, the \
          API's default.",
    aws_side: "AWS stores console passwords securely and enforces the account password policy you set. Setting \
               a policy strong enough for your users is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_10"],
        kics: &["1bc1c685-e593-450e-88fb-19db4c82aa1d"],
        trivy: &["AVD-AWS-0063", "aws-iam-set-minimum-password-length"],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_iam_account_password_policy` without `minimum_password_length`, or with a value below 14 \
               (CIS AWS Foundations 1.8).",
        fix: "Set `minimum_password_length = 14` (or more).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_iam_account_password_policy"],
            check,
            example: r#"resource "aws_iam_account_password_policy" "strict" {
  minimum_password_length = 8
}"#,
            fixed_example: r#"resource "aws_iam_account_password_policy" "strict" {
  minimum_password_length = 14
}"#,
        }),
        cloudformation: None,
    },
};

fn check(ctx: &mut TfContext) {
    check_setting(
        ctx,
        "minimum_password_length",
        Bound::AtLeast(14.0),
        "does not set `minimum_password_length`, so passwords of 6 characters are allowed",
        |n| format!("allows passwords of {} characters (at least 14 recommended)", format_number(n)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_absent_and_short_lengths() {
        let text = r#"resource "aws_iam_account_password_policy" "absent" {
  require_symbols = true
}
resource "aws_iam_account_password_policy" "short" {
  minimum_password_length = 3
}
resource "aws_iam_account_password_policy" "ok" {
  minimum_password_length = 14
}
resource "aws_iam_account_password_policy" "string" {
  minimum_password_length = "20"
}
resource "aws_iam_account_password_policy" "unknown" {
  minimum_password_length = var.len
}
"#;
        assert_eq!(lines(&RULE, text), [1, 5]);
        assert_eq!(check_fixes(&RULE, text), 2);
    }
}
