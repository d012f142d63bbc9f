use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::kit::opensearch;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "opensearch-zone-awareness-disabled",
    title: "OpenSearch domain does not spread nodes across Availability Zones",
    severity: Severity::Low,
    row: Row::BusinessContinuity,
    service: "OpenSearch",
    why: "Without zone awareness every node and replica can sit in one Availability Zone: an outage of the zone \
          takes the domain down and can lose data that was not snapshotted. Single-node domains are not judged.",
    aws_side: "AWS spreads nodes across zones only when asked; the choice is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_318"],
        kics: &[],
        trivy: &[],
        how: "CKV_AWS_318 also asks for three dedicated master nodes.",
    },
    matcher: &Custom {
        what: "Flags OpenSearch and Elasticsearch domains of more than one node without \
               `cluster_config.zone_awareness_enabled = true` (`ZoneAwarenessEnabled`).",
        fix: "Set `zone_awareness_enabled = true` (with `zone_awareness_config` for three zones) and subnets in as \
              many zones.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_opensearch_domain", "aws_elasticsearch_domain"],
            check,
            example: r#"resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  cluster_config {
    instance_count = 2
  }
}"#,
            fixed_example: r#"resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  cluster_config {
    instance_count = 2
    zone_awareness_enabled = true
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
        InstanceCount: 2
"#,
            fixed_example: r#"Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      ClusterConfig:
        InstanceCount: 2
        ZoneAwarenessEnabled: true
"#,
        }),
    },
};

const FIX: &str = "Spread the nodes across zones";
const WHAT: &str = "keeps its nodes in one Availability Zone: an outage of the zone takes the domain down";

fn check(ctx: &mut TfContext) {
    for domain in opensearch::domains(ctx) {
        let Some(config) = ctx.block_of(domain.block, "cluster_config") else { continue };
        let Some((_, count)) = ctx.attr(config, "instance_count") else { continue };
        if !count.as_f64().is_some_and(|n| n > 1.0) {
            continue;
        }
        let file = ctx.file(domain);
        let (range, edit) = match ctx.attr(config, "zone_awareness_enabled") {
            None => (config.header, edit::set_attribute(file, config, "zone_awareness_enabled", "true")),
            Some((attr, v)) if v.as_bool() == Some(false) => {
                (attr.range, Edit { range: attr.expr.range, text: "true".into() })
            }
            Some(_) => continue,
        };
        ctx.report_with_fix(domain, range, format!("`{}` {WHAT}", domain.address()), Fix::new(FIX, vec![edit]));
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
        let (range, edit) = match config.get("ZoneAwarenessEnabled") {
            None => (
                ctx.prop_range(domain, prop).unwrap_or(config.range),
                cfn_edit::set_key(ctx.template, config, "ZoneAwarenessEnabled", &json!(true)),
            ),
            Some(node) if ctx.eval(node).as_bool() == Some(false) => (
                config.entry("ZoneAwarenessEnabled").map_or(node.range, |e| e.range),
                cfn_edit::replace_value(ctx.template, node, &json!(true)),
            ),
            Some(_) => continue,
        };
        ctx.report(domain, range, format!("`{}` {WHAT}", domain.logical_id)).fixes.push(Fix::new(FIX, vec![edit]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_multi_node_domains_in_one_zone() {
        let tf = r#"resource "aws_opensearch_domain" "off" {
  cluster_config {
    instance_count         = 3
    zone_awareness_enabled = false
  }
}
resource "aws_opensearch_domain" "single" {
  cluster_config {
    instance_count = 1
  }
}
resource "aws_opensearch_domain" "unknown" {
  cluster_config {
    instance_count = var.nodes
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [4]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let yaml = "Resources:\n  A:\n    Type: AWS::Elasticsearch::Domain\n    Properties:\n      ElasticsearchClusterConfig:\n        InstanceCount: '2'\n        ZoneAwarenessEnabled: 'false'\n";
        assert_eq!(cfn_lines(&RULE, yaml), [7]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
