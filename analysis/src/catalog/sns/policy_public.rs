use crate::cloudformation::check::CfnContext;
use crate::kit::resource_policy::{check_cfn_policy_prop, check_policy_attr};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "sns-policy-public",
    title: "SNS topic policy allows any principal",
    severity: Severity::Critical,
    row: Row::AccessRestriction,
    service: "SNS",
    why: "A topic policy open to every principal lets any AWS account publish forged messages to every \
          subscriber, subscribe its own endpoints to receive the topic's messages, or change the topic. \
          Subscribers usually trust what arrives on the topic, so this is an injection path into them.",
    aws_side: "AWS enforces the topic policy exactly as written. Deciding which principals may publish to or \
               subscribe to the topic is the customer's duty: AWS does not block a public SNS policy.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["b26d2b7e-60f6-413d-a3a1-a57db24aa2b3", "ae53ce91-42b5-46bf-a84f-9a13366a4f13"],
        trivy: &[],
    },
    related: Related {
        checkov: &["CKV_AWS_169"],
        kics: &[],
        trivy: &[],
        how: "Checkov's CKV_AWS_169 looks at `aws_sns_topic_policy` only and reads conditions with policyuniverse, \
              which knows `aws:SourceArn`, `aws:SourceOwner`, `aws:SourceAccount`, `aws:SourceIp`, `aws:SourceVpc`, \
              `aws:SourceVpce` and `aws:userid` but not the `aws:Principal...` keys: it fails a `*` statement pinned \
              by `aws:PrincipalOrgID` or `aws:PrincipalAccount`, which this rule passes, and passes one narrowed by an \
              `aws:SourceIp` range (any but `/0`), by an `...IfExists` or `ForAllValues:` operator or by an S3 \
              `aws:SourceArn`, which this rule flags.",
    },
    matcher: &Custom {
        what: "Flags SNS topic policies (`aws_sns_topic.policy`, `aws_sns_topic_policy`) with an `Allow` statement \
               whose principal is `\"*\"` or `{\"AWS\": \"*\"}`, unless a condition pins the caller to known \
               principals (fixed values of `aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:PrincipalArn`, \
               `aws:SourceAccount`, an `aws:SourceArn` naming its account, `aws:SourceVpce` and the like, under an \
               operator that fails without the key; not `aws:SourceIp`).",
        fix: "Name the principals: an account or role ARN, or a service principal (`events.amazonaws.com`, \
              `s3.amazonaws.com`) restricted with `aws:SourceArn`/`aws:SourceAccount`.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_sns_topic", "aws_sns_topic_policy"],
            check,
            example: r#"resource "aws_sns_topic_policy" "alerts" {
  arn = aws_sns_topic.alerts.arn
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "SNS:Publish"
      Resource  = aws_sns_topic.alerts.arn
    }]
  })
}"#,
            fixed_example: r#"resource "aws_sns_topic_policy" "alerts" {
  arn = aws_sns_topic.alerts.arn
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "SNS:Publish"
      Resource  = aws_sns_topic.alerts.arn
    }]
  })
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::SNS::TopicPolicy", "AWS::SNS::TopicInlinePolicy"],
            check: check_cfn,
            example: r#"Resources:
  AlertsPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Alerts]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {AWS: "*"}
            Action: sns:Publish
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
            Principal: {Service: events.amazonaws.com}
            Action: sns:Publish
            Resource: !Ref Alerts
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    for ty in ["AWS::SNS::TopicPolicy", "AWS::SNS::TopicInlinePolicy"] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            check_cfn_policy_prop(ctx, res, "PolicyDocument", "topic");
        }
    }
}

fn check(ctx: &mut TfContext) {
    for ty in ["aws_sns_topic", "aws_sns_topic_policy"] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            check_policy_attr(ctx, res, "policy", "topic");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::lines;

    #[test]
    fn flags_public_topic_policies() {
        let text = r#"
resource "aws_sns_topic" "public" {
  policy = jsonencode({ Statement = [{ Action = "*", Principal = { AWS = "*" }, Effect = "Allow" }] })
}
resource "aws_sns_topic" "account" {
  policy = jsonencode({ Statement = [{ Action = "*", Principal = { AWS = "arn:aws:iam::##account_number##:root" }, Effect = "Allow" }] })
}
resource "aws_sns_topic_policy" "public" {
  arn    = aws_sns_topic.public.arn
  policy = "{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"SNS:Subscribe\"}}"
}
resource "aws_sns_topic_policy" "source_account" {
  arn    = aws_sns_topic.public.arn
  policy = jsonencode({ Statement = [{ Action = "SNS:Publish", Principal = "*", Effect = "Allow",
    Condition = { StringEquals = { "AWS:SourceOwner" = var.account } } }] })
}
resource "aws_sns_topic_policy" "unknown" {
  arn    = aws_sns_topic.public.arn
  policy = var.policy
}
"#;
        assert_eq!(lines(&RULE, text), [3, 10]);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::cfn_lines;
        let yaml = r#"Resources:
  Public:
    Type: AWS::SNS::TopicPolicy
    Properties:
      PolicyDocument:
        Statement: [{"Effect": "Allow", "Principal": "*", "Action": ["sns:Publish"]}]
  Named:
    Type: AWS::SNS::TopicPolicy
    Properties:
      PolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {AWS: !GetAtt User.Arn}, Action: sns:Publish}
  SourceOwner:
    Type: AWS::SNS::TopicPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: sns:Publish
            Condition: {StringEquals: {AWS:SourceOwner: "111122223333"}}
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        let json = r#"{"Resources": {"P": {"Type": "AWS::SNS::TopicPolicy", "Properties": {
  "PolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sns:Subscribe"}]}}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [2]);
    }

    #[test]
    fn only_conditions_that_pin_the_caller_keep_it_private() {
        crate::kit::testing::check_caller_conditions(
            &RULE,
            "sns:Publish",
            |statements: &str| {
                format!(
                    r#"resource "aws_sns_topic_policy" "p" {{
  arn = "t"
  policy = <<EOF
{{"Statement": {statements}}}
EOF
}}
"#
                )
            },
            Some(&|statements: &str| {
                format!(
                    r#"Resources:
  P:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [t]
      PolicyDocument:
        Statement: {statements}
"#
                )
            }),
        );
    }
}
