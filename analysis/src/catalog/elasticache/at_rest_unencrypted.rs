use crate::cloudformation::check::CfnContext;
use crate::fix::Fix;
use crate::kit::elasticache;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;

pub static RULE: Rule = Rule {
    id: "elasticache-at-rest-unencrypted",
    title: "ElastiCache replication group is not encrypted at rest",
    severity: Severity::High,
    row: Row::ManagedServiceConfig,
    service: "ElastiCache",
    why: "Without at-rest encryption, the data on the nodes' disks, in swap and in every backup and exported \
          snapshot is stored in plain form. Caches frequently hold session tokens and personal data.",
    aws_side: "AWS runs the nodes and encrypts their storage and snapshots when asked; for Redis OSS the API does \
               not encrypt unless `AtRestEncryptionEnabled` is set. Asking for it, and choosing a \
               customer-managed key when needed, is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_29"],
        kics: &["76976de7-c7b1-4f64-a94f-90c1345914c2"],
        trivy: &["AVD-AWS-0045", "aws-elasticache-enable-at-rest-encryption"],
    },
    related: Related {
        checkov: &[],
        kics: &["e4ee3903-9225-4b6a-bdfb-e62dbadef821"],
        trivy: &[],
        how: "KICS's CloudFormation ElastiCache With Disabled at Rest Encryption (e4ee3903) judges only groups that \
              write `Engine: redis`, so it passes a group that leaves `Engine` out (Redis OSS) and a Valkey group \
              with `AtRestEncryptionEnabled: false`, which this rule flags.",
    },
    matcher: &Custom {
        what: "Flags `aws_elasticache_replication_group` resources with `at_rest_encryption_enabled = false`, or \
               without the attribute on Redis OSS (the API default is unencrypted for Redis OSS, encrypted for \
               Valkey).",
        fix: "Set `at_rest_encryption_enabled = true` (optionally with `kms_key_id`). On an existing group this \
              replaces it: migrate through a snapshot restore.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_elasticache_replication_group"],
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
  at_rest_encryption_enabled = true
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &[elasticache::CFN_GROUP],
            check: check_cfn,
            example: r#"Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: cache
      CacheNodeType: cache.m5.large
      Engine: redis
"#,
            fixed_example: r#"Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: cache
      CacheNodeType: cache.m5.large
      Engine: redis
      AtRestEncryptionEnabled: true
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources(elasticache::CFN_GROUP).collect::<Vec<_>>() {
        let Some(engine) = elasticache::cfn_engine(ctx, res) else { continue };
        // Valkey groups are encrypted at rest by default.
        let absent = (engine != "valkey").then_some("its data and snapshots are not encrypted");
        elasticache::cfn_flag_false(
            ctx,
            res,
            "AtRestEncryptionEnabled",
            "Encrypt at rest",
            absent,
            "turns encryption at rest off",
        );
    }
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_elasticache_replication_group").collect::<Vec<_>>() {
        let Some(engine) = elasticache::engine(ctx, res) else { continue };
        let file = ctx.file(res);
        let fix = Fix::new(
            "Encrypt at rest",
            vec![edit::set_attribute(file, res.block, "at_rest_encryption_enabled", "true")],
        );
        let address = res.address();
        match ctx.attr(res.block, "at_rest_encryption_enabled") {
            // Valkey groups are encrypted at rest by default.
            None if engine == "valkey" => {}
            None => ctx.report_with_fix(
                res,
                res.block.header,
                format!("`{address}` does not set `at_rest_encryption_enabled`, so its data and snapshots are not encrypted"),
                fix,
            ),
            Some((attr, v)) if v.as_bool() == Some(false) => ctx.report_with_fix(
                res,
                attr.range,
                format!("`{address}` turns encryption at rest off"),
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
    fn flags_unencrypted_groups() {
        let text = r#"
resource "aws_elasticache_replication_group" "absent" {
  replication_group_id = "a"
}
resource "aws_elasticache_replication_group" "off" {
  at_rest_encryption_enabled = false
}
resource "aws_elasticache_replication_group" "on" {
  at_rest_encryption_enabled = true
}
resource "aws_elasticache_replication_group" "valkey" {
  engine = "valkey"
}
resource "aws_elasticache_replication_group" "valkey_off" {
  engine                     = "valkey"
  at_rest_encryption_enabled = "false"
}
resource "aws_elasticache_replication_group" "unknown" {
  at_rest_encryption_enabled = var.enc
}
resource "aws_elasticache_replication_group" "unknown_engine" {
  engine = var.engine
}
"#;
        assert_eq!(lines(&RULE, text), [2, 6, 16]);
        assert_eq!(check_fixes(&RULE, text), 3);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = r#"Parameters:
  Enc: {Type: String}
Resources:
  Absent:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: a
  Off:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      AtRestEncryptionEnabled: false
  On:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      AtRestEncryptionEnabled: true
  Valkey:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      Engine: valkey
  Unknown:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      AtRestEncryptionEnabled: !Ref Enc
  UnknownEngine:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      Engine: !Ref Enc
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [4, 11]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
        let json = r#"{"Resources": {"G": {"Type": "AWS::ElastiCache::ReplicationGroup",
  "Properties": {"Engine": "redis", "AtRestEncryptionEnabled": "false"}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [2]);
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
