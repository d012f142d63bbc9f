use crate::cloudformation::check::CfnContext;
use crate::policy::Policy;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "resource-policy-statement-without-principal",
    title: "Resource-based policy has a statement without a Principal",
    severity: Severity::Low,
    row: Row::AccessRestriction,
    service: "IAM",
    why: "In a resource policy the `Principal` says who gets the access. A statement without one is rejected when \
          the policy is applied, or, in the services that accept it, grants or denies something other than \
          intended: the policy does not say what its author meant.",
    aws_side: "AWS validates the grammar of some policies when they are applied; writing the principals is the \
               customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["bbe3dd3d-fea9-4b68-a785-cfabe2bbbc54"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags resource policies (KMS key policies, bucket, queue, topic, secret, ECR repository, Glue and \
               OpenSearch domain policies, role trust policies) with a statement that has neither `Principal` nor \
               `NotPrincipal`. Identity policies, which have no principals, are not read; unreadable policies are \
               not judged.",
        fix: "Name the principals of each statement (`Principal = { AWS = [...] }`, or \
              `principals { type identifiers }` in a policy document).",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &[
                "aws_kms_key",
                "aws_kms_key_policy",
                "aws_s3_bucket_policy",
                "aws_s3_bucket",
                "aws_sqs_queue_policy",
                "aws_sqs_queue",
                "aws_sns_topic_policy",
                "aws_sns_topic",
                "aws_secretsmanager_secret_policy",
                "aws_secretsmanager_secret",
                "aws_ecr_repository_policy",
                "aws_glue_resource_policy",
                "aws_elasticsearch_domain_policy",
                "aws_opensearch_domain_policy",
                "aws_elasticsearch_domain",
                "aws_opensearch_domain",
                "aws_iam_role",
            ],
            check,
            example: r#"resource "aws_kms_key" "app" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "kms:*"
      Resource = "*"
    }]
  })
}"#,
            fixed_example: r#"resource "aws_kms_key" "app" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::123456789012:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &[
                "AWS::KMS::Key",
                "AWS::S3::BucketPolicy",
                "AWS::SQS::QueuePolicy",
                "AWS::SNS::TopicPolicy",
                "AWS::SecretsManager::ResourcePolicy",
                "AWS::ECR::Repository",
                "AWS::OpenSearchService::Domain",
                "AWS::Elasticsearch::Domain",
                "AWS::IAM::Role",
            ],
            check: check_cfn,
            example: r#"Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
          - Effect: Allow
            Action: kms:*
            Resource: '*'
"#,
            fixed_example: r#"Resources:
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub arn:aws:iam::${AWS::AccountId}:root
            Action: kms:*
            Resource: '*'
"#,
        }),
    },
};

/// Where resource policies are written in Terraform: the resource type and its attribute.
const SITES: [(&str, &str); 17] = [
    ("aws_kms_key", "policy"),
    ("aws_kms_key_policy", "policy"),
    ("aws_s3_bucket_policy", "policy"),
    ("aws_s3_bucket", "policy"),
    ("aws_sqs_queue_policy", "policy"),
    ("aws_sqs_queue", "policy"),
    ("aws_sns_topic_policy", "policy"),
    ("aws_sns_topic", "policy"),
    ("aws_secretsmanager_secret_policy", "policy"),
    ("aws_secretsmanager_secret", "policy"),
    ("aws_ecr_repository_policy", "policy"),
    ("aws_glue_resource_policy", "policy"),
    ("aws_elasticsearch_domain_policy", "access_policies"),
    ("aws_opensearch_domain_policy", "access_policies"),
    ("aws_elasticsearch_domain", "access_policies"),
    ("aws_opensearch_domain", "access_policies"),
    ("aws_iam_role", "assume_role_policy"),
];

/// Where resource policies are written in templates: the resource type and its property.
const CFN_SITES: [(&str, &str); 9] = [
    ("AWS::KMS::Key", "KeyPolicy"),
    ("AWS::S3::BucketPolicy", "PolicyDocument"),
    ("AWS::SQS::QueuePolicy", "PolicyDocument"),
    ("AWS::SNS::TopicPolicy", "PolicyDocument"),
    ("AWS::SecretsManager::ResourcePolicy", "ResourcePolicy"),
    ("AWS::ECR::Repository", "RepositoryPolicyText"),
    ("AWS::OpenSearchService::Domain", "AccessPolicies"),
    ("AWS::Elasticsearch::Domain", "AccessPolicies"),
    ("AWS::IAM::Role", "AssumeRolePolicyDocument"),
];

/// How many statements of the policy name no principal.
fn without_principal(policy: &Policy) -> usize {
    policy.statements.iter().filter(|s| s.principals.is_empty() && !s.has_not_principal).count()
}

fn message(subject: &str, attr: &str, count: usize) -> String {
    let statements = if count == 1 { "a statement".to_string() } else { format!("{count} statements") };
    format!("`{subject}` has {statements} without a `Principal` in its `{attr}`: say whom the statement is for")
}

fn check(ctx: &mut TfContext) {
    for (ty, attr) in SITES {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let Some(a) = res.block.attr(attr) else { continue };
            let Some(policy) = ctx.policy(&a.expr) else { continue };
            let count = without_principal(&policy);
            if count > 0 {
                ctx.report(res, a.range, message(&res.address(), attr, count));
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for (ty, prop) in CFN_SITES {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let Some((node, _)) = ctx.prop(res, prop) else { continue };
            let Some(policy) = ctx.policy(node) else { continue };
            let count = without_principal(&policy);
            if count > 0 {
                let range = ctx.prop_range(res, prop).unwrap_or(node.range);
                ctx.report(res, range, message(res.logical_id, prop, count));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_resource_policy_statements_without_principals() {
        let tf = r#"resource "aws_kms_key" "no_principal" {
  policy = <<EOF
{"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Resource": "*", "Action": ["kms:Create*"]}]}
EOF
}
resource "aws_kms_key" "unparseable" {
  policy = <<EOF
{"Statement": [{"Effect": "Allow", "Action": ["kms:Get*"], "Principal": "AWS": ["arn:aws:iam::1:user/u"]}]}
EOF
}
data "aws_iam_policy_document" "identity" {
  statement {
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "glue" {
  statement {
    actions   = ["glue:CreateTable"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::123456789012:root"]
    }
  }
}
resource "aws_glue_resource_policy" "with_principal" {
  policy = data.aws_iam_policy_document.glue.json
}
resource "aws_iam_role" "identity_inline" {
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }] })
  inline_policy {
    name   = "default"
    policy = data.aws_iam_policy_document.identity.json
  }
}
resource "aws_sqs_queue_policy" "from_document" {
  queue_url = "q"
  policy    = data.aws_iam_policy_document.identity.json
}
resource "aws_sns_topic_policy" "unknown_principal" {
  arn    = "t"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sns:Publish", Principal = var.who }] })
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 39]);
    }

    #[test]
    fn cloudformation_resource_policies() {
        let (example, fixed) = crate::kit::testing::cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &example), [5]);
        assert!(cfn_lines(&RULE, &fixed).is_empty());
        let yaml = r#"Resources:
  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: b
      PolicyDocument:
        Statement:
          - {Effect: Deny, Action: "s3:*", Resource: "*", Condition: {Bool: {aws:SecureTransport: false}}}
          - {Effect: Deny, NotPrincipal: {AWS: arn:aws:iam::1:root}, Action: "s3:*", Resource: "*"}
  Identity:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - {Effect: Allow, Action: "s3:*", Resource: "*"}
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [6]);
    }
}
