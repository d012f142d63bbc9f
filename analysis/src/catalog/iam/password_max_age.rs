use crate::kit::password_policy::{check_setting, Bound};
use crate::responsibility::Row;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::format_number;

pub static RULE: Rule = Rule {
    id: "iam-password-max-age",
    title: "IAM passwords never expire, or expire after more than 90 days",
    severity: Severity::Low,
    row: Row::UserBehaviour,
    service: "IAM",
    why: "A password that never expires stays valid for as long as it has been leaked without anyone noticing. \
          NIST SP 800-63B now advises against forced periodic changes when passwords are long and MFA is used, \
          so this is low severity; it matters most where compliance frameworks still require rotation.",
    aws_side: "AWS expires IAM user passwords only when the account password policy sets a maximum age. Choosing \
               it is the customer's duty.",
    equivalents: Equivalents { checkov: &["CKV_AWS_9"], kics: &["ce60d060-efb8-4bfd-9cf7-ff8945d00d90"], trivy: &[] },
    related: Related {
        checkov: &[],
        kics: &[],
        trivy: &["AVD-AWS-0062", "aws-iam-set-max-password-age"],
        how: "Trivy's AVD-AWS-0062 fails only a maximum age above 90 days and passes a policy that leaves it out \
              (passwords never expire), which this rule flags.",
    },
    matcher: &Custom {
        what: "Flags `aws_iam_account_password_policy` without `max_password_age` (passwords never expire), with 0 \
               (the same), or with a value above 90 days (CIS AWS Foundations 1.11 in its earlier versions).",
        fix: "Set `max_password_age = 90` (or less), or document why the account relies on length and MFA instead.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_iam_account_password_policy"],
            check,
            example: r#"resource "aws_iam_account_password_policy" "strict" {
  minimum_password_length = 14
}"#,
            fixed_example: r#"resource "aws_iam_account_password_policy" "strict" {
  minimum_password_length = 14
  max_password_age        = 90
}"#,
        }),
        cloudformation: None,
    },
};

fn check(ctx: &mut TfContext) {
    check_setting(
        ctx,
        "max_password_age",
        Bound::AtMost(90.0),
        "does not set `max_password_age`, so passwords never expire",
        |n| format!("lets passwords live {} days (90 at most recommended)", format_number(n)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_absent_and_long_ages() {
        let text = r#"resource "aws_iam_account_password_policy" "long" {
  max_password_age = 180
}
resource "aws_iam_account_password_policy" "absent" {
  minimum_password_length = 8
}
resource "aws_iam_account_password_policy" "ok" {
  max_password_age = 10
}
resource "aws_iam_account_password_policy" "unknown" {
  max_password_age = var.age
}
resource "aws_iam_account_password_policy" "never" {
  max_password_age = 0
}
resource "aws_iam_account_password_policy" "null" {
  max_password_age = null
}
"#;
        // `0` is "never expire"; `null` is not set (reported where it is written).
        assert_eq!(lines(&RULE, text), [2, 4, 14, 17]);
        assert_eq!(check_fixes(&RULE, text), 4);
    }
}
