use crate::cloudformation::check::CfnContext;
use crate::kit::{elasticache, kms_key};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "elasticache-not-encrypted-cmk",
    title: "ElastiCache data at rest is not encrypted with a customer-managed KMS key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "ElastiCache",
    why: "Caches hold session tokens and copies of database rows. With the default AWS-owned key, the customer \
          cannot restrict or audit who may decrypt backups and snapshots, nor share encrypted snapshots across \
          accounts.",
    aws_side: "AWS encrypts with the key it is given; choosing a customer-managed key is the customer's option.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_191"],
        kics: &[],
        trivy: &[],
        how: "Checkov also flags groups that are not encrypted at rest, which `elasticache-at-rest-unencrypted` \
              reports; this rule judges the key of encrypted caches.",
    },
    matcher: &Custom {
        what: "Flags `aws_elasticache_replication_group` encrypted at rest (`at_rest_encryption_enabled = true`, or \
               left out on Valkey, which encrypts by default) and `aws_elasticache_serverless_cache` (always \
               encrypted) without a `kms_key_id`, or with an empty or AWS-managed one; in CloudFormation, \
               `AWS::ElastiCache::ReplicationGroup` and `AWS::ElastiCache::ServerlessCache` likewise with \
               `KmsKeyId`.",
        fix: "Set `kms_key_id` to a customer-managed KMS key (the cache is replaced: migrate through a snapshot).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_elasticache_replication_group", "aws_elasticache_serverless_cache"],
            check,
            example: r#"resource "aws_elasticache_replication_group" "cache" {
  replication_group_id       = "cache"
  at_rest_encryption_enabled = true
}"#,
            fixed_example: r#"resource "aws_elasticache_replication_group" "cache" {
  replication_group_id       = "cache"
  at_rest_encryption_enabled = true
  kms_key_id                 = aws_kms_key.cache.arn
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ElastiCache::ReplicationGroup", "AWS::ElastiCache::ServerlessCache"],
            check: check_cfn,
            example: r#"Resources:
  Cache:
    Type: AWS::ElastiCache::ServerlessCache
    Properties:
      Engine: valkey
      ServerlessCacheName: cache
"#,
            fixed_example: r#"Resources:
  Cache:
    Type: AWS::ElastiCache::ServerlessCache
    Properties:
      Engine: valkey
      ServerlessCacheName: cache
      KmsKeyId: !Ref CacheKey
"#,
        }),
    },
};

const ABSENT: &str = "its data and snapshots are encrypted with a key AWS owns, which no key policy of yours governs";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_elasticache_replication_group").collect::<Vec<_>>() {
        let encrypted = match ctx.attr(res.block, "at_rest_encryption_enabled") {
            Some((_, v)) => v.as_bool() == Some(true),
            None => elasticache::engine(ctx, res).as_deref() == Some("valkey"),
        };
        if encrypted {
            kms_key::check_cmk_tf(ctx, res, "kms_key_id", ABSENT);
        }
    }
    for res in ctx.resources("aws_elasticache_serverless_cache").collect::<Vec<_>>() {
        kms_key::check_cmk_tf(ctx, res, "kms_key_id", ABSENT);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources(elasticache::CFN_GROUP).collect::<Vec<_>>() {
        let encrypted = match ctx.prop(res, "AtRestEncryptionEnabled") {
            Some((_, v)) if v != crate::value::Value::Null => v.as_bool() == Some(true),
            _ => elasticache::cfn_engine(ctx, res).as_deref() == Some("valkey"),
        };
        if encrypted {
            kms_key::check_cmk_cfn(ctx, res, "KmsKeyId", ABSENT);
        }
    }
    for res in ctx.resources("AWS::ElastiCache::ServerlessCache").collect::<Vec<_>>() {
        kms_key::check_cmk_cfn(ctx, res, "KmsKeyId", ABSENT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_encrypted_caches_without_a_customer_key() {
        let tf = r#"resource "aws_elasticache_replication_group" "encrypted" {
  at_rest_encryption_enabled = true
}
resource "aws_elasticache_replication_group" "valkey" {
  engine = "valkey"
}
resource "aws_elasticache_replication_group" "redis_default" {
  engine = "redis"
}
resource "aws_elasticache_serverless_cache" "serverless" {
  engine = "redis"
}
resource "aws_elasticache_replication_group" "cmk" {
  at_rest_encryption_enabled = true
  kms_key_id                 = aws_kms_key.cache.arn
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 4, 10]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn cloudformation_keys() {
        let yaml = "Resources:\n  A:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n      AtRestEncryptionEnabled: true\n  B:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n      Engine: redis\n  C:\n    Type: AWS::ElastiCache::ServerlessCache\n    Properties:\n      Engine: redis\n      KmsKeyId: !Ref Key\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
