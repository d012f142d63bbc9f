use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::kit::opensearch;
use crate::policy::Policy;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "opensearch-allows-anonymous-access",
    title: "OpenSearch domain access policy allows any principal (no IAM authentication)",
    severity: Severity::High,
    row: Row::AccessRestriction,
    service: "OpenSearch",
    why: "With `*` in the access policy no request needs to be signed: every process on an allowed network (or \
          behind a shared NAT) has full access, and nothing is attributable to an identity. An IP condition does \
          not change that.",
    aws_side: "OpenSearch enforces the access policy and, with fine-grained access control, its own users; \
               requiring signed IAM requests is the customer's.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["e7530c3c-b7cf-4149-8db9-d037a0b5268e", "5c666ed9-b586-49ab-9873-c495a833b705"],
        trivy: &[],
    },
    related: Related {
        checkov: &["CKV2_AWS_52"],
        kics: &[],
        trivy: &[],
        how: "CKV2_AWS_52 asks every domain for fine-grained access control, whatever its access policy.",
    },
    matcher: &Custom {
        what: "Flags OpenSearch and Elasticsearch domains whose access policy (`access_policies`, or an \
               `aws_opensearch_domain_policy` / `aws_elasticsearch_domain_policy` naming the domain; \
               `AccessPolicies`) has an `Allow` statement for any principal (`*`) or for no principal, whatever its \
               conditions, unless fine-grained access control (`advanced_security_options.enabled`) authenticates \
               users.",
        fix: "Name IAM principals in the access policy and sign requests, or enable fine-grained access control.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_opensearch_domain", "aws_elasticsearch_domain"],
            check,
            example: r#"resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  access_policies = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "es:ESHttp*"
      Resource  = "arn:aws:es:eu-west-1:123456789012:domain/search/*"
      Condition = { IpAddress = { "aws:SourceIp" = "10.0.0.0/8" } }
    }]
  })
}"#,
            fixed_example: r#"resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  access_policies = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = aws_iam_role.search_clients.arn }
      Action    = "es:ESHttp*"
      Resource  = "arn:aws:es:eu-west-1:123456789012:domain/search/*"
    }]
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
            Principal: {AWS: '*'}
            Action: es:ESHttp*
            Resource: !Sub arn:aws:es:${AWS::Region}:${AWS::AccountId}:domain/search/*
"#,
            fixed_example: r#"Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      AccessPolicies:
        Statement:
          - Effect: Allow
            Principal: {AWS: !GetAtt SearchClients.Arn}
            Action: es:ESHttp*
            Resource: !Sub arn:aws:es:${AWS::Region}:${AWS::AccountId}:domain/search/*
"#,
        }),
    },
};

fn anonymous(policy: &Policy) -> bool {
    policy
        .statements
        .iter()
        .any(|s| s.allow && (s.has_public_principal() || (s.principals.is_empty() && !s.has_not_principal)))
}

const FIX: &str = "Enable fine-grained access control (set its master user)";

const WHAT: &str = "has an access policy that allows any principal: requests need no signature, so anyone on an \
                    allowed network has access";

fn check(ctx: &mut TfContext) {
    for domain in opensearch::domains(ctx) {
        let fgac = ctx
            .nested(domain.config(), "advanced_security_options")
            .into_iter()
            .any(|c| ctx.field(c, "enabled").is_some_and(|(_, v)| v.as_bool() != Some(false)));
        if fgac {
            continue;
        }
        let open = opensearch::access_policies(ctx, domain)
            .into_iter()
            .find(|(_, a)| ctx.policy(&a.expr).is_some_and(|p| anonymous(&p)));
        if let Some((from, _)) = open {
            let message = format!("`{}` {WHAT} (`{}`)", domain.address(), from.address());
            let file = ctx.file(domain);
            let edit = match ctx.block_of(domain.block, "advanced_security_options") {
                Some(block) => edit::set_attribute(file, block, "enabled", "true"),
                None => edit::insert_in_block(file, domain.block, "advanced_security_options {\n  enabled = true\n}"),
            };
            ctx.report(domain, domain.block.header, message).fixes.push(Fix::unsafe_(FIX, vec![edit]));
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for domain in opensearch::cfn_domains(ctx) {
        if ctx.prop(domain, "AdvancedSecurityOptions.Enabled").is_some_and(|(_, v)| v.as_bool() != Some(false)) {
            continue;
        }
        let Some((node, _)) = ctx.prop(domain, "AccessPolicies") else { continue };
        if ctx.policy(node).is_some_and(|p| anonymous(&p)) {
            let range = ctx.prop_range(domain, "AccessPolicies").unwrap_or(node.range);
            let edit = match ctx.prop(domain, "AdvancedSecurityOptions") {
                Some((options, _)) => cfn_edit::set_key(ctx.template, options, "Enabled", &json!(true)),
                None => {
                    cfn_edit::set_property(ctx.template, domain, "AdvancedSecurityOptions", &json!({"Enabled": true}))
                }
            };
            ctx.report(domain, range, format!("`{}` {WHAT}", domain.logical_id))
                .fixes
                .push(Fix::unsafe_(FIX, vec![edit]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_domains_open_to_anyone() {
        let tf = r#"resource "aws_elasticsearch_domain" "example" {
  domain_name = "tf-test"
}
resource "aws_elasticsearch_domain_policy" "main" {
  domain_name     = aws_elasticsearch_domain.example.domain_name
  access_policies = jsonencode({ Statement = [{ Action = "es:*", Principal = "*", Effect = "Allow",
    Condition = { IpAddress = { "aws:SourceIp" = "127.0.0.1/32" } } }] })
}
resource "aws_elasticsearch_domain" "no_principal" {
  domain_name = "tf-test-2"
  access_policies = jsonencode({ Statement = [{ Action = "es:*", Effect = "Allow" }] })
}
resource "aws_elasticsearch_domain" "accounts" {
  domain_name = "tf-test-3"
}
resource "aws_elasticsearch_domain_policy" "accounts" {
  domain_name     = aws_elasticsearch_domain.accounts.domain_name
  access_policies = jsonencode({ Statement = [{ Action = "es:*", Effect = "Allow",
    Principal = { AWS = ["arn:aws:iam::123456789012:root", "arn:aws:iam::555555555555:root"] } }] })
}
resource "aws_opensearch_domain" "fgac" {
  advanced_security_options {
    enabled = true
  }
  access_policies = jsonencode({ Statement = [{ Action = "es:*", Effect = "Allow", Principal = "*" }] })
}
resource "aws_opensearch_domain" "unknown" {
  access_policies = var.policy
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 9]);
        assert_eq!(check_fixes(&RULE, tf), 2);
        let (example, fixed) = crate::kit::testing::cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &example), [5]);
        assert_eq!(check_cfn_fixes(&RULE, &example), 1);
        assert!(cfn_lines(&RULE, &fixed).is_empty());
    }
}
