use crate::cloudformation::check::CfnContext;
use crate::kit::privilege_escalation as privesc;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

/// The actions of the method, each allowed on every resource.
const ACTIONS: &[&str] = &["iam:AddUserToGroup"];

pub static RULE: Rule = Rule {
    id: "iam-privilege-escalation-add-user-to-group",
    title: "IAM principal can escalate its privileges with iam:AddUserToGroup",
    severity: Severity::High,
    row: Row::AccessRestriction,
    service: "IAM",
    why: "With iam:AddUserToGroup on every group, the principal can add itself to the administrators group. Rhino \
          Security Labs documents this as an IAM privilege-escalation path; the principal is effectively an \
          administrator.",
    aws_side: privesc::AWS_SIDE,
    equivalents: Equivalents {
        checkov: &[],
        kics: &[
            "bf9d42c7-c2f9-4dfe-942c-c8cc8249a081",
            "970ed7a2-0aca-4425-acf1-0453c9ecbca1",
            "b8a31292-509d-4b61-bc40-13b167db7e9c",
        ],
        trivy: &[],
    },
    related: privesc::RELATED,
    matcher: &Custom {
        what:
            "Flags IAM users, groups and roles whose policies (inline, and the module's managed policies attached to \
               them) allow `iam:AddUserToGroup` on `Resource = \"*\"`, each action by some statement, possibly in \
               different policies. Patterns that match an action count (`iam:Add*`); `*` and service-wide wildcards \
               are left to iam-policy-full-admin and iam-policy-service-wildcard.",
        fix: privesc::FIX,
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: privesc::TF_TYPES,
            check,
            example: crate::privesc_tf_example!("iam:AddUserToGroup"),
            fixed_example: crate::privesc_tf_fixed!("arn:aws:iam::123456789012:group/developers", "iam:AddUserToGroup"),
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: privesc::CFN_TYPES,
            check: check_cfn,
            example: crate::privesc_cfn_example!("*", "iam:AddUserToGroup"),
            fixed_example: crate::privesc_cfn_example!(
                "arn:aws:iam::123456789012:group/developers",
                "iam:AddUserToGroup"
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
  policy = "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": [\"iam:Add*\"], \"Resource\": [\"*\"]}}"
}
"#;
        assert_eq!(lines(&RULE, tf), [1]);
        let (example, fixed) = crate::kit::testing::cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &example), [2]);
        assert!(cfn_lines(&RULE, &fixed).is_empty());
    }
}
