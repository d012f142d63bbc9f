use crate::cloudformation::check::CfnContext;
use crate::policy::Policy;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "cloudwatch-log-destination-policy-too-open",
    title: "CloudWatch Logs destination policy allows any principal or every logs action",
    severity: Severity::Medium,
    row: Row::AccessRestriction,
    service: "CloudWatch Logs",
    why: "A destination is a cross-account entry point into your log pipeline; `logs:*` or a wildcard principal \
          lets other accounts subscribe arbitrary log groups to it or change it.",
    aws_side: "CloudWatch Logs applies the destination policy as written; scoping it to the sending accounts and \
               `logs:PutSubscriptionFilter` is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["db0ec4c4-852c-46a2-b4f3-7ec13cdb12a8"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags log destination policies (`aws_cloudwatch_log_destination_policy` `access_policy`, \
               `AWS::Logs::Destination` `DestinationPolicy`) with an `Allow` statement for any principal (`*`) or \
               allowing `logs:*` or `*`.",
        fix: "Name the accounts that send logs and allow them `logs:PutSubscriptionFilter` only.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_cloudwatch_log_destination_policy"],
            check,
            example: r#"resource "aws_cloudwatch_log_destination_policy" "central" {
  destination_name = aws_cloudwatch_log_destination.central.name
  access_policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { AWS = "111122223333" }, Action = "logs:*", Resource = "*" }]
  })
}"#,
            fixed_example: r#"resource "aws_cloudwatch_log_destination_policy" "central" {
  destination_name = aws_cloudwatch_log_destination.central.name
  access_policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { AWS = "111122223333" }, Action = "logs:PutSubscriptionFilter", Resource = "*" }]
  })
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Logs::Destination"],
            check: check_cfn,
            example: r#"Resources:
  Central:
    Type: AWS::Logs::Destination
    Properties:
      DestinationName: central
      RoleArn: !GetAtt Role.Arn
      TargetArn: !GetAtt Stream.Arn
      DestinationPolicy: '{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "logs:PutSubscriptionFilter", "Resource": "*"}]}'
"#,
            fixed_example: r#"Resources:
  Central:
    Type: AWS::Logs::Destination
    Properties:
      DestinationName: central
      RoleArn: !GetAtt Role.Arn
      TargetArn: !GetAtt Stream.Arn
      DestinationPolicy: '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "logs:PutSubscriptionFilter", "Resource": "*"}]}'
"#,
        }),
    },
};

fn openness(policy: &Policy) -> Option<&'static str> {
    policy.statements.iter().filter(|s| s.allow).find_map(|s| {
        if s.has_public_principal() {
            Some("allows any principal (`*`)")
        } else if s.actions.iter().any(|a| a == "*" || a.eq_ignore_ascii_case("logs:*")) {
            Some("allows every logs action")
        } else {
            None
        }
    })
}

fn message(subject: &str, what: &str) -> String {
    format!("`{subject}`'s destination policy {what}: other accounts can subscribe or change the destination")
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_cloudwatch_log_destination_policy").collect::<Vec<_>>() {
        let Some(attr) = res.block.attr("access_policy") else { continue };
        let Some(what) = ctx.policy(&attr.expr).and_then(|p| openness(&p)) else { continue };
        ctx.report(res, attr.range, message(&res.address(), what));
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::Logs::Destination").collect::<Vec<_>>() {
        let Some((node, _)) = ctx.prop(res, "DestinationPolicy") else { continue };
        let Some(what) = ctx.policy(node).and_then(|p| openness(&p)) else { continue };
        let range = ctx.prop_range(res, "DestinationPolicy").unwrap_or(node.range);
        ctx.report(res, range, message(res.logical_id, what));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_open_destination_policies() {
        let tf = r#"data "aws_iam_policy_document" "wide" {
  statement {
    effect = "Allow"
    principals {
      type        = "AWS"
      identifiers = [data.aws_caller_identity.current.id]
    }
    actions = ["logs:*"]
  }
}
resource "aws_cloudwatch_log_destination_policy" "wide" {
  destination_name = "d"
  access_policy    = data.aws_iam_policy_document.wide.json
}
resource "aws_cloudwatch_log_destination_policy" "narrow" {
  destination_name = "d"
  access_policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "111122223333" }, Action = "logs:PutSubscriptionFilter" }] })
}
resource "aws_cloudwatch_log_destination_policy" "unknown" {
  destination_name = "d"
  access_policy    = var.policy
}
"#;
        assert_eq!(lines(&RULE, tf), [13]);
        let (example, fixed) = crate::kit::testing::cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &example), [8]);
        assert!(cfn_lines(&RULE, &fixed).is_empty());
    }
}
