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
    id: "elasticache-backup-disabled",
    title: "ElastiCache Redis/Valkey cache keeps no snapshots",
    severity: Severity::Medium,
    row: Row::BusinessContinuity,
    service: "ElastiCache",
    why: "With no automatic snapshots, a bad deployment, a `FLUSHALL`, a corrupted dataset or a deleted cluster \
          loses every key for good. Caches that hold sessions, queues or leaderboards are often the only copy \
          of that data.",
    aws_side: "AWS takes and stores the daily snapshots and restores them on request, but only when a retention \
               period is set: the default is none. Choosing a retention period that fits the recovery \
               objectives is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_134"],
        kics: &["8fdb08a0-a868-4fdf-9c27-ccab0237f1ab"],
        trivy: &["AVD-AWS-0050", "aws-elasticache-enable-backup-retention"],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags Redis OSS and Valkey `aws_elasticache_cluster` and `aws_elasticache_replication_group` \
               resources whose `snapshot_retention_limit` is absent (default 0) or 0; Memcached, which cannot \
               snapshot, is skipped.",
        fix: "Set `snapshot_retention_limit` to the number of days to keep (for example 7), and optionally a \
              `snapshot_window` outside peak hours.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_elasticache_cluster", "aws_elasticache_replication_group"],
            check,
            example: r#"resource "aws_elasticache_cluster" "sessions" {
  cluster_id      = "sessions"
  engine          = "redis"
  node_type       = "cache.m5.large"
  num_cache_nodes = 1
}"#,
            fixed_example: r#"resource "aws_elasticache_cluster" "sessions" {
  cluster_id               = "sessions"
  engine                   = "redis"
  node_type                = "cache.m5.large"
  num_cache_nodes          = 1
  snapshot_retention_limit = 7
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &[elasticache::CFN_CLUSTER, elasticache::CFN_GROUP],
            check: check_cfn,
            example: r#"Resources:
  Sessions:
    Type: AWS::ElastiCache::CacheCluster
    Properties:
      Engine: redis
      CacheNodeType: cache.m5.large
      NumCacheNodes: 1
"#,
            fixed_example: r#"Resources:
  Sessions:
    Type: AWS::ElastiCache::CacheCluster
    Properties:
      Engine: redis
      CacheNodeType: cache.m5.large
      NumCacheNodes: 1
      SnapshotRetentionLimit: 7
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    for res in elasticache::cfn_caches(ctx) {
        if !matches!(elasticache::cfn_engine(ctx, res).as_deref(), Some("redis" | "valkey")) {
            continue;
        }
        let fix = Fix::new(
            "Keep 7 days of snapshots",
            vec![cfn_edit::set_property(ctx.template, res, "SnapshotRetentionLimit", &json!(7))],
        );
        let id = res.logical_id;
        match ctx.prop(res, "SnapshotRetentionLimit") {
            None | Some((_, crate::value::Value::Null)) => {
                let message = format!("`{id}` sets no `SnapshotRetentionLimit`, so no automatic snapshots are kept");
                let range = ctx.header(res);
                ctx.report(res, range, message).fixes.push(fix);
            }
            Some((node, v)) if v.as_f64() == Some(0.0) || v.as_str().is_some_and(|s| s.trim() == "0") => {
                let message = format!("`{id}` keeps no automatic snapshots (`SnapshotRetentionLimit: 0`)");
                let range = ctx.prop_range(res, "SnapshotRetentionLimit").unwrap_or(node.range);
                ctx.report(res, range, message).fixes.push(fix);
            }
            Some(_) => {}
        }
    }
}

fn check(ctx: &mut TfContext) {
    for res in elasticache::caches(ctx) {
        if !matches!(elasticache::engine(ctx, res).as_deref(), Some("redis" | "valkey")) {
            continue;
        }
        let file = ctx.file(res);
        let fix = Fix::new(
            "Keep 7 days of snapshots",
            vec![edit::set_attribute(file, res.block, "snapshot_retention_limit", "7")],
        );
        let address = res.address();
        match ctx.attr(res.block, "snapshot_retention_limit") {
            None => ctx.report_with_fix(
                res,
                res.block.header,
                format!("`{address}` sets no `snapshot_retention_limit`, so no automatic snapshots are kept"),
                fix,
            ),
            Some((attr, v)) if v.as_f64() == Some(0.0) => ctx.report_with_fix(
                res,
                attr.range,
                format!("`{address}` keeps no automatic snapshots (`snapshot_retention_limit = 0`)"),
                fix,
            ),
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_redis_without_snapshots() {
        let text = r#"
resource "aws_elasticache_cluster" "absent" {
  engine = "redis"
}
resource "aws_elasticache_cluster" "zero" {
  engine                   = "redis"
  snapshot_retention_limit = 0
}
resource "aws_elasticache_cluster" "kept" {
  engine                   = "redis"
  snapshot_retention_limit = 5
}
resource "aws_elasticache_cluster" "memcached" {
  engine = "memcached"
}
resource "aws_elasticache_cluster" "member" {
  replication_group_id = aws_elasticache_replication_group.g.id
}
resource "aws_elasticache_cluster" "unknown" {
  engine                   = "redis"
  snapshot_retention_limit = var.days
}
resource "aws_elasticache_replication_group" "group" {
  replication_group_id = "g"
}
resource "aws_elasticache_replication_group" "valkey" {
  engine                   = "valkey"
  snapshot_retention_limit = "0"
}
resource "aws_elasticache_parameter_group" "default" {
  family = "redis2.8"
}
"#;
        assert_eq!(lines(&RULE, text), [2, 7, 23, 28]);
        assert_eq!(check_fixes(&RULE, text), 4);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = r#"Parameters:
  Days: {Type: Number}
Resources:
  Absent:
    Type: AWS::ElastiCache::CacheCluster
    Properties:
      Engine: redis
  Zero:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      SnapshotRetentionLimit: 0
  Kept:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      SnapshotRetentionLimit: 5
  Memcached:
    Type: AWS::ElastiCache::CacheCluster
    Properties:
      Engine: memcached
  Unknown:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      SnapshotRetentionLimit: !Ref Days
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [4, 11]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
        let json =
            r#"{"Resources": {"C": {"Type": "AWS::ElastiCache::CacheCluster", "Properties": {"Engine": "valkey"}}}}"#;
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
