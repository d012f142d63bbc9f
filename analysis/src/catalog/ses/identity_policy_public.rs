use crate::policy::Policy;
use crate::responsibility::Row;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "ses-identity-policy-public",
    title: "SES identity policy lets any principal send as the identity",
    severity: Severity::High,
    row: Row::AccessRestriction,
    service: "SES",
    why: "Anyone with an AWS account could send mail as your verified domain or address: phishing that passes \
          SPF and DKIM.",
    aws_side: "SES evaluates the sending authorization policy the customer attaches. (CloudFormation has no \
               resource for these policies.)",
    equivalents: Equivalents { checkov: &[], kics: &["34b921bd-90a0-402e-a0a5-dc73371fd963"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what:
            "Flags `aws_ses_identity_policy` with an `Allow` statement whose principal is `*` (or `{\"AWS\": \"*\"}`) \
               and that has no condition.",
        fix: "Name the accounts or roles allowed to send as the identity, or keep `*` with a condition \
              (`aws:SourceAccount`, `aws:PrincipalOrgID`).",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ses_identity_policy"],
            check,
            example: r#"resource "aws_ses_identity_policy" "send" {
  identity = aws_ses_domain_identity.example.arn
  name     = "send"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "ses:SendEmail", Resource = "*" }]
  })
}"#,
            fixed_example: r#"resource "aws_ses_identity_policy" "send" {
  identity = aws_ses_domain_identity.example.arn
  name     = "send"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "ses:SendEmail", Resource = "*" }]
  })
}"#,
        }),
        cloudformation: None,
    },
};

fn public(policy: &Policy) -> bool {
    policy.statements.iter().any(|s| s.allow && s.has_public_principal() && s.conditions.is_empty())
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_ses_identity_policy").collect::<Vec<_>>() {
        let Some(attr) = res.block.attr("policy") else { continue };
        if ctx.policy(&attr.expr).is_some_and(|p| public(&p)) {
            let message = format!("`{}` lets any AWS principal send mail as the identity", res.address());
            ctx.report(res, attr.range, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::lines;

    #[test]
    fn public_identity_policies() {
        let tf = "resource \"aws_ses_identity_policy\" \"a\" {\n  policy = jsonencode({ Statement = [{ Effect = \"Allow\", Principal = { AWS = \"*\" }, Action = \"*\", Resource = \"*\" }] })\n}\nresource \"aws_ses_identity_policy\" \"b\" {\n  policy = jsonencode({ Statement = [{ Effect = \"Allow\", Principal = { AWS = \"arn:aws:iam::987654321145:root\" }, Action = \"*\", Resource = \"*\" }] })\n}\nresource \"aws_ses_identity_policy\" \"c\" {\n  policy = jsonencode({ Statement = [{ Effect = \"Allow\", Principal = \"*\", Action = \"ses:SendEmail\", Resource = \"*\", Condition = { StringEquals = { \"aws:SourceAccount\" = \"1\" } } }] })\n}\n";
        assert_eq!(lines(&RULE, tf), [2]);
    }
}
