use crate::cloudformation::check::CfnContext;
use crate::kit::elasticache;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::{format_number, Value};

pub static RULE: Rule = Rule {
    id: "elasticache-default-port",
    title: "ElastiCache cache listens on its engine's default port",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "ElastiCache",
    why: "Redis OSS, Valkey and Memcached on 6379 and 11211 are among the most scanned services on the internet and \
          inside compromised networks; a non-default port takes the cache out of the automated sweeps that look for \
          open instances to read, wipe or abuse.",
    aws_side: "AWS listens on the port the customer configures; port choice and exposure are the customer's.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["5d89db57-8b51-4b38-bb76-b9bd42bd40f0", "323db967-c68e-44e6-916c-a777f95af34b"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_elasticache_cluster` and `aws_elasticache_replication_group` whose `port` is the engine's \
               default (Redis OSS and Valkey 6379, Memcached 11211) or not set; in CloudFormation, \
               `AWS::ElastiCache::CacheCluster` and `AWS::ElastiCache::ReplicationGroup` likewise with `Port`. \
               Members of a replication group (its port applies) and unknown engines are skipped.",
        fix: "Set `port` to a port other than the engine's default, and update the clients and security group rules \
              that use it.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_elasticache_cluster", "aws_elasticache_replication_group"],
            check,
            example: r#"resource "aws_elasticache_replication_group" "cache" {
  replication_group_id = "cache"
  engine               = "valkey"
}"#,
            fixed_example: r#"resource "aws_elasticache_replication_group" "cache" {
  replication_group_id = "cache"
  engine               = "valkey"
  port                 = 6380
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ElastiCache::CacheCluster", "AWS::ElastiCache::ReplicationGroup"],
            check: check_cfn,
            example: r#"Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: cache
      Engine: redis
      Port: 6379
"#,
            fixed_example: r#"Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: cache
      Engine: redis
      Port: 6380
"#,
        }),
    },
};

fn default_port(engine: &str) -> Option<f64> {
    match engine {
        "redis" | "valkey" => Some(6379.0),
        "memcached" => Some(11211.0),
        _ => None,
    }
}

fn why(port: f64, engine: &str) -> String {
    format!("{}, the default port of {engine}, which scanners probe first", format_number(port))
}

fn check(ctx: &mut TfContext) {
    let mut caches: Vec<_> = ctx.resources("aws_elasticache_cluster").collect();
    caches.extend(ctx.resources("aws_elasticache_replication_group"));
    for res in caches {
        let Some(engine) = elasticache::engine(ctx, res) else { continue };
        let Some(default) = default_port(&engine) else { continue };
        let address = res.address();
        match ctx.attr(res.block, "port") {
            None => {
                let message = format!("`{address}` does not set `port`, so it listens on {}", why(default, &engine));
                ctx.report(res, res.block.header, message);
            }
            Some((attr, v)) if v.as_f64() == Some(default) => {
                ctx.report(res, attr.range, format!("`{address}` listens on {}", why(default, &engine)));
            }
            Some(_) => {}
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in elasticache::cfn_caches(ctx) {
        if crate::kit::setting::cfn_has_any(res, &["ReplicationGroupId"]) && res.ty == elasticache::CFN_CLUSTER {
            continue;
        }
        let Some(engine) = elasticache::cfn_engine(ctx, res) else { continue };
        let Some(default) = default_port(&engine) else { continue };
        let id = res.logical_id;
        match ctx.prop(res, "Port") {
            None | Some((_, Value::Null)) => {
                let range = ctx.header(res);
                ctx.report(
                    res,
                    range,
                    format!("`{id}` does not set `Port`, so it listens on {}", why(default, &engine)),
                );
            }
            Some((node, v)) if v.as_f64() == Some(default) => {
                let range = ctx.prop_range(res, "Port").unwrap_or(node.range);
                ctx.report(res, range, format!("`{id}` listens on {}", why(default, &engine)));
            }
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_default_ports() {
        // KICS: redis and memcached clusters without a port or on 6379 / 11211 fail; 6380 / 11212 pass.
        let tf = r#"resource "aws_elasticache_cluster" "redis" {
  engine = "redis"
}
resource "aws_elasticache_cluster" "memcached" {
  engine = "memcached"
  port   = 11211
}
resource "aws_elasticache_replication_group" "group" {
  replication_group_id = "g"
  port                 = 6379
}
resource "aws_elasticache_cluster" "moved" {
  engine = "redis"
  port   = 6380
}
resource "aws_elasticache_cluster" "member" {
  replication_group_id = aws_elasticache_replication_group.group.id
}
resource "aws_elasticache_cluster" "unknown_port" {
  engine = "memcached"
  port   = var.port
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 6, 10]);
    }

    #[test]
    fn cloudformation_default_ports() {
        // KICS: replication groups with Engine redis on 6379 and memcached on 11211.
        let yaml = "Resources:\n  A:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n      Engine: memcached\n      Port: 11211\n  B:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n      Engine: redis\n      Port: 6380\n  C:\n    Type: AWS::ElastiCache::CacheCluster\n    Properties:\n      Engine: valkey\n";
        assert_eq!(cfn_lines(&RULE, yaml), [12, 6]);
    }
}
