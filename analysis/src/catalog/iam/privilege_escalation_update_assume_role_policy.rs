use crate::cloudformation::check::CfnContext;
use crate::kit::privilege_escalation as privesc;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

/// The actions of the method, each allowed on every resource.
const ACTIONS: &[&str] = &["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"];

pub static RULE: Rule = Rule {
    id: "iam-privilege-escalation-update-assume-role-policy",
    title: "IAM principal can escalate its privileges with iam:UpdateAssumeRolePolicy and sts:AssumeRole",
    severity: Severity::High,
    row: Row::AccessRestriction,
    service: "IAM",
    why: "With iam:UpdateAssumeRolePolicy and sts:AssumeRole on every resource, the principal can rewrite any role's \
          trust policy to trust itself and then assume that role. Rhino Security Labs documents this as an IAM \
          privilege-escalation path; the principal is effectively an administrator.",
    aws_side: privesc::AWS_SIDE,
    equivalents: Equivalents {
        checkov: &[],
        kics: &[
            "33627268-1445-4385-988a-318fd9d1a512",
            "78f1ec6f-5659-41ea-bd48-d0a142dce4f2",
            "f1173d8c-3264-4148-9fdb-61181e031b51",
        ],
        trivy: &[],
    },
    related: privesc::RELATED,
    matcher: &Custom {
        what:
            "Flags IAM users, groups and roles whose policies (inline, and the module's managed policies attached to \
               them) allow `iam:UpdateAssumeRolePolicy` and `sts:AssumeRole` on `Resource = \"*\"`, each action by \
               some statement, possibly in different policies. Patterns that match an action count \
               (`iam:UpdateAssume*`); `*` and service-wide wildcards are left to iam-policy-full-admin and \
               iam-policy-service-wildcard.",
        fix: privesc::FIX,
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: privesc::TF_TYPES,
            check,
            example: crate::privesc_tf_example!("iam:UpdateAssumeRolePolicy", "sts:AssumeRole"),
            fixed_example: crate::privesc_tf_fixed!(
                "arn:aws:iam::123456789012:role/app",
                "iam:UpdateAssumeRolePolicy",
                "sts:AssumeRole"
            ),
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: privesc::CFN_TYPES,
            check: check_cfn,
            example: crate::privesc_cfn_example!("*", "iam:UpdateAssumeRolePolicy", "sts:AssumeRole"),
            fixed_example: crate::privesc_cfn_example!(
                "arn:aws:iam::123456789012:role/app",
                "iam:UpdateAssumeRolePolicy",
                "sts:AssumeRole"
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
  policy = "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": [\"iam:UpdateAssume*\", \"sts:AssumeRole\"], \"Resource\": [\"*\"]}}"
}
"#;
        assert_eq!(lines(&RULE, tf), [1]);
        let (example, fixed) = crate::kit::testing::cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &example), [2]);
        assert!(cfn_lines(&RULE, &fixed).is_empty());
    }

    #[test]
    fn part_of_the_method_is_not_enough() {
        let tf = r#"resource "aws_iam_role" "app" {
  name = "app"
  inline_policy {
    name   = "partial"
    policy = "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"iam:UpdateAssumeRolePolicy\"], \"Resource\": \"*\"}]}"
  }
}
"#;
        assert!(lines(&RULE, tf).is_empty());
    }
}
