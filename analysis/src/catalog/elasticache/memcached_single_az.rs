use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::kit::elasticache;
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};
use crate::terraform::check::{Resource, TfContext};

pub static RULE: Rule = Rule {
    id: "elasticache-memcached-single-az",
    title: "Multi-node Memcached cluster keeps all its nodes in one Availability Zone",
    severity: Severity::Medium,
    row: Row::BusinessContinuity,
    service: "ElastiCache",
    why: "Memcached has no replication: each node holds its own share of the keys. With every node in one zone, an \
          outage of that zone empties the whole cache at once, and the sudden storm of cache misses can take down \
          the database behind it.",
    aws_side: "AWS spreads the nodes across zones when asked; choosing `cross-az` is the customer's duty.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["6db03a91-f933-4f13-ab38-a8b87a7de54d", "cfdef2e5-1fe4-4ef4-bea8-c56e08963150"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_elasticache_cluster"],
            path: "az_mode",
            applies: Some(applies),
            example: r#"resource "aws_elasticache_cluster" "sessions" {
  engine          = "memcached"
  num_cache_nodes = 3
}"#,
            fixed: r#"resource "aws_elasticache_cluster" "sessions" {
  engine          = "memcached"
  num_cache_nodes = 3
  az_mode = "cross-az"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::ElastiCache::CacheCluster"],
            path: "AZMode",
            applies: Some(applies_cfn),
            example: r#"Resources:
  Sessions:
    Type: AWS::ElastiCache::CacheCluster
    Properties:
      Engine: memcached
      NumCacheNodes: '3'
"#,
            fixed: r#"Resources:
  Sessions:
    Type: AWS::ElastiCache::CacheCluster
    Properties:
      Engine: memcached
      NumCacheNodes: '3'
      AZMode: cross-az
"#,
        }),
        want: Want::OneOf(&["cross-az"]),
        absent: Some("all its nodes are in one Availability Zone (the default is `single-az`)"),
        insecure: "all its nodes are in one Availability Zone",
        fix_title: "Spread the nodes across Availability Zones",
        ..Setting::DEFAULT
    },
};

/// Memcached clusters of more than one node (one node cannot be spread).
fn applies(ctx: &TfContext, res: Resource) -> bool {
    elasticache::engine(ctx, res).as_deref() == Some("memcached")
        && ctx.attr(res.block, "num_cache_nodes").is_some_and(|(_, v)| v.as_f64().is_some_and(|n| n > 1.0))
}

fn applies_cfn(ctx: &CfnContext, res: CfnResource) -> bool {
    elasticache::cfn_engine(ctx, res).as_deref() == Some("memcached")
        && ctx.prop(res, "NumCacheNodes").is_some_and(|(_, v)| v.as_f64().is_some_and(|n| n > 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_multi_node_memcached_in_one_zone() {
        let tf = r#"variable "mode" {}
resource "aws_elasticache_cluster" "absent" {
  engine          = "memcached"
  num_cache_nodes = 3
}
resource "aws_elasticache_cluster" "single" {
  engine          = "memcached"
  num_cache_nodes = 2
  az_mode         = "single-az"
}
resource "aws_elasticache_cluster" "one_node" {
  engine          = "memcached"
  num_cache_nodes = 1
}
resource "aws_elasticache_cluster" "redis" {
  engine          = "redis"
  num_cache_nodes = 1
}
resource "aws_elasticache_cluster" "cross" {
  engine          = "memcached"
  num_cache_nodes = 3
  az_mode         = "cross-az"
}
resource "aws_elasticache_cluster" "unknown" {
  engine          = "memcached"
  num_cache_nodes = 3
  az_mode         = var.mode
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 9]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_az_mode() {
        // KICS: `NumCacheNodes` is a string.
        let yaml = "Resources:\n  A:\n    Type: AWS::ElastiCache::CacheCluster\n    Properties:\n      Engine: memcached\n      NumCacheNodes: '3'\n      AZMode: single-az\n  B:\n    Type: AWS::ElastiCache::CacheCluster\n    Properties:\n      Engine: memcached\n      NumCacheNodes: '3'\n      AZMode: cross-az\n";
        assert_eq!(cfn_lines(&RULE, yaml), [7]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
