use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::kit::setting;
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};
use crate::terraform::check::{Resource, TfContext};

pub static RULE: Rule = Rule {
    id: "elasticache-no-subnet-group",
    title: "ElastiCache cache has no subnet group",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "ElastiCache",
    why: "A cache without a subnet group is created in the default VPC's default subnets, next to whatever else was \
          launched there and reachable from it. A dedicated subnet group places the cache in private subnets \
          reachable only from the tiers that need it.",
    aws_side: "AWS places the cache nodes where the subnet group says; designing the network is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_323"],
        kics: &["8c849af7-a399-46f7-a34c-32d3dc96f1fc", "ba766c53-fe71-4bbb-be35-b6803f2ef13e"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_elasticache_cluster", "aws_elasticache_replication_group"],
            path: "subnet_group_name",
            applies: Some(applies),
            example: r#"resource "aws_elasticache_cluster" "sessions" {
  engine          = "memcached"
  num_cache_nodes = 2
}"#,
            fixed: r#"resource "aws_elasticache_cluster" "sessions" {
  engine          = "memcached"
  num_cache_nodes = 2
  subnet_group_name = "<cache-subnet-group>"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::ElastiCache::CacheCluster", "AWS::ElastiCache::ReplicationGroup"],
            path: "CacheSubnetGroupName",
            applies: Some(applies_cfn),
            example: r#"Resources:
  Sessions:
    Type: AWS::ElastiCache::CacheCluster
    Properties:
      Engine: memcached
      CacheNodeType: cache.t4g.micro
      NumCacheNodes: '1'
"#,
            fixed: r#"Resources:
  Sessions:
    Type: AWS::ElastiCache::CacheCluster
    Properties:
      Engine: memcached
      CacheNodeType: cache.t4g.micro
      NumCacheNodes: '1'
      CacheSubnetGroupName: '<cache-subnet-group>'
"#,
        }),
        want: Want::Present { placeholder: "<cache-subnet-group>" },
        absent: Some("it is placed in the default VPC's default subnets"),
        insecure: "it is placed in the default VPC's default subnets",
        fix_title: "Place it in a subnet group of private subnets (placeholder to replace)",
        ..Setting::DEFAULT
    },
};

/// A member of a replication group is placed by its group.
fn applies(_: &TfContext, res: Resource) -> bool {
    res.ty() != "aws_elasticache_cluster" || !setting::has_any(res, &["replication_group_id"])
}

fn applies_cfn(_: &CfnContext, res: CfnResource) -> bool {
    !setting::cfn_has_any(res, &["ReplicationGroupId"])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_caches_without_a_subnet_group() {
        // KICS: a subnet group given through a variable passes.
        let tf = r#"variable "subnet_group_name" {}
resource "aws_elasticache_cluster" "absent" {
  engine = "memcached"
}
resource "aws_elasticache_replication_group" "group" {
  replication_group_id = "g"
}
resource "aws_elasticache_cluster" "member" {
  replication_group_id = aws_elasticache_replication_group.group.id
}
resource "aws_elasticache_cluster" "variable" {
  subnet_group_name = var.subnet_group_name
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 5]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_subnet_groups() {
        // KICS: `CacheSubnetGroupName: default` passes.
        let yaml = "Resources:\n  A:\n    Type: AWS::ElastiCache::CacheCluster\n    Properties:\n      Engine: memcached\n  B:\n    Type: AWS::ElastiCache::CacheCluster\n    Properties:\n      Engine: memcached\n      CacheSubnetGroupName: default\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
