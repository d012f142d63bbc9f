use crate::cloudformation::check::CfnContext;
use crate::fix::Fix;
use crate::kit::elasticache;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;

pub static RULE: Rule = Rule {
    id: "elasticache-auto-minor-upgrade-disabled",
    title: "ElastiCache minor engine upgrades are turned off",
    severity: Severity::Medium,
    row: Row::DatabasePatching,
    service: "ElastiCache",
    why: "Minor engine versions carry security and bug fixes. With automatic minor upgrades off, the cache keeps \
          running a version with known vulnerabilities until someone upgrades it by hand, which is rarely \
          scheduled.",
    aws_side: "AWS builds and tests the engine patches and applies them in the maintenance window when allowed. \
               Allowing it (or upgrading on one's own schedule) is the customer's duty.",
    equivalents: Equivalents { checkov: &["CKV_AWS_322"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_elasticache_cluster` and `aws_elasticache_replication_group` resources with \
               `auto_minor_version_upgrade = false` (the default, `true`, is compliant).",
        fix: "Set `auto_minor_version_upgrade = true` (or remove it) and choose a `maintenance_window` that suits \
              the workload.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_elasticache_cluster", "aws_elasticache_replication_group"],
            check,
            example: r#"resource "aws_elasticache_replication_group" "cache" {
  replication_group_id       = "cache"
  description                = "cache"
  auto_minor_version_upgrade = false
}"#,
            fixed_example: r#"resource "aws_elasticache_replication_group" "cache" {
  replication_group_id       = "cache"
  description                = "cache"
  auto_minor_version_upgrade = true
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &[elasticache::CFN_CLUSTER, elasticache::CFN_GROUP],
            check: check_cfn,
            example: r#"Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: cache
      AutoMinorVersionUpgrade: false
"#,
            fixed_example: r#"Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: cache
      AutoMinorVersionUpgrade: true
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    for res in elasticache::cfn_caches(ctx) {
        elasticache::cfn_flag_false(
            ctx,
            res,
            "AutoMinorVersionUpgrade",
            "Allow automatic minor upgrades",
            None,
            "turns automatic minor engine upgrades off",
        );
    }
}

fn check(ctx: &mut TfContext) {
    for res in elasticache::caches(ctx) {
        let Some((attr, v)) = ctx.attr(res.block, "auto_minor_version_upgrade") else { continue };
        if v.as_bool() != Some(false) {
            continue;
        }
        let file = ctx.file(res);
        let fix = Fix::new(
            "Allow automatic minor upgrades",
            vec![edit::set_attribute(file, res.block, "auto_minor_version_upgrade", "true")],
        );
        let message = format!("`{}` turns automatic minor engine upgrades off", res.address());
        ctx.report_with_fix(res, attr.range, message, fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_disabled_upgrades() {
        let text = r#"
resource "aws_elasticache_cluster" "off" {
  auto_minor_version_upgrade = "false"
}
resource "aws_elasticache_replication_group" "off" {
  auto_minor_version_upgrade = false
}
resource "aws_elasticache_replication_group" "default" {
}
resource "aws_elasticache_replication_group" "unknown" {
  auto_minor_version_upgrade = var.upgrade
}
"#;
        assert_eq!(lines(&RULE, text), [3, 6]);
        assert_eq!(check_fixes(&RULE, text), 2);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = r#"Resources:
  Off:
    Type: AWS::ElastiCache::CacheCluster
    Properties:
      Engine: memcached
      AutoMinorVersionUpgrade: false
  Default:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: d
  Unknown:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      AutoMinorVersionUpgrade: !Ref Upgrade
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [6]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
        let json = r#"{"Resources": {"G": {"Type": "AWS::ElastiCache::ReplicationGroup",
  "Properties": {"AutoMinorVersionUpgrade": "false"}}}}"#;
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
