use crate::cloudformation::check::CfnContext;
use crate::policy::Policy;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "sns-policy-allow-notaction",
    title: "SNS topic policy combines Allow with NotAction",
    severity: Severity::Medium,
    row: Row::AccessRestriction,
    service: "SNS",
    why: "Allow with NotAction grants every action except the ones listed (including actions the service adds \
          later), so the policy is far broader than it reads.",
    aws_side: "SNS evaluates the topic policy as written.",
    equivalents: Equivalents { checkov: &[], kics: &["818f38ed-8446-4132-9c03-474d49e10195"], trivy: &[] },
    related: Related {
        checkov: &[],
        kics: &["5ea624e4-c8b1-4bb3-87a4-4235a776adcc"],
        trivy: &[],
        how: "KICS's Terraform query also flags the `policy` of any module call, such as an S3 bucket module's \
              bucket policy, which is not an SNS topic policy.",
    },
    matcher: &Custom {
        what: "Flags SNS topic policies (`aws_sns_topic_policy`, `aws_sns_topic` `policy`; in CloudFormation \
               `AWS::SNS::TopicPolicy`) with an `Allow` statement using `NotAction`. `Deny` with `NotAction`, a \
               legitimate guard, passes.",
        fix: "List the allowed actions in `Action` (`sns:Publish`, `sns:Subscribe`) instead of excluding some with \
              `NotAction`.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_sns_topic_policy", "aws_sns_topic"],
            check,
            example: r#"resource "aws_sns_topic_policy" "alerts" {
  arn = aws_sns_topic.alerts.arn
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      NotAction = "sns:DeleteTopic"
      Resource  = aws_sns_topic.alerts.arn
    }]
  })
}"#,
            fixed_example: r#"resource "aws_sns_topic_policy" "alerts" {
  arn = aws_sns_topic.alerts.arn
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "sns:Publish"
      Resource  = aws_sns_topic.alerts.arn
    }]
  })
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::SNS::TopicPolicy"],
            check: check_cfn,
            example: r#"Resources:
  AlertsPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Alerts]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {AWS: !GetAtt Publisher.Arn}
            NotAction: sns:DeleteTopic
            Resource: !Ref Alerts
"#,
            fixed_example: r#"Resources:
  AlertsPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Alerts]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {AWS: !GetAtt Publisher.Arn}
            Action: sns:Publish
            Resource: !Ref Alerts
"#,
        }),
    },
};

fn allows_with_not_action(policy: &Policy) -> bool {
    policy.statements.iter().any(|s| s.allow && !s.not_actions.is_empty())
}

const MESSAGE: &str = "has a topic policy that allows with `NotAction`: it grants every action but those listed";

fn check(ctx: &mut TfContext) {
    for ty in ["aws_sns_topic_policy", "aws_sns_topic"] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let Some(attr) = res.block.attr("policy") else { continue };
            if ctx.policy(&attr.expr).is_some_and(|p| allows_with_not_action(&p)) {
                ctx.report(res, attr.range, format!("`{}` {MESSAGE}", res.address()));
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::SNS::TopicPolicy").collect::<Vec<_>>() {
        let Some((node, _)) = ctx.prop(res, "PolicyDocument") else { continue };
        if ctx.policy(node).is_some_and(|p| allows_with_not_action(&p)) {
            let range = ctx.prop_range(res, "PolicyDocument").unwrap_or(node.range);
            ctx.report(res, range, format!("`{}` {MESSAGE}", res.logical_id));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn allow_with_not_action() {
        let tf = "resource \"aws_sns_topic_policy\" \"a\" {\n  policy = jsonencode({ Statement = [{ Effect = \"Allow\", NotAction = \"s3:DeleteBucket\", Resource = \"*\" }] })\n}\nresource \"aws_sns_topic_policy\" \"b\" {\n  policy = jsonencode({ Statement = [{ Effect = \"Deny\", NotAction = \"sns:Publish\", Resource = \"*\" }] })\n}\n";
        assert_eq!(lines(&RULE, tf), [2]);
        let yaml = "Resources:\n  P:\n    Type: AWS::SNS::TopicPolicy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            NotAction: 'iam:*'\n            Resource: '*'\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
    }
}
