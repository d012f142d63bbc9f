use crate::responsibility::Row;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::Value;

/// The resource types whose policy attribute holds a policy document as JSON text (see [`policy_attribute`]).
const TYPES: &[&str] = &[
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
    "aws_iam_role",
    "aws_s3_bucket_policy",
    "aws_sqs_queue_policy",
    "aws_sns_topic_policy",
    "aws_ecr_repository_policy",
    "aws_kms_key",
    "aws_secretsmanager_secret_policy",
];

/// The attribute of a type of [`TYPES`] that holds its policy: a role's trust policy, else `policy`.
fn policy_attribute(ty: &str) -> &'static str {
    if ty == "aws_iam_role" {
        "assume_role_policy"
    } else {
        "policy"
    }
}

pub static RULE: Rule = Rule {
    id: "iam-policy-json-malformed",
    title: "Policy document is not valid JSON",
    severity: Severity::Medium,
    row: Row::AccessRestriction,
    service: "IAM",
    why: "A policy that does not parse is rejected by AWS at apply time, or, where a pipeline tolerates the failure, \
          never takes effect: the access it was meant to restrict stays as it was. No rule can judge its statements \
          either, so its mistakes go unseen until then.",
    aws_side: "AWS validates policy documents when they are set. Writing them correctly is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags identity, trust and resource policies (`aws_iam_policy`, `aws_iam_role_policy`, \
               `aws_iam_role.assume_role_policy`, bucket, queue, topic, repository, key and secret policies) whose \
               text, fully known, is not valid JSON (a trailing comma, a missing quote). A policy built with \
               `jsonencode` or an `aws_iam_policy_document` cannot be malformed; one with parts onus cannot know \
               is not judged.",
        fix: "Correct the JSON, or write the policy with `jsonencode({...})` or a `data \"aws_iam_policy_document\"`, \
              which Terraform renders as valid JSON.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: TYPES,
            check,
            example: r#"resource "aws_iam_policy" "read" {
  policy = <<POLICY
{
  "Statement": [
    { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::app/*" },
  ]
}
POLICY
}"#,
            fixed_example: r#"resource "aws_iam_policy" "read" {
  policy = jsonencode({
    Statement = [
      { Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::app/*" },
    ]
  })
}"#,
        }),
        cloudformation: None,
    },
};

fn check(ctx: &mut TfContext) {
    for ty in TYPES {
        let attr = policy_attribute(ty);
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let Some((a, Value::String(text))) = ctx.attr(res.block, attr) else { continue };
            if text.contains(crate::terraform::eval::UNKNOWN_PART) || text.trim().is_empty() {
                continue;
            }
            let Err(e) = serde_json::from_str::<serde_json::Value>(&text) else { continue };
            let message = format!(
                "`{}` sets `{attr}` to text that is not valid JSON ({e}): AWS rejects it, and its statements cannot \
                 be judged",
                res.address()
            );
            ctx.report(res, a.range, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::lines;

    #[test]
    fn flags_policies_that_do_not_parse() {
        let text = r#"resource "aws_iam_policy" "trailing_comma" {
  policy = "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\"},]}"
}
resource "aws_s3_bucket_policy" "missing_quote" {
  bucket = "b"
  policy = <<POLICY
{"Statement": [{"Effect": "Allow, "Principal": "*", "Action": "s3:GetObject"}]}
POLICY
}
resource "aws_iam_policy" "good" {
  policy = "{\"Statement\": []}"
}
resource "aws_iam_policy" "encoded" {
  policy = jsonencode({ Statement = [] })
}
resource "aws_iam_role" "unknown_part" {
  assume_role_policy = "{\"Statement\": [${var.statement}]}"
}
resource "aws_iam_role" "from_variable" {
  assume_role_policy = var.policy
}
"#;
        assert_eq!(lines(&RULE, text), [2, 6]);
    }
}
