use crate::kit::resource_policy;
use crate::responsibility::Row;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "glue-resource-policy-public",
    title: "Glue Data Catalog resource policy allows any principal",
    severity: Severity::High,
    row: Row::AccessRestriction,
    service: "Glue",
    why: "The catalog policy governs every database and table of the account's catalog. A principal of `*` lets any \
          AWS account read, or with `glue:*` rewrite, schemas and table locations, and through them reach the data.",
    aws_side: "AWS evaluates the policy; writing it is the customer's duty.",
    equivalents: Equivalents { checkov: &[], kics: &["d25edb51-07fb-4a73-97d4-41cecdc53a22"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what:
            "Flags `aws_glue_resource_policy` whose policy (JSON, `jsonencode` or a policy document data source) has \
               an `Allow` statement for any principal (`*`, `{\"AWS\": \"*\"}`), unless a condition pins the caller to \
               known principals (fixed values of `aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:PrincipalArn`, \
               `aws:SourceAccount`, an `aws:SourceArn` naming its account, `aws:SourceVpce` and the like, under an \
               operator that fails without the key; not `aws:SourceIp`).",
        fix: "Name the accounts or roles that may use the catalog, or add a condition on `aws:PrincipalOrgID` or \
              `aws:PrincipalAccount`.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_glue_resource_policy"],
            check,
            example: r#"resource "aws_glue_resource_policy" "catalog" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "glue:GetTable"
      Resource  = "*"
    }]
  })
}"#,
            fixed_example: r#"resource "aws_glue_resource_policy" "catalog" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "glue:GetTable"
      Resource  = "*"
    }]
  })
}"#,
        }),
        cloudformation: None,
    },
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_glue_resource_policy").collect::<Vec<_>>() {
        resource_policy::check_policy_attr(ctx, res, "policy", "data catalog");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::lines;

    #[test]
    fn flags_public_catalog_policies() {
        // KICS: a policy document with `glue:*` for principal `*`; a SAML provider principal passes.
        let tf = r#"data "aws_iam_policy_document" "public" {
  statement {
    actions   = ["glue:*"]
    resources = ["*"]
    principals {
      identifiers = ["*"]
      type        = "AWS"
    }
  }
}
data "aws_iam_policy_document" "named" {
  statement {
    actions   = ["glue:CreateTable"]
    resources = ["*"]
    principals {
      identifiers = ["arn:aws:iam::111122223333:saml-provider/idp"]
      type        = "AWS"
    }
  }
}
resource "aws_glue_resource_policy" "public" {
  policy = data.aws_iam_policy_document.public.json
}
resource "aws_glue_resource_policy" "named" {
  policy = data.aws_iam_policy_document.named.json
}
resource "aws_glue_resource_policy" "org" {
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "glue:GetTable"
      Resource  = "*"
      Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-123" } }
    }]
  })
}
"#;
        assert_eq!(lines(&RULE, tf), [22]);
    }

    #[test]
    fn only_conditions_that_pin_the_caller_keep_it_private() {
        crate::kit::testing::check_caller_conditions(
            &RULE,
            "glue:GetTable",
            |statements: &str| {
                format!(
                    r#"resource "aws_glue_resource_policy" "p" {{
  policy = <<EOF
{{"Statement": {statements}}}
EOF
}}
"#
                )
            },
            None,
        );
    }
}
