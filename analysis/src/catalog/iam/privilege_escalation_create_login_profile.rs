use crate::cloudformation::check::CfnContext;
use crate::kit::privilege_escalation as privesc;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

/// The actions of the method, each allowed on every resource.
const ACTIONS: &[&str] = &["iam:CreateLoginProfile"];

pub static RULE: Rule = Rule {
    id: "iam-privilege-escalation-create-login-profile",
    title: "IAM principal can escalate its privileges with iam:CreateLoginProfile",
    severity: Severity::High,
    row: Row::AccessRestriction,
    service: "IAM",
    why:
        "With iam:CreateLoginProfile on every user, the principal can give a console password to a user that has none \
          (often a privileged automation user) and sign in as it. Rhino Security Labs documents this as an IAM \
          privilege-escalation path; the principal is effectively an administrator.",
    aws_side: privesc::AWS_SIDE,
    equivalents: Equivalents {
        checkov: &[],
        kics: &[
            "0fd7d920-4711-46bd-aff2-d307d82cd8b7",
            "04c686f1-e0cd-4812-88e1-4e038410074c",
            "9a205ba3-0dd1-42eb-8d54-2ffec836b51a",
        ],
        trivy: &[],
    },
    related: privesc::RELATED,
    matcher: &Custom {
        what:
            "Flags IAM users, groups and roles whose policies (inline, and the module's managed policies attached to \
               them) allow `iam:CreateLoginProfile` on `Resource = \"*\"`, each action by some statement, possibly in \
               different policies. Patterns that match an action count (`iam:Create*Profile`); `*` and service-wide \
               wildcards are left to iam-policy-full-admin and iam-policy-service-wildcard.",
        fix: privesc::FIX,
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: privesc::TF_TYPES,
            check,
            example: crate::privesc_tf_example!("iam:CreateLoginProfile"),
            fixed_example: crate::privesc_tf_fixed!("arn:aws:iam::123456789012:user/ci", "iam:CreateLoginProfile"),
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: privesc::CFN_TYPES,
            check: check_cfn,
            example: crate::privesc_cfn_example!("*", "iam:CreateLoginProfile"),
            fixed_example: crate::privesc_cfn_example!("arn:aws:iam::123456789012:user/ci", "iam:CreateLoginProfile"),
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
  policy = "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": [\"iam:Create*Profile\"], \"Resource\": [\"*\"]}}"
}
"#;
        assert_eq!(lines(&RULE, tf), [1]);
        let (example, fixed) = crate::kit::testing::cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &example), [2]);
        assert!(cfn_lines(&RULE, &fixed).is_empty());
    }
}
