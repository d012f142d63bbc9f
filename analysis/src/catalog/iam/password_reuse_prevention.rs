use crate::kit::password_policy::{check_setting, Bound};
use crate::responsibility::Row;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::format_number;

pub static RULE: Rule = Rule {
    id: "iam-password-reuse-prevention",
    title: "Account password policy does not prevent reusing the last 24 passwords",
    severity: Severity::Medium,
    row: Row::UserBehaviour,
    service: "IAM",
    why: "When users may go back to an old password, a password that leaked once (a breach, a phishing page, a \
          reused personal password) keeps working after it was changed. Remembering the last 24 makes a change \
          of password actually retire the old one.",
    aws_side: "AWS enforces the reuse prevention that the account password policy sets; without it IAM allows \
               any earlier password. Setting it is the customer's duty.",
    equivalents: Equivalents { checkov: &["CKV_AWS_13"], kics: &["89806cdc-9c2e-4bd1-a0dc-53f339bcfb2a"], trivy: &[] },
    related: Related {
        checkov: &[],
        kics: &[],
        trivy: &["AVD-AWS-0056", "aws-iam-no-password-reuse"],
        how: "Trivy's AVD-AWS-0056 fails only a count below 5 (10 passes); this rule, like CKV_AWS_13, wants 24.",
    },
    matcher: &Custom {
        what: "Flags `aws_iam_account_password_policy` without `password_reuse_prevention`, or with fewer than 24 \
               remembered passwords.",
        fix: "Set `password_reuse_prevention = 24`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_iam_account_password_policy"],
            check,
            example: r#"resource "aws_iam_account_password_policy" "strict" {
  minimum_password_length = 14
}"#,
            fixed_example: r#"resource "aws_iam_account_password_policy" "strict" {
  minimum_password_length   = 14
  password_reuse_prevention = 24
}"#,
        }),
        cloudformation: None,
    },
};

fn check(ctx: &mut TfContext) {
    check_setting(
        ctx,
        "password_reuse_prevention",
        Bound::AtLeast(24.0),
        "does not set `password_reuse_prevention`, so users may reuse old passwords",
        |n| format!("remembers only the last {} passwords (24 recommended)", format_number(n)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_absent_and_low_values() {
        let text = r#"resource "aws_iam_account_password_policy" "low" {
  password_reuse_prevention = 20
}
resource "aws_iam_account_password_policy" "absent" {
  minimum_password_length = 3
}
resource "aws_iam_account_password_policy" "ok" {
  password_reuse_prevention = 24
}
resource "aws_iam_account_password_policy" "unknown" {
  password_reuse_prevention = var.n
}
"#;
        assert_eq!(lines(&RULE, text), [2, 4]);
        assert_eq!(check_fixes(&RULE, text), 2);
    }
}
