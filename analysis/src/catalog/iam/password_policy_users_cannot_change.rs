use crate::kit::declared::{Setting, Tf, Want};
use crate::kit::password_policy::POLICY;
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "iam-password-policy-users-cannot-change",
    title: "Account password policy does not let users change their own password",
    severity: Severity::Low,
    row: Row::UserBehaviour,
    service: "IAM",
    why: "If users cannot change their own password, a suspected compromise waits for an administrator to reset it, \
          and with a maximum password age users are pushed into admin-assisted resets or stale passwords.",
    aws_side: "AWS enforces whichever password policy the account sets; setting it is the customer's duty.",
    equivalents: Equivalents { checkov: &[], kics: &["9ef7d25d-9764-4224-9968-fa321c56ef76"], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &[POLICY],
            path: "allow_users_to_change_password",
            example: r#"resource "aws_iam_account_password_policy" "strict" {
  minimum_password_length = 14
}"#,
            fixed: r#"resource "aws_iam_account_password_policy" "strict" {
  minimum_password_length = 14
  allow_users_to_change_password = true
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: None,
        want: Want::Bool(true),
        absent: Some("users cannot change their own password, so a leaked one stays until an administrator resets it (the default is `false`)"),
        insecure: "users cannot change their own password, so a leaked one stays until an administrator resets it",
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
  allow_users_to_change_password = false
}
resource "aws_iam_account_password_policy" "on" {
  allow_users_to_change_password = true
}
resource "aws_iam_account_password_policy" "text" {
  allow_users_to_change_password = "true"
}
resource "aws_iam_account_password_policy" "unknown" {
  allow_users_to_change_password = var.flag
}
resource "aws_iam_account_password_policy" "absent" {
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 14]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }
}
