use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::kit::opensearch;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "opensearch-domain-not-in-vpc",
    title: "OpenSearch domain has a public endpoint instead of a VPC endpoint",
    severity: Severity::Medium,
    row: Row::NetworkSecurity,
    service: "OpenSearch",
    why: "A public domain endpoint is reachable from the whole internet, with the access policy as the only \
          barrier; a VPC endpoint adds security groups and private routing.",
    aws_side: "OpenSearch offers both kinds of endpoint; choosing VPC access (when the domain is created) is the \
               customer's.",
    equivalents: Equivalents { checkov: &["CKV_AWS_137"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags OpenSearch and Elasticsearch domains without `vpc_options` (`VPCOptions`), or whose subnet list \
               is empty.",
        fix: "Create the domain in your VPC: `vpc_options { subnet_ids = [...] security_group_ids = [...] }` (it \
              replaces the domain).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_opensearch_domain", "aws_elasticsearch_domain"],
            check,
            example: r#"resource "aws_opensearch_domain" "search" {
  domain_name = "search"
}"#,
            fixed_example: r#"resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  vpc_options {
    subnet_ids         = [aws_subnet.private_a.id]
    security_group_ids = [aws_security_group.search.id]
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &opensearch::CFN_DOMAINS,
            check: check_cfn,
            example: r#"Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      DomainName: search
"#,
            fixed_example: r#"Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      DomainName: search
      VPCOptions:
        SubnetIds: [!Ref PrivateSubnetA]
        SecurityGroupIds: [!Ref SearchSecurityGroup]
"#,
        }),
    },
};

const WHAT: &str = "has a public endpoint: it is reachable from the internet, guarded by its access policy alone";

const FIX: &str = "Put the domain in your VPC (ids to replace; the domain is replaced)";

fn empty(v: &Value) -> bool {
    matches!(v, Value::List(items) if items.is_empty())
}

fn check(ctx: &mut TfContext) {
    for domain in opensearch::domains(ctx) {
        let configs = ctx.nested(domain.config(), "vpc_options");
        if configs.is_empty() {
            if domain.block.attr("vpc_options").is_none() {
                let text = "vpc_options {\n  subnet_ids         = [\"<subnet-id>\"]\n  security_group_ids = [\"<security-group-id>\"]\n}";
                let fix = Fix::unsafe_(FIX, vec![edit::insert_in_block(ctx.file(domain), domain.block, text)]);
                ctx.report_with_fix(domain, domain.block.header, format!("`{}` {WHAT}", domain.address()), fix);
            }
            continue;
        }
        for c in configs {
            match ctx.field(c, "subnet_ids") {
                None => ctx.report(domain, c.header(), format!("`{}` {WHAT}", domain.address())),
                Some((f, v)) if empty(&v) => ctx.report(domain, f.range, format!("`{}` {WHAT}", domain.address())),
                Some(_) => continue,
            };
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for domain in opensearch::cfn_domains(ctx) {
        let range = match ctx.prop(domain, "VPCOptions.SubnetIds") {
            Some((_, v)) if !empty(&v) => continue,
            Some((node, _)) => node.range,
            None if ctx.prop(domain, "VPCOptions").is_some_and(|(n, _)| n.intrinsic().is_some()) => continue,
            None => {
                let value = json!({"SubnetIds": ["<subnet-id>"], "SecurityGroupIds": ["<security-group-id>"]});
                let fix = ctx.prop(domain, "VPCOptions").is_none().then(|| {
                    Fix::unsafe_(FIX, vec![cfn_edit::set_property(ctx.template, domain, "VPCOptions", &value)])
                });
                let range = ctx.header(domain);
                ctx.report(domain, range, format!("`{}` {WHAT}", domain.logical_id)).fixes.extend(fix);
                continue;
            }
        };
        ctx.report(domain, range, format!("`{}` {WHAT}", domain.logical_id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_public_domains() {
        let tf = r#"resource "aws_opensearch_domain" "public" {
  domain_name = "a"
}
resource "aws_opensearch_domain" "no_subnets" {
  vpc_options {
    subnet_ids = []
  }
}
resource "aws_opensearch_domain" "vpc" {
  vpc_options {
    subnet_ids = var.subnets
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 6]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let yaml = "Resources:\n  A:\n    Type: AWS::OpenSearchService::Domain\n  B:\n    Type: AWS::OpenSearchService::Domain\n    Properties:\n      VPCOptions:\n        SubnetIds: [!Ref S]\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
