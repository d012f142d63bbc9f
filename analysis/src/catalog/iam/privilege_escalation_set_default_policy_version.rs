use crate::cloudformation::check::CfnContext;
use crate::kit::privilege_escalation as privesc;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

/// The actions of the method, each allowed on every resource.
const ACTIONS: &[&str] = &["iam:SetDefaultPolicyVersion"];

pub static RULE: Rule = Rule {
    id: "iam-privilege-escalation-set-default-policy-version",
    title: "IAM principal can escalate its privileges with iam:SetDefaultPolicyVersion",
    severity: Severity::High,
    row: Row::AccessRestriction,
    service: "IAM",
    why: "With iam:SetDefaultPolicyVersion, the principal can switch a policy attached to itself back to an older, \
          more permissive version. Rhino Security Labs documents this as an IAM privilege-escalation path; the \
          principal is effectively an administrator.",
    aws_side: privesc::AWS_SIDE,
    equivalents: Equivalents {
        checkov: &[],
        kics: &[
            "43a41523-386a-4cb1-becb-42af6b414433",
            "7782d4b3-e23e-432b-9742-d9528432e771",
            "118281d0-6471-422e-a7c5-051bc667926e",
        ],
        trivy: &[],
    },
    related: privesc::RELATED,
    matcher: &Custom {
        what:
            "Flags IAM users, groups and roles whose policies (inline, and the module's managed policies attached to \
               them) allow `iam:SetDefaultPolicyVersion` on `Resource = \"*\"`, each action by some statement, \
               possibly in different policies. Patterns that match an action count (`iam:Set*`); `*` and service-wide \
               wildcards are left to iam-policy-full-admin and iam-policy-service-wildcard.",
        fix: privesc::FIX,
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: privesc::TF_TYPES,
            check,
            example: crate::privesc_tf_example!("iam:SetDefaultPolicyVersion"),
            fixed_example: crate::privesc_tf_fixed!(
                "arn:aws:iam::123456789012:policy/ci",
                "iam:SetDefaultPolicyVersion"
            ),
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: privesc::CFN_TYPES,
            check: check_cfn,
            example: crate::privesc_cfn_example!("*", "iam:SetDefaultPolicyVersion"),
            fixed_example: crate::privesc_cfn_example!(
                "arn:aws:iam::123456789012:policy/ci",
                "iam:SetDefaultPolicyVersion"
            ),
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
  policy = "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": [\"iam:Set*\"], \"Resource\": [\"*\"]}}"
}
"#;
        assert_eq!(lines(&RULE, tf), [1]);
        let (example, fixed) = crate::kit::testing::cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &example), [2]);
        assert!(cfn_lines(&RULE, &fixed).is_empty());
    }
}
