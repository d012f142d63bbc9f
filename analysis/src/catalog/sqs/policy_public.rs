use crate::cloudformation::check::CfnContext;
use crate::kit::resource_policy::{check_cfn_policy_prop, check_policy_attr};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "sqs-policy-public",
    title: "SQS queue policy allows any principal",
    severity: Severity::Critical,
    row: Row::AccessRestriction,
    service: "SQS",
    why: "A queue policy open to every principal lets any AWS account (and, for some actions, anonymous callers) \
          send, read or delete messages: attackers can inject forged events into consumers, drain the queue or \
          read its data. A condition on the source IP narrows where requests come from, not who makes them; only \
          one that pins the caller (an organisation, an account, the topic that feeds the queue) closes it.",
    aws_side: "AWS evaluates the queue policy on every request exactly as written. Deciding which principals may \
               use the queue is the customer's duty: AWS does not block a public SQS policy.",
    equivalents: Equivalents { checkov: &[], kics: &["730675f9-52ed-49b6-8ead-0acb5dd7df7f"], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_168"],
        kics: &["abb06e5f-ef9a-4a99-98c6-376d396bfcdf"],
        trivy: &[],
        how: "Checkov's CKV_AWS_168 reads conditions with policyuniverse, which knows `aws:SourceArn`, \
              `aws:SourceOwner`, `aws:SourceAccount`, `aws:SourceIp`, `aws:SourceVpc`, `aws:SourceVpce` and \
              `aws:userid` but not the `aws:Principal...` keys: it fails a `*` statement pinned by \
              `aws:PrincipalOrgID` or `aws:PrincipalAccount`, which this rule passes, and passes one narrowed by an \
              `aws:SourceIp` range (any but `/0`), by an `...IfExists` or `ForAllValues:` operator or by an S3 \
              `aws:SourceArn`, which this rule flags. KICS's SQS Queue Exposed (abb06e5f) flags a `*` principal \
              whatever its conditions, its own examples' `aws:SourceArn` of the topic that feeds the queue included, \
              which this rule takes to pin the caller.",
    },
    matcher: &Custom {
        what: "Flags SQS queue policies (`aws_sqs_queue.policy`, `aws_sqs_queue_policy`, the `policy` input of \
               `terraform-aws-modules/sqs`) with an `Allow` statement whose principal is `\"*\"` or `{\"AWS\": \
               \"*\"}`, unless a condition pins the caller to known principals (fixed values of `aws:PrincipalOrgID`, \
               `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:SourceAccount`, an `aws:SourceArn` naming its account, \
               `aws:SourceVpce` and the like, under an operator that fails without the key; not `aws:SourceIp`).",
        fix:
            "Name the principals that need the queue: an account (`{\"AWS\": \"arn:aws:iam::111122223333:root\"}`), a \
             role, or a service (`{\"Service\": \"sns.amazonaws.com\"}` with an `aws:SourceArn` condition).",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_sqs_queue", "aws_sqs_queue_policy"],
            check,
            example: r#"resource "aws_sqs_queue_policy" "orders" {
  queue_url = aws_sqs_queue.orders.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.orders.arn
    }]
  })
}"#,
            fixed_example: r#"resource "aws_sqs_queue_policy" "orders" {
  queue_url = aws_sqs_queue.orders.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.orders.arn
      Condition = { ArnEquals = { "aws:SourceArn" = aws_sns_topic.orders.arn } }
    }]
  })
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::SQS::QueuePolicy", "AWS::SQS::QueueInlinePolicy"],
            check: check_cfn,
            example: r#"Resources:
  OrdersPolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Orders]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: sqs:SendMessage
            Resource: !GetAtt Orders.Arn
