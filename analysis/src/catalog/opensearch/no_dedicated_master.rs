use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::kit::opensearch;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::format_number;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "opensearch-no-dedicated-master",
    title: "OpenSearch domain has no dedicated master nodes",
    severity: Severity::Low,
    row: Row::BusinessContinuity,
    service: "OpenSearch",
    why: "Data nodes that also act as masters can lose the cluster state under load, leaving the domain red or \
          unavailable; three dedicated masters keep a quorum when one fails. Single-node domains are not judged.",
    aws_side: "AWS runs whatever topology you configure; choosing a highly available one is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV2_AWS_59", "CKV_AWS_318"],
        kics: &[],
        trivy: &[],
        how: "CKV2_AWS_59 does not check the number of masters; CKV_AWS_318 asks for zone awareness too.",
    },
    matcher: &Custom {
        what: "Flags OpenSearch and Elasticsearch domains of more than one node (`cluster_config.instance_count`) \
               without `dedicated_master_enabled = true`, or with fewer than three dedicated masters \
               (`ClusterConfig`, `ElasticsearchClusterConfig` in CloudFormation).",
        fix: "Set `dedicated_master_enabled = true` with `dedicated_master_count = 3` and a `dedicated_master_type`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_opensearch_domain", "aws_elasticsearch_domain"],
            check,
            example: r#"resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  cluster_config {
    instance_count = 3
  }
}"#,
            fixed_example: r#"resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  cluster_config {
    instance_count = 3
    dedicated_master_enabled = true
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
      ClusterConfig:
        InstanceCount: 3
"#,
            fixed_example: r#"Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      ClusterConfig:
        InstanceCount: 3
        DedicatedMasterEnabled: true
"#,
        }),
    },
};

const FIX: &str = "Use dedicated master nodes";

