use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::kit::elasticache;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "elasticache-redis-outdated-engine",
    title: "ElastiCache runs a Redis OSS version past end of life, without encryption support",
    severity: Severity::High,
    row: Row::DatabasePatching,
    service: "ElastiCache",
    why: "These engines get no security fixes, and they cannot encrypt data at rest or in transit nor use AUTH \
          with TLS, so they cannot meet PCI DSS or most data-protection requirements. AWS upgrades such caches \
          on its own schedule, which the Terraform configuration then contradicts.",
    aws_side: "AWS publishes the engine versions and their end-of-life dates and provides in-place upgrades. \
               Choosing a supported version and upgrading is the customer's duty (see the ElastiCache 'Redis \
               OSS versions end of life schedule').",
    equivalents: Equivalents { checkov: &[], kics: &["254c932d-e3bf-44b2-bc9d-eb5fdb09f8d4"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags Redis OSS `aws_elasticache_cluster` and `aws_elasticache_replication_group` resources whose \
               `engine_version` is below 4.0.10: the 2.x and 3.x versions, past their ElastiCache end of life \
               (2.x on 2023-01-13, 3.x on 2023-07-31) and unable to encrypt at rest or in transit.",
        fix: "Upgrade to Valkey or Redis OSS 7.x (`engine_version = \"7.1\"`, with a matching parameter group \
              family), then turn on at-rest and in-transit encryption.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_elasticache_cluster", "aws_elasticache_replication_group"],
            check,
            example: r#"resource "aws_elasticache_cluster" "legacy" {
  cluster_id      = "legacy"
  engine          = "redis"
  engine_version  = "3.2.10"
  node_type       = "cache.m5.large"
  num_cache_nodes = 1
}"#,
            fixed_example: r#"resource "aws_elasticache_cluster" "legacy" {
  cluster_id      = "legacy"
  engine          = "redis"
  engine_version  = "7.1"
  node_type       = "cache.m5.large"
  num_cache_nodes = 1
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &[elasticache::CFN_CLUSTER, elasticache::CFN_GROUP],
            check: check_cfn,
            example: r#"Resources:
  Legacy:
    Type: AWS::ElastiCache::CacheCluster
    Properties:
      Engine: redis
      EngineVersion: "3.2.10"
      CacheNodeType: cache.m5.large
      NumCacheNodes: 1
"#,
            fixed_example: r#"Resources:
  Legacy:
    Type: AWS::ElastiCache::CacheCluster
    Properties:
      Engine: redis
      EngineVersion: "7.1"
      CacheNodeType: cache.m5.large
      NumCacheNodes: 1
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    for res in elasticache::cfn_caches(ctx) {
        let Some((node, text, parts)) = elasticache::cfn_redis_version(ctx, res) else { continue };
        let end_of_life = match parts[0] {
            0..=2 => "2023-01-13",
            3 => "2023-07-31",
            _ => continue,
        };
        let fix = Fix::unsafe_(
            "Upgrade to Redis OSS 7.1 (check the parameter group family)",
            vec![cfn_edit::replace_value(ctx.template, node, &json!("7.1"))],
        );
        let message = format!(
            "`{}` runs Redis OSS {text}, past its ElastiCache end of life ({end_of_life}) and unable to encrypt at \
             rest or in transit",
            res.logical_id
        );
        let range = ctx.prop_range(res, "EngineVersion").unwrap_or(node.range);
        ctx.report(res, range, message).fixes.push(fix);
    }
}

fn check(ctx: &mut TfContext) {
    for res in elasticache::caches(ctx) {
        let Some((attr, text, parts)) = elasticache::redis_version(ctx, res) else { continue };
        let end_of_life = match parts[0] {
            0..=2 => "2023-01-13",
            3 => "2023-07-31",
            _ => continue,
        };
        let file = ctx.file(res);
        let fix = Fix::unsafe_(
            "Upgrade to Redis OSS 7.1 (check the parameter group family)",
            vec![edit::set_attribute(file, res.block, "engine_version", "\"7.1\"")],
        );
        let message = format!(
            "`{}` runs Redis OSS {text}, past its ElastiCache end of life ({end_of_life}) and unable to encrypt at \
             rest or in transit",
            res.address()
        );
        ctx.report_with_fix(res, attr.range, message, fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_versions_below_4_0_10() {
        let text = r#"
resource "aws_elasticache_cluster" "two" {
  engine         = "redis"
  engine_version = "2.6.13"
}
resource "aws_elasticache_replication_group" "three" {
  engine_version = "3.2.10"
}
resource "aws_elasticache_cluster" "five" {
  engine         = "redis"
  engine_version = "5.0.0"
}
resource "aws_elasticache_cluster" "memcached" {
  engine         = "memcached"
  engine_version = "1.4.5"
}
resource "aws_elasticache_cluster" "absent" {
  engine = "redis"
}
resource "aws_elasticache_cluster" "unknown" {
  engine         = "redis"
  engine_version = var.version
}
"#;
        assert_eq!(lines(&RULE, text), [4, 7]);
        assert_eq!(check_fixes(&RULE, text), 2);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = r#"Resources:
  Three:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      EngineVersion: 3.2
  Four:
    Type: AWS::ElastiCache::CacheCluster
    Properties:
      Engine: redis
      EngineVersion: "4.0.10"
  Memcached:
    Type: AWS::ElastiCache::CacheCluster
    Properties:
      Engine: memcached
      EngineVersion: "1.4.5"
  Unknown:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      EngineVersion: !Ref Version
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
        let json = r#"{"Resources": {"C": {"Type": "AWS::ElastiCache::CacheCluster",
  "Properties": {"Engine": "redis", "EngineVersion": "2.8.24"}}}}"#;
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
