use crate::cloudformation::check::CfnContext;
use crate::kit::privilege_escalation as privesc;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

/// The actions of the method, each allowed on every resource.
const ACTIONS: &[&str] = &["glue:UpdateDevEndpoint"];

pub static RULE: Rule = Rule {
    id: "iam-privilege-escalation-glue-update-dev-endpoint",
    title: "IAM principal can escalate its privileges with glue:UpdateDevEndpoint",
    severity: Severity::High,
    row: Row::AccessRestriction,
    service: "IAM",
    why: "With glue:UpdateDevEndpoint on every endpoint, the principal can add its SSH key to an existing Glue \
          development endpoint and use the endpoint role's credentials. Rhino Security Labs documents this as an IAM \
          privilege-escalation path; the principal is effectively an administrator.",
    aws_side: privesc::AWS_SIDE,
    equivalents: Equivalents {
        checkov: &[],
        kics: &[
            "9b877bd8-94b4-4c10-a060-8e0436cc09fa",
            "8f3c16b3-354d-45db-8ad5-5066778a9485",
            "eda48c88-2b7d-4e34-b6ca-04c0194aee17",
        ],
        trivy: &[],
    },
    related: privesc::RELATED,
    matcher: &Custom {
        what:
            "Flags IAM users, groups and roles whose policies (inline, and the module's managed policies attached to \
               them) allow `glue:UpdateDevEndpoint` on `Resource = \"*\"`, each action by some statement, possibly in \
               different policies. Patterns that match an action count (`glue:Update*`); `*` and service-wide \
               wildcards are left to iam-policy-full-admin and iam-policy-service-wildcard.",
        fix: privesc::FIX,
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: privesc::TF_TYPES,
            check,
            example: crate::privesc_tf_example!("glue:UpdateDevEndpoint"),
            fixed_example: crate::privesc_tf_fixed!(
                "arn:aws:glue:eu-west-1:123456789012:devEndpoint/ci",
                "glue:UpdateDevEndpoint"
            ),
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: privesc::CFN_TYPES,
            check: check_cfn,
            example: crate::privesc_cfn_example!("*", "glue:UpdateDevEndpoint"),
            fixed_example: crate::privesc_cfn_example!(
                "arn:aws:glue:eu-west-1:123456789012:devEndpoint/ci",
                "glue:UpdateDevEndpoint"
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
  policy = "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": [\"glue:Update*\"], \"Resource\": [\"*\"]}}"
}
"#;
        assert_eq!(lines(&RULE, tf), [1]);
        let (example, fixed) = crate::kit::testing::cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &example), [2]);
        assert!(cfn_lines(&RULE, &fixed).is_empty());
    }
}
