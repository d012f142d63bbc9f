use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "elasticache-replication-group-no-automatic-failover",
    title: "ElastiCache replication group has automatic failover off",
    severity: Severity::Medium,
    row: Row::BusinessContinuity,
    service: "ElastiCache",
    why: "Without automatic failover, losing the primary node makes the cache read-only or unavailable until someone \
          promotes a replica by hand; applications that keep sessions, queues or locks in Redis OSS or Valkey stop \
          working in the meantime.",
    aws_side: "AWS detects the failure and promotes a replica when failover is on (Security Hub ElastiCache.3); \
               turning it on, and running replicas, is the customer's choice.",
    equivalents: Equivalents { checkov: &["CKV2_AWS_50"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_elasticache_replication_group"],
            path: "automatic_failover_enabled",
            example: r#"resource "aws_elasticache_replication_group" "cache" {
  replication_group_id = "cache"
  num_cache_clusters   = 2
}"#,
            fixed: r#"resource "aws_elasticache_replication_group" "cache" {
  replication_group_id = "cache"
  num_cache_clusters   = 2
  automatic_failover_enabled = true
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::ElastiCache::ReplicationGroup"],
            path: "AutomaticFailoverEnabled",
            example: r#"Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: cache
      NumCacheClusters: 2
"#,
            fixed: r#"Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: cache
      NumCacheClusters: 2
      AutomaticFailoverEnabled: true
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Bool(true),
        absent: Some("losing the primary leaves the cache without a writer until a replica is promoted by hand"),
        insecure: "losing the primary leaves the cache without a writer until a replica is promoted by hand",
        fix: "Set `automatic_failover_enabled = true` (in CloudFormation, `AutomaticFailoverEnabled: true`), with at \
              least two cache clusters or cluster mode, and preferably `multi_az_enabled = true`.",
        fix_title: "Fail over automatically (needs a replica)",
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_groups_without_failover() {
        let tf = r#"variable "on" {}
resource "aws_elasticache_replication_group" "absent" {
  replication_group_id = "a"
}
resource "aws_elasticache_replication_group" "off" {
  automatic_failover_enabled = false
}
resource "aws_elasticache_replication_group" "on" {
  automatic_failover_enabled = true
}
resource "aws_elasticache_replication_group" "unknown" {
  automatic_failover_enabled = var.on
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 6]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_failover() {
        let yaml = "Resources:\n  A:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n      AutomaticFailoverEnabled: false\n  B:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n      AutomaticFailoverEnabled: true\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