"#,
            fixed_example: r#"Resources:
  OrdersPolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Orders]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: sns.amazonaws.com}
            Action: sqs:SendMessage
            Resource: !GetAtt Orders.Arn
            Condition: {ArnEquals: {aws:SourceArn: !Ref OrdersTopic}}
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    for ty in ["AWS::SQS::QueuePolicy", "AWS::SQS::QueueInlinePolicy"] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            check_cfn_policy_prop(ctx, res, "PolicyDocument", "queue");
        }
    }
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources_like("aws_sqs_queue", "sqs").collect::<Vec<_>>() {
        check_policy_attr(ctx, res, "policy", "queue");
    }
    for res in ctx.resources("aws_sqs_queue_policy").collect::<Vec<_>>() {
        check_policy_attr(ctx, res, "policy", "queue");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::lines;

    #[test]
    fn flags_public_principals_however_written() {
        let text = r#"
resource "aws_sqs_queue" "inline" {
  policy = <<EOF
{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "${aws_sqs_queue.q.arn}",
  "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:*:orders"}}}]}
EOF
}
resource "aws_sqs_queue_policy" "aws_list" {
  queue_url = aws_sqs_queue.q.id
  policy    = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = ["*"] }, Action = "sqs:*" }] })
}
data "aws_iam_policy_document" "doc" {
  statement {
    actions = ["sqs:SendMessage"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}
resource "aws_sqs_queue_policy" "document" {
  queue_url = aws_sqs_queue.q.id
  policy    = data.aws_iam_policy_document.doc.json
}
resource "aws_sqs_queue_policy" "account" {
  queue_url = aws_sqs_queue.q.id
  policy    = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "sqs:*" }] })
}
resource "aws_sqs_queue_policy" "org" {
  queue_url = aws_sqs_queue.q.id
  policy    = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "sqs:*",
    Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-abc" } } }] })
}
resource "aws_sqs_queue_policy" "deny" {
  queue_url = aws_sqs_queue.q.id
  policy    = jsonencode({ Statement = [{ Effect = "Deny", Principal = "*", Action = "sqs:*" }] })
}
resource "aws_sqs_queue_policy" "no_principal" {
  queue_url = aws_sqs_queue.q.id
  policy    = jsonencode({ Statement = [{ Effect = "Allow", Action = "sqs:*" }] })
}
resource "aws_sqs_queue_policy" "unknown" {
  queue_url = aws_sqs_queue.q.id
  policy    = var.policy
}
resource "aws_sqs_queue_policy" "file" {
  queue_url = aws_sqs_queue.q.id
  policy    = file("policy.json")
}
module "queue" {
  source = "terraform-aws-modules/sqs/aws"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "sqs:*" }] })
}
"#;
        assert_eq!(lines(&RULE, text), [3, 52, 10, 23]);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::cfn_lines;
        let yaml = r#"Resources:
  Public:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Q]
      PolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {AWS: ["111122223333", "*"]}, Action: "sqs:*"}
  Org:
    Type: AWS::SQS::QueuePolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: sqs:SendMessage
            Condition: {StringEquals: {aws:PrincipalOrgID: o-abc}}
  Deny:
    Type: AWS::SQS::QueuePolicy
    Properties:
      PolicyDocument: {Statement: [{Effect: Deny, Principal: "*", Action: "sqs:*"}]}
  Unknown:
    Type: AWS::SQS::QueuePolicy
    Properties:
      PolicyDocument: !Ref Doc
  Half:
    Type: AWS::SQS::QueuePolicy
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [6]);
        let json = r#"{"Resources": {"P": {"Type": "AWS::SQS::QueueInlinePolicy", "Properties": {"Queue": {"Ref": "Q"},
  "PolicyDocument": "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"sqs:*\"}]}"}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [2]);
    }

    #[test]
    fn only_conditions_that_pin_the_caller_keep_it_private() {
        crate::kit::testing::check_caller_conditions(
            &RULE,
            "sqs:SendMessage",
            |statements: &str| {
                format!(
                    r#"resource "aws_sqs_queue_policy" "p" {{
  queue_url = "q"
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
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [q]
      PolicyDocument:
        Statement: {statements}
"#
                )
            }),
        );
    }
}
