use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;

pub static RULE: Rule = Rule {
    id: "cfn-stack-without-stack-policy",
    title: "CloudFormation stack has no stack policy protecting resources from updates",
    severity: Severity::Low,
    row: Row::BusinessContinuity,
    service: "CloudFormation",
    why: "Without a stack policy, any update may replace or delete the stack's stateful resources (databases, \
          buckets); a policy denies `Update:Replace` and `Update:Delete` on them unless explicitly overridden.",
    aws_side: "CloudFormation enforces the stack policy during updates; writing one is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["2f01fb2d-828a-499d-b98e-b83747305052"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_cloudformation_stack` resources with neither `policy_body` nor `policy_url`.",
        fix: "Give the stack a policy (`policy_body`) that denies replacing and deleting its stateful resources.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_cloudformation_stack"],
            check,
            example: r#"resource "aws_cloudformation_stack" "data" {
  name         = "data"
  template_url = "https://s3.amazonaws.com/templates/data.yaml"
}"#,
            fixed_example: r#"resource "aws_cloudformation_stack" "data" {
  name         = "data"
  template_url = "https://s3.amazonaws.com/templates/data.yaml"
  policy_body = jsonencode({
    Statement = [
      { Effect = "Allow", Action = "Update:*", Principal = "*", Resource = "*" },
      { Effect = "Deny", Action = ["Update:Replace", "Update:Delete"], Principal = "*", Resource = "LogicalResourceId/Database" },
    ]
  })
}"#,
        }),
        cloudformation: None,
    },
};

fn check(ctx: &mut TfContext) {
    for stack in ctx.resources("aws_cloudformation_stack").collect::<Vec<_>>() {
        if stack.block.attr("policy_body").is_some() || stack.block.attr("policy_url").is_some() {
            continue;
        }
        let message = format!(
            "`{}` has no stack policy: any update may replace or delete its stateful resources",
            stack.address()
        );
        let policy = "jsonencode({\n  Statement = [\n    { Effect = \"Allow\", Action = \"Update:*\", Principal = \"*\", Resource = \"*\" },\n    \
                      { Effect = \"Deny\", Action = [\"Update:Replace\", \"Update:Delete\"], Principal = \"*\", Resource = \"*\" },\n  ]\n})";
        let fix = Fix::unsafe_(
            "Deny replacing and deleting the stack's resources (review the resources it covers)",
            vec![edit::set_attribute(ctx.file(stack), stack.block, "policy_body", policy)],
        );
        ctx.report_with_fix(stack, stack.block.header, message, fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_stacks_without_a_policy() {
        let tf = r#"resource "aws_cloudformation_stack" "none" {
  name = "networking-stack"
}
resource "aws_cloudformation_stack" "url" {
  policy_url = "somepolicyurl"
}
resource "aws_cloudformation_stack" "body" {
  policy_body = "somepolicy"
}
"#;
        assert_eq!(lines(&RULE, tf), [1]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }
}
