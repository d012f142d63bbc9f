use crate::cloudformation::check::CfnContext;
use crate::kit::privilege_escalation as privesc;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

/// The actions of the method, each allowed on every resource.
const ACTIONS: &[&str] = &["iam:PutUserPolicy"];

pub static RULE: Rule = Rule {
    id: "iam-privilege-escalation-put-user-policy",
    title: "IAM principal can escalate its privileges with iam:PutUserPolicy",
    severity: Severity::High,
    row: Row::AccessRestriction,
    service: "IAM",
    why:
        "With iam:PutUserPolicy on every user, the principal can write an inline `*`-on-`*` policy onto itself. Rhino \
          Security Labs documents this as an IAM privilege-escalation path; the principal is effectively an \
          administrator.",
    aws_side: privesc::AWS_SIDE,
    equivalents: Equivalents {
        checkov: &[],
        kics: &[
            "0c10d7da-85c4-4d62-b2a8-d6c104f1bd77",
            "60263b4a-6801-4587-911d-919c37ed733b",
            "8f75840d-9ee7-42f3-b203-b40e3979eb12",
        ],
        trivy: &[],
    },
    related: privesc::RELATED,
    matcher: &Custom {
        what:
            "Flags IAM users, groups and roles whose policies (inline, and the module's managed policies attached to \
               them) allow `iam:PutUserPolicy` on `Resource = \"*\"`, each action by some statement, possibly in \
               different policies. Patterns that match an action count (`iam:Put*Policy`); `*` and service-wide \
               wildcards are left to iam-policy-full-admin and iam-policy-service-wildcard.",
        fix: privesc::FIX,
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: privesc::TF_TYPES,
            check,
            example: crate::privesc_tf_example!("iam:PutUserPolicy"),
            fixed_example: crate::privesc_tf_fixed!("arn:aws:iam::123456789012:user/ci", "iam:PutUserPolicy"),
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: privesc::CFN_TYPES,
            check: check_cfn,
            example: crate::privesc_cfn_example!("*", "iam:PutUserPolicy"),
            fixed_example: crate::privesc_cfn_example!("arn:aws:iam::123456789012:user/ci", "iam:PutUserPolicy"),
        }),
    },
};

fn check(ctx: &mut TfContext) {
    privesc::check(ctx, ACTIONS)
}

fn check_cfn(ctx: &mut CfnContext) {
    privesc::check_cfn(ctx, ACTIONS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_principals_whose_policies_allow_the_method() {
        privesc::testing::check_method(&RULE, ACTIONS);
    }

    #[test]
    fn patterns_matching_the_actions_count() {
        let tf = r#"resource "aws_iam_group" "ops" {
  name = "ops"
}
resource "aws_iam_group_policy" "ops" {
  group  = aws_iam_group.ops.id
  policy = "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": [\"iam:Put*Policy\"], \"Resource\": [\"*\"]}}"
}
"#;
        assert_eq!(lines(&RULE, tf), [1]);
        let (example, fixed) = crate::kit::testing::cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &example), [2]);
        assert!(cfn_lines(&RULE, &fixed).is_empty());
    }
}
