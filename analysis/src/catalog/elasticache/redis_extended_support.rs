use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::kit::elasticache;
use crate::kit::lifecycle::Date;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "elasticache-redis-extended-support",
    title: "ElastiCache runs Redis OSS 4 or 5, past the end of standard support",
    severity: Severity::Medium,
    row: Row::DatabasePatching,
    service: "ElastiCache",
    why: "Redis OSS 4 and 5 reached community end of life in 2020 and 2022. On ElastiCache they now get only \
          critical and high CVE fixes, at an extra hourly charge, and the forced upgrade at the end of Extended \
          Support happens on AWS's schedule rather than the team's. Patch versions 5.0.0 to 5.0.5 are also \
          deprecated outright.",
    aws_side: "AWS publishes the support calendar (standard support for Redis OSS 4 and 5 ended 2026-01-31; \
               Extended Support runs to 2029-01-31, per the ElastiCache Extended Support documentation) and \
               enrols such caches in paid Extended Support automatically. Upgrading is the customer's duty.",
    equivalents: Equivalents { checkov: &[], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags Redis OSS `aws_elasticache_cluster` and `aws_elasticache_replication_group` resources pinned \
               to `engine_version` 4.x or 5.x once their ElastiCache standard support has ended (2026-01-31): they \
               run on paid Extended Support until 2029-01-31, after which AWS upgrades them to Valkey.",
        fix: "Upgrade to Valkey or Redis OSS 7.x (`engine_version = \"7.1\"`, with a matching parameter group \
              family) before the Extended Support deadline.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_elasticache_cluster", "aws_elasticache_replication_group"],
            check,
            example: r#"resource "aws_elasticache_replication_group" "cache" {
  replication_group_id = "cache"
  description          = "cache"
  engine_version       = "5.0.6"
}"#,
            fixed_example: r#"resource "aws_elasticache_replication_group" "cache" {
  replication_group_id = "cache"
  description          = "cache"
  engine_version       = "7.1"
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
      EngineVersion: "5.0.6"
"#,
            fixed_example: r#"Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: cache
      EngineVersion: "7.1"
"#,
        }),
    },
};

/// What the end of support of Redis OSS 4 and 5 means on `today`; `None` while in standard support.
fn support_status(today: Date) -> Option<String> {
    if today <= END_OF_STANDARD {
        None
    } else if today > END_OF_EXTENDED {
        Some(format!("past the end of Extended Support ({END_OF_EXTENDED}): AWS upgrades it to Valkey"))
    } else {
        Some(format!(
            "past the end of standard support ({END_OF_STANDARD}): it runs on paid Extended Support until \
             {END_OF_EXTENDED}"
        ))
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    // Without a date the support windows cannot be judged: nothing is flagged.
    let Some(status) = ctx.today().and_then(support_status) else { return };
    for res in elasticache::cfn_caches(ctx) {
        let Some((node, text, parts)) = elasticache::cfn_redis_version(ctx, res) else { continue };
        if !matches!(parts[0], 4 | 5) {
            continue;
        }
        let fix = Fix::unsafe_(
            "Upgrade to Redis OSS 7.1 (check the parameter group family)",
            vec![cfn_edit::replace_value(ctx.template, node, &json!("7.1"))],
        );
        let range = ctx.prop_range(res, "EngineVersion").unwrap_or(node.range);
        ctx.report(res, range, format!("`{}` runs Redis OSS {text}, {status}", res.logical_id)).fixes.push(fix);
    }
}

/// End of ElastiCache standard support and of Extended Support for Redis OSS 4 and 5.
const END_OF_STANDARD: Date = Date::new(2026, 1, 31);
const END_OF_EXTENDED: Date = Date::new(2029, 1, 31);

fn check(ctx: &mut TfContext) {
    // Without a date the support windows cannot be judged: nothing is flagged.
    if let Some(today) = ctx.today() {
        check_at(ctx, today);
    }
}

fn check_at(ctx: &mut TfContext, today: Date) {
    if today <= END_OF_STANDARD {
        return;
    }
    for res in elasticache::caches(ctx) {
        let Some((attr, text, parts)) = elasticache::redis_version(ctx, res) else { continue };
        if !matches!(parts[0], 4 | 5) {
            continue;
        }
        let status = if today > END_OF_EXTENDED {
            format!("past the end of Extended Support ({END_OF_EXTENDED}): AWS upgrades it to Valkey")
        } else {
            format!(
                "past the end of standard support ({END_OF_STANDARD}): it runs on paid Extended Support until \
                 {END_OF_EXTENDED}"
            )
        };
        let file = ctx.file(res);
        let fix = Fix::unsafe_(
            "Upgrade to Redis OSS 7.1 (check the parameter group family)",
            vec![edit::set_attribute(file, res.block, "engine_version", "\"7.1\"")],
        );
        ctx.report_with_fix(res, attr.range, format!("`{}` runs Redis OSS {text}, {status}", res.address()), fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, module_files};
    use crate::terraform::Module;

    fn lines_at(text: &str, today: Date) -> Vec<usize> {
        let tf = module_files(&[("main.tf", text)]);
        let expansions = crate::terraform::expand::Expansions::new();
        let module = Module::new(tf.iter().collect(), &expansions);
        let mut findings = Vec::new();
        check_at(&mut TfContext::new(&module, &RULE, &mut findings), today);
        findings.iter().map(|f| text[..f.range.start].matches('\n').count() + 1).collect()
    }

    #[test]
    fn flags_4_and_5_after_standard_support() {
        let text = r#"
resource "aws_elasticache_cluster" "five" {
  engine         = "redis"
  engine_version = "5.0.0"
}
resource "aws_elasticache_replication_group" "four" {
  engine_version = "4.0.10"
}
resource "aws_elasticache_replication_group" "six" {
  engine_version = "6.x"
}
resource "aws_elasticache_replication_group" "three" {
  engine_version = "3.2.10"
}
resource "aws_elasticache_replication_group" "valkey" {
  engine         = "valkey"
  engine_version = "7.2"
}
"#;
        assert_eq!(lines_at(text, Date::new(2026, 11, 29)), [4, 7]);
        assert_eq!(lines_at(text, Date::new(2025, 11, 29)), Vec::<usize>::new());
        assert_eq!(check_fixes(&RULE, text), 2);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        // Tests run on TEST_TODAY (2026-11-29), in Extended Support.
        let yaml = r#"Resources:
  Five:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      EngineVersion: 5.0.6
  Four:
    Type: AWS::ElastiCache::CacheCluster
    Properties:
      Engine: Redis
      EngineVersion: "4.0.10"
  Six:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      EngineVersion: "6.x"
  Valkey:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      Engine: valkey
      EngineVersion: "7.2"
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [10, 5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
        assert!(support_status(Date::new(2025, 11, 29)).is_none());
        let json = r#"{"Resources": {"C": {"Type": "AWS::ElastiCache::ReplicationGroup", "Properties": {"EngineVersion": "5.0.6"}}}}"#;
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
