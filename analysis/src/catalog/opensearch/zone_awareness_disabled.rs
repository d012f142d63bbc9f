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
        // The block, or an object given to the argument (`cluster_config = { ... }`).
        let Some(config) = ctx.nested(domain.config(), "cluster_config").into_iter().next() else { continue };
        let Some((_, count)) = ctx.field(config, "instance_count") else { continue };
        if !count.as_f64().is_some_and(|n| n > 1.0) {
            continue;
        }
        let file = ctx.file(domain);
        // An object's missing setting is left to the person: the fix writes into blocks.
        let (range, edit) = match ctx.field(config, "zone_awareness_enabled") {
            None => (
                config.header(),
                config.block().map(|b| edit::set_attribute(file, b, "zone_awareness_enabled", "true")),
            ),
            Some((field, v)) if v.as_bool() == Some(false) => {
                (field.range, Some(Edit { range: field.expr.range, text: "true".into() }))
            }
            Some(_) => continue,
        };
        let message = format!("`{}` {WHAT}", domain.address());
        ctx.report(domain, range, message).fixes.extend(edit.map(|e| Fix::new(FIX, vec![e])));
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

    /// `cluster_config = { ... }` is judged as the block is; only the value written can be fixed in place.
    #[test]
    fn the_object_form_is_judged_like_the_block() {
        let tf = r#"resource "aws_opensearch_domain" "off" {
  cluster_config = { instance_count = 3, zone_awareness_enabled = false }
}
resource "aws_opensearch_domain" "unset" {
  cluster_config = { instance_count = 2 }
}
resource "aws_opensearch_domain" "on" {
  cluster_config = { instance_count = 2, zone_awareness_enabled = true }
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 5]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }
}