fn check(ctx: &mut TfContext) {
    for domain in opensearch::domains(ctx) {
        // The block, or an object given to the argument (`cluster_config = { ... }`).
        let Some(config) = ctx.nested(domain.config(), "cluster_config").into_iter().next() else { continue };
        let Some((_, count)) = ctx.field(config, "instance_count") else { continue };
        if !count.as_f64().is_some_and(|n| n > 1.0) {
            continue;
        }
        let file = ctx.file(domain);
        match ctx.field(config, "dedicated_master_enabled") {
            None => {
                // An object's missing setting is left to the person: the fix writes into blocks.
                let fix = config
                    .block()
                    .map(|b| Fix::new(FIX, vec![edit::set_attribute(file, b, "dedicated_master_enabled", "true")]));
                let message = format!(
                    "`{}` has no dedicated master nodes: its data nodes keep the cluster state",
                    domain.address()
                );
                ctx.report(domain, config.header(), message).fixes.extend(fix);
            }
            Some((attr, v)) if v.as_bool() == Some(false) => {
                let fix = Fix::new(FIX, vec![Edit { range: attr.expr.range, text: "true".into() }]);
                let message = format!(
                    "`{}` turns dedicated master nodes off: its data nodes keep the cluster state",
                    domain.address()
                );
                ctx.report_with_fix(domain, attr.range, message, fix);
            }
            Some((_, v)) if v.as_bool() == Some(true) => {
                let Some((attr, n)) = ctx.field(config, "dedicated_master_count") else { continue };
                let Some(n) = n.as_f64().filter(|n| *n < 3.0) else { continue };
                let fix =
                    Fix::new("Use three dedicated masters", vec![Edit { range: attr.expr.range, text: "3".into() }]);
                let message = format!(
                    "`{}` has {} dedicated master nodes: three keep a quorum when one fails",
                    domain.address(),
                    format_number(n)
                );
                ctx.report_with_fix(domain, attr.range, message, fix);
            }
            Some(_) => {}
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for domain in opensearch::cfn_domains(ctx) {
        let prop = opensearch::cfn_cluster_config(domain);
        let Some((config, _)) = ctx.prop(domain, prop) else { continue };
        let count = config.get("InstanceCount").and_then(|n| ctx.eval(n).as_f64());
        if !count.is_some_and(|n| n > 1.0) {
            continue;
        }
        let id = domain.logical_id;
        match config.get("DedicatedMasterEnabled").map(|n| (n, ctx.eval(n).as_bool())) {
            None => {
                let fix = Fix::new(
                    FIX,
                    vec![cfn_edit::set_key(ctx.template, config, "DedicatedMasterEnabled", &json!(true))],
                );
                let range = ctx.prop_range(domain, prop).unwrap_or(config.range);
                ctx.report(
                    domain,
                    range,
                    format!("`{id}` has no dedicated master nodes: its data nodes keep the cluster state"),
                )
                .fixes
                .push(fix);
            }
            Some((node, Some(false))) => {
                let fix = Fix::new(FIX, vec![cfn_edit::replace_value(ctx.template, node, &json!(true))]);
                let range = config.entry("DedicatedMasterEnabled").map_or(node.range, |e| e.range);
                ctx.report(
                    domain,
                    range,
                    format!("`{id}` turns dedicated master nodes off: its data nodes keep the cluster state"),
                )
                .fixes
                .push(fix);
            }
            Some((_, Some(true))) => {
                let Some(node) = config.get("DedicatedMasterCount") else { continue };
                let Some(n) = ctx.eval(node).as_f64().filter(|n| *n < 3.0) else { continue };
                let fix = Fix::new(
                    "Use three dedicated masters",
                    vec![cfn_edit::replace_value(ctx.template, node, &json!(3))],
                );
                let range = config.entry("DedicatedMasterCount").map_or(node.range, |e| e.range);
                let message = format!(
                    "`{id}` has {} dedicated master nodes: three keep a quorum when one fails",
                    format_number(n)
                );
                ctx.report(domain, range, message).fixes.push(fix);
            }
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_multi_node_domains_without_three_masters() {
        let tf = r#"resource "aws_opensearch_domain" "single" {
  cluster_config {
    instance_count = 1
  }
}
resource "aws_opensearch_domain" "off" {
  cluster_config {
    instance_count           = 4
    dedicated_master_enabled = false
  }
}
resource "aws_opensearch_domain" "two_masters" {
  cluster_config {
    instance_count           = 4
    dedicated_master_enabled = true
    dedicated_master_count   = 2
  }
}
resource "aws_opensearch_domain" "default" {
  domain_name = "d"
}
resource "aws_opensearch_domain" "unknown" {
  cluster_config {
    instance_count           = 3
    dedicated_master_enabled = var.masters
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [9, 16]);
        assert_eq!(check_fixes(&RULE, tf), 2);
        let yaml = "Resources:\n  A:\n    Type: AWS::Elasticsearch::Domain\n    Properties:\n      ElasticsearchClusterConfig:\n        InstanceCount: '2'\n        DedicatedMasterEnabled: true\n        DedicatedMasterCount: '3'\n  B:\n    Type: AWS::OpenSearchService::Domain\n    Properties:\n      ClusterConfig:\n        InstanceCount: 2\n";
        assert_eq!(cfn_lines(&RULE, yaml), [12]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }

    /// `cluster_config = { ... }` is judged as the block is; only a value written can be fixed in place.
    #[test]
    fn the_object_form_is_judged_like_the_block() {
        let tf = r#"resource "aws_opensearch_domain" "unset" {
  cluster_config = { instance_count = 3 }
}
resource "aws_opensearch_domain" "two" {
  cluster_config = { instance_count = 3, dedicated_master_enabled = true, dedicated_master_count = 2 }
}
resource "aws_opensearch_domain" "three" {
  cluster_config = { instance_count = 3, dedicated_master_enabled = true, dedicated_master_count = 3 }
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 5]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }
}
