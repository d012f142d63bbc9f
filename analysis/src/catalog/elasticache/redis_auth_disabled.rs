use crate::cloudformation::check::CfnContext;
use crate::kit::{elasticache, setting};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "elasticache-redis-auth-disabled",
    title: "ElastiCache Redis OSS or Valkey cache accepts connections without authentication",
    severity: Severity::High,
    row: Row::AccessRestriction,
    service: "ElastiCache",
    why: "Without AUTH or role-based access control, anything that can reach the endpoint can read every key, \
          overwrite sessions, or run `FLUSHALL`. Network controls are then the only barrier, and one misrouted \
          security group exposes all cached data.",
    aws_side: "AWS enforces AUTH tokens and RBAC user groups when they are configured (Security Hub ElastiCache.6); \
               configuring them is the customer's duty.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_31"],
        kics: &[],
        trivy: &[],
        how: "Checkov also flags groups without encryption in transit, which `elasticache-in-transit-unencrypted` \
              reports (AUTH needs TLS); this rule flags TLS-enabled caches that authenticate no one.",
    },
    matcher: &Custom {
        what: "Flags `aws_elasticache_replication_group` with `transit_encryption_enabled = true` and neither \
               `auth_token` nor `user_group_ids` (Memcached skipped), and `aws_elasticache_serverless_cache` \
               without `user_group_id`; in CloudFormation, `AWS::ElastiCache::ReplicationGroup` with \
               `TransitEncryptionEnabled: true` and neither `AuthToken` nor `UserGroupIds`, and \
               `AWS::ElastiCache::ServerlessCache` without `UserGroupId`.",
        fix: "Attach an `aws_elasticache_user_group` whose users have passwords or IAM authentication (`user_group_ids`, \
              `user_group_id`), or set an `auth_token` read from Secrets Manager.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_elasticache_replication_group", "aws_elasticache_serverless_cache"],
            check,
            example: r#"resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id       = "sessions"
  transit_encryption_enabled = true
}"#,
            fixed_example: r#"resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id       = "sessions"
  transit_encryption_enabled = true
  user_group_ids             = [aws_elasticache_user_group.sessions.id]
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ElastiCache::ReplicationGroup", "AWS::ElastiCache::ServerlessCache"],
            check: check_cfn,
            example: r#"Resources:
  Sessions:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: sessions
      TransitEncryptionEnabled: true
"#,
            fixed_example: r#"Resources:
  Sessions:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: sessions
      TransitEncryptionEnabled: true
      UserGroupIds: [!Ref SessionsUsers]
"#,
        }),
    },
};

const WHY: &str = "anything that reaches the endpoint can read and overwrite every key";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_elasticache_replication_group").collect::<Vec<_>>() {
        let tls = ctx.attr(res.block, "transit_encryption_enabled").is_some_and(|(_, v)| v.as_bool() == Some(true));
        if !tls || elasticache::engine(ctx, res).as_deref() == Some("memcached") {
            continue;
        }
        let authenticated = ["auth_token", "user_group_ids"].iter().any(|a| ctx.attr(res.block, a).is_some());
        if !authenticated {
            let message = format!("`{}` sets neither `auth_token` nor `user_group_ids`: {WHY}", res.address());
            ctx.report(res, res.block.header, message);
        }
    }
    for res in ctx.resources("aws_elasticache_serverless_cache").collect::<Vec<_>>() {
        if elasticache::engine(ctx, res).as_deref() == Some("memcached")
            || ctx.attr(res.block, "user_group_id").is_some()
        {
            continue;
        }
        let message = format!("`{}` does not set `user_group_id`: {WHY}", res.address());
        ctx.report(res, res.block.header, message);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources(elasticache::CFN_GROUP).collect::<Vec<_>>() {
        let tls = ctx.prop(res, "TransitEncryptionEnabled").is_some_and(|(_, v)| v.as_bool() == Some(true));
        if !tls || elasticache::cfn_engine(ctx, res).as_deref() == Some("memcached") {
            continue;
        }
        if !setting::cfn_has_any(res, &["AuthToken", "UserGroupIds"]) {
            let range = ctx.header(res);
            let message = format!("`{}` sets neither `AuthToken` nor `UserGroupIds`: {WHY}", res.logical_id);
            ctx.report(res, range, message);
        }
    }
    for res in ctx.resources("AWS::ElastiCache::ServerlessCache").collect::<Vec<_>>() {
        let memcached = ctx
            .prop(res, "Engine")
            .is_some_and(|(_, v)| v.as_str().is_some_and(|e| e.eq_ignore_ascii_case("memcached")));
        if memcached || setting::cfn_has_any(res, &["UserGroupId"]) {
            continue;
        }
        let range = ctx.header(res);
        let message = format!("`{}` does not set `UserGroupId`: {WHY}", res.logical_id);
        ctx.report(res, range, message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_tls_caches_without_authentication() {
        let tf = r#"resource "aws_elasticache_replication_group" "open" {
  transit_encryption_enabled = true
}
resource "aws_elasticache_replication_group" "token" {
  transit_encryption_enabled = true
  auth_token                 = var.token
}
resource "aws_elasticache_replication_group" "no_tls" {
  replication_group_id = "n"
}
resource "aws_elasticache_serverless_cache" "serverless" {
  engine = "valkey"
}
resource "aws_elasticache_serverless_cache" "memcached" {
  engine = "memcached"
}
resource "aws_elasticache_serverless_cache" "rbac" {
  engine        = "redis"
  user_group_id = aws_elasticache_user_group.u.id
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 11]);
    }

    #[test]
    fn cloudformation_authentication() {
        let yaml = "Resources:\n  A:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n      TransitEncryptionEnabled: true\n  B:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n      TransitEncryptionEnabled: true\n      AuthToken: '{{resolve:secretsmanager:cache:SecretString:token}}'\n  C:\n    Type: AWS::ElastiCache::ServerlessCache\n    Properties:\n      Engine: valkey\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 11]);
    }
}
