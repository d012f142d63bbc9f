use crate::cloudformation::check::CfnContext;
use crate::fix::Fix;
use crate::kit::elasticache;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;

pub static RULE: Rule = Rule {
    id: "elasticache-in-transit-unencrypted",
    title: "ElastiCache cache accepts connections without TLS",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "ElastiCache",
    why: "Without in-transit encryption, clients talk to the cache in clear text: anyone on the network path can \
          read the cached data and the AUTH token, and replay or alter commands. TLS is also a prerequisite for \
          AUTH tokens and RBAC to protect anything.",
    aws_side: "AWS provides TLS endpoints and certificates on the nodes when asked. Turning TLS on, and making the \
               clients use it, is the customer's duty: it is off unless configured.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_30"],
        kics: &["1afbb3fa-cf6c-4a3d-b730-95e9f4df343e", "3b02569b-fc6f-4153-b3a3-ba91022fed68"],
        trivy: &["AVD-AWS-0051", "aws-elasticache-enable-in-transit-encryption"],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_elasticache_replication_group` resources without `transit_encryption_enabled = true` (the \
               default is off), and clusters that set it to `false`.",
        fix: "Set `transit_encryption_enabled = true` (for an existing group, go through `transit_encryption_mode = \
              \"preferred\"` while clients move to TLS), and add an `auth_token` or RBAC user group.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_elasticache_replication_group", "aws_elasticache_cluster"],
            check,
            example: r#"resource "aws_elasticache_replication_group" "cache" {
  replication_group_id = "cache"
  description          = "cache"
  node_type            = "cache.m5.large"
}"#,
            fixed_example: r#"resource "aws_elasticache_replication_group" "cache" {
  replication_group_id       = "cache"
  description                = "cache"
  node_type                  = "cache.m5.large"
  transit_encryption_enabled = true
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &[elasticache::CFN_GROUP, elasticache::CFN_CLUSTER],
            check: check_cfn,
            example: r#"Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: cache
      CacheNodeType: cache.m5.large
      TransitEncryptionEnabled: false
"#,
            fixed_example: r#"Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: cache
      CacheNodeType: cache.m5.large
      TransitEncryptionEnabled: true
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    for res in elasticache::cfn_caches(ctx) {
        let group = res.ty == elasticache::CFN_GROUP;
        if group && elasticache::cfn_engine(ctx, res).is_none() {
            continue;
        }
        let absent = group.then_some("clients connect without TLS");
        elasticache::cfn_flag_false(
            ctx,
            res,
            "TransitEncryptionEnabled",
            "Encrypt in transit",
            absent,
            "turns in-transit encryption (TLS) off",
        );
    }
}

fn check(ctx: &mut TfContext) {
    for res in elasticache::caches(ctx) {
        let group = res.ty() == "aws_elasticache_replication_group";
        if group && elasticache::engine(ctx, res).is_none() {
            continue;
        }
        let file = ctx.file(res);
        let fix = Fix::new(
            "Encrypt in transit",
            vec![edit::set_attribute(file, res.block, "transit_encryption_enabled", "true")],
        );
        let address = res.address();
        match ctx.attr(res.block, "transit_encryption_enabled") {
            None if group => ctx.report_with_fix(
                res,
                res.block.header,
                format!("`{address}` does not set `transit_encryption_enabled`, so clients connect without TLS"),
                fix,
            ),
            Some((attr, v)) if v.as_bool() == Some(false) => {
                ctx.report_with_fix(res, attr.range, format!("`{address}` turns in-transit encryption (TLS) off"), fix)
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_groups_without_tls() {
        let text = r#"
resource "aws_elasticache_replication_group" "absent" {
  replication_group_id = "a"
}
resource "aws_elasticache_replication_group" "off" {
  transit_encryption_enabled = false
}
resource "aws_elasticache_replication_group" "on" {
  transit_encryption_enabled = true
}
resource "aws_elasticache_replication_group" "unknown" {
  transit_encryption_enabled = var.tls
}
resource "aws_elasticache_cluster" "cluster_absent" {
  engine = "redis"
}
resource "aws_elasticache_cluster" "cluster_off" {
  engine                     = "redis"
  transit_encryption_enabled = false
}
"#;
        assert_eq!(lines(&RULE, text), [19, 2, 6]);
        assert_eq!(check_fixes(&RULE, text), 3);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = r#"Parameters:
  Tls: {Type: String}
Resources:
  Absent:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      Engine: redis
  Off:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      TransitEncryptionEnabled: false
  On:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      TransitEncryptionEnabled: true
  Unknown:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      TransitEncryptionEnabled: !Ref Tls
  ClusterAbsent:
    Type: AWS::ElastiCache::CacheCluster
    Properties:
      Engine: redis
  ClusterOff:
    Type: AWS::ElastiCache::CacheCluster
    Properties:
      Engine: redis
      TransitEncryptionEnabled: "false"
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [28, 4, 11]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 3);
        let json = r#"{"Resources": {"G": {"Type": "AWS::ElastiCache::ReplicationGroup", "Properties": {"Engine": "redis"}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [1]);
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
