use crate::cloudformation::check::CfnContext;
use crate::kit::opensearch;
use crate::policy::Policy;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "opensearch-policy-allows-all-actions",
    title: "OpenSearch domain policy allows every es: action",
    severity: Severity::Medium,
    row: Row::AccessRestriction,
    service: "OpenSearch",
    why: "`es:*` includes the configuration APIs (`UpdateDomainConfig`, `DeleteDomain`) as well as all data \
          access; applications need only the `ESHttp*` verbs on their indices. Administrator roles legitimately \
          hold it: suppress the finding there.",
    aws_side: "OpenSearch enforces the policy; least-privilege actions are the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["16c4216a-50d3-4785-bfb2-4adb5144a8ba"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags domain access policies (`aws_opensearch_domain_policy`, `aws_elasticsearch_domain_policy`, a \
               domain's `access_policies`, `AccessPolicies`) with an `Allow` statement whose actions include \
               `es:*` or `*`.",
        fix: "Allow the `es:ESHttp*` actions the clients use (`es:ESHttpGet`, `es:ESHttpPost`) on the indices they \
              need.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &[
                "aws_opensearch_domain_policy",
                "aws_elasticsearch_domain_policy",
                "aws_opensearch_domain",
                "aws_elasticsearch_domain",
            ],
            check,
            example: r#"resource "aws_opensearch_domain_policy" "search" {
  domain_name = aws_opensearch_domain.search.domain_name
  access_policies = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { AWS = aws_iam_role.app.arn }, Action = "es:*", Resource = "${aws_opensearch_domain.search.arn}/*" }]
  })
}"#,
            fixed_example: r#"resource "aws_opensearch_domain_policy" "search" {
  domain_name = aws_opensearch_domain.search.domain_name
  access_policies = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { AWS = aws_iam_role.app.arn }, Action = ["es:ESHttpGet", "es:ESHttpPost"], Resource = "${aws_opensearch_domain.search.arn}/app-*" }]
  })
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &opensearch::CFN_DOMAINS,
            check: check_cfn,
            example: r#"Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      AccessPolicies:
        Statement:
          - Effect: Allow
            Principal: {AWS: !GetAtt App.Arn}
            Action: es:*
            Resource: '*'
"#,
            fixed_example: r#"Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      AccessPolicies:
        Statement:
          - Effect: Allow
            Principal: {AWS: !GetAtt App.Arn}
            Action: [es:ESHttpGet, es:ESHttpPost]
            Resource: '*'
"#,
        }),
    },
};

fn all_actions(policy: &Policy) -> bool {
    policy.statements.iter().any(|s| s.allow && s.actions.iter().any(|a| a == "*" || a.eq_ignore_ascii_case("es:*")))
}

const WHAT: &str = "has an access policy that allows every `es:` action, domain configuration and deletion included";

fn check(ctx: &mut TfContext) {
    for ty in [
        "aws_opensearch_domain_policy",
        "aws_elasticsearch_domain_policy",
        "aws_opensearch_domain",
        "aws_elasticsearch_domain",
    ] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let Some(attr) = res.block.attr("access_policies") else { continue };
            if ctx.policy(&attr.expr).is_some_and(|p| all_actions(&p)) {
                ctx.report(res, attr.range, format!("`{}` {WHAT}", res.address()));
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for domain in opensearch::cfn_domains(ctx) {
        let Some((node, _)) = ctx.prop(domain, "AccessPolicies") else { continue };
        if ctx.policy(node).is_some_and(|p| all_actions(&p)) {
            let range = ctx.prop_range(domain, "AccessPolicies").unwrap_or(node.range);
            ctx.report(domain, range, format!("`{}` {WHAT}", domain.logical_id));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_every_es_action() {
        let tf = r#"resource "aws_elasticsearch_domain_policy" "main" {
  domain_name = "d"
  access_policies = <<POLICIES
{"Version": "2012-10-17", "Statement": [{"Action": "es:*", "Principal": "*", "Effect": "Allow"}]}
POLICIES
}
resource "aws_elasticsearch_domain_policy" "narrow" {
  domain_name = "d"
  access_policies = jsonencode({ Statement = [{ Effect = "Allow", Principal = { AWS = ["arn:aws:iam::123456789012:user/test-user"] },
    Action = ["es:ESHttpGet"], Resource = "arn:aws:es:us-west-1:987654321098:domain/test-domain/test-index/_search" }] })
}
resource "aws_opensearch_domain" "inline" {
  access_policies = jsonencode({ Statement = [{ Effect = "Deny", Principal = "*", Action = "es:*" }] })
}
resource "aws_opensearch_domain_policy" "unknown" {
  access_policies = var.policy
}
"#;
        assert_eq!(lines(&RULE, tf), [3]);
        let (example, fixed) = crate::kit::testing::cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &example), [5]);
        assert!(cfn_lines(&RULE, &fixed).is_empty());
    }
}
