use crate::cloudformation::check::CfnContext;
use crate::kit::privilege_escalation as privesc;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

/// The actions of the method, each allowed on every resource.
const ACTIONS: &[&str] = &["lambda:UpdateFunctionCode"];

pub static RULE: Rule = Rule {
    id: "iam-privilege-escalation-lambda-update-function-code",
    title: "IAM principal can escalate its privileges with lambda:UpdateFunctionCode",
    severity: Severity::High,
    row: Row::AccessRestriction,
    service: "IAM",
    why:
        "With lambda:UpdateFunctionCode on every function, the principal can replace the code of a function that runs \
          as a privileged role and act with that role. Rhino Security Labs documents this as an IAM \
          privilege-escalation path; the principal is effectively an administrator.",
    aws_side: privesc::AWS_SIDE,
    equivalents: Equivalents {
        checkov: &[],
        kics: &[
            "b69247e5-7e73-464e-ba74-ec9b715c6e12",
            "571254d8-aa6a-432e-9725-535d3ef04d69",
            "c583f0f9-7dfd-476b-a056-f47c62b47b46",
        ],
        trivy: &[],
    },
    related: privesc::RELATED,
    matcher: &Custom {
        what:
            "Flags IAM users, groups and roles whose policies (inline, and the module's managed policies attached to \
               them) allow `lambda:UpdateFunctionCode` on `Resource = \"*\"`, each action by some statement, possibly \
               in different policies. Patterns that match an action count (`lambda:Update*`); `*` and service-wide \
               wildcards are left to iam-policy-full-admin and iam-policy-service-wildcard.",
        fix: privesc::FIX,
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: privesc::TF_TYPES,
            check,
            example: crate::privesc_tf_example!("lambda:UpdateFunctionCode"),
            fixed_example: crate::privesc_tf_fixed!(
                "arn:aws:lambda:eu-west-1:123456789012:function:ci",
                "lambda:UpdateFunctionCode"
            ),
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: privesc::CFN_TYPES,
            check: check_cfn,
            example: crate::privesc_cfn_example!("*", "lambda:UpdateFunctionCode"),
            fixed_example: crate::privesc_cfn_example!(
                "arn:aws:lambda:eu-west-1:123456789012:function:ci",
                "lambda:UpdateFunctionCode"
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
  policy = "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": [\"lambda:Update*\"], \"Resource\": [\"*\"]}}"
}
"#;
        assert_eq!(lines(&RULE, tf), [1]);
        let (example, fixed) = crate::kit::testing::cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &example), [2]);
        assert!(cfn_lines(&RULE, &fixed).is_empty());
    }
}
