pub mod at_rest_unencrypted;
pub mod auto_minor_upgrade_disabled;
pub mod backup_disabled;
pub mod in_transit_unencrypted;
pub mod redis_extended_support;
pub mod redis_outdated_engine;

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::CfnResource;
use crate::fix::Fix;
use crate::rules::Rule;
use crate::terraform::check::{Resource, TfContext};
use crate::value::Value;

/// This service's rules, in catalog order.
pub static RULES: &[&Rule] = &[
    &backup_disabled::RULE,
    &at_rest_unencrypted::RULE,
    &in_transit_unencrypted::RULE,
    &auto_minor_upgrade_disabled::RULE,
    &redis_outdated_engine::RULE,
    &redis_extended_support::RULE,
];

/// The engine of an ElastiCache cluster or replication group, lower-cased: `redis`, `valkey`, `memcached`.
/// `None` when it is unknown, or when a cluster is a member of a replication group (the group decides) or
/// declares no engine.
pub(crate) fn engine(ctx: &TfContext, res: Resource) -> Option<String> {
    let group = res.ty() == "aws_elasticache_replication_group";
    if !group && res.block.attr("replication_group_id").is_some() {
        return None;
    }
    match ctx.attr(res.block, "engine") {
        None if group => Some("redis".into()),
        None => None,
        Some((_, v)) => v.as_str().map(str::to_ascii_lowercase),
    }
}

/// The Redis OSS / Valkey caches of a module: clusters and replication groups.
pub(crate) fn caches<'m>(ctx: &TfContext<'_, 'm>) -> Vec<Resource<'m>> {
    ctx.resources("aws_elasticache_cluster").chain(ctx.resources("aws_elasticache_replication_group")).collect()
}

/// The ElastiCache types of templates whose engine can be Redis OSS or Valkey.
pub(crate) const CFN_CLUSTER: &str = "AWS::ElastiCache::CacheCluster";
pub(crate) const CFN_GROUP: &str = "AWS::ElastiCache::ReplicationGroup";

/// The caches of a template: clusters and replication groups.
pub(crate) fn cfn_caches<'t>(ctx: &CfnContext<'_, 't>) -> Vec<CfnResource<'t>> {
    ctx.resources(CFN_CLUSTER).chain(ctx.resources(CFN_GROUP)).collect()
}

/// The engine of a template's cache, lower-cased; a replication group without `Engine` is Redis OSS. `None`
/// when unknown, or absent on a cluster (where it is required).
pub(crate) fn cfn_engine(ctx: &CfnContext, res: CfnResource) -> Option<String> {
    match ctx.prop(res, "Engine") {
        None if res.ty == CFN_GROUP => Some("redis".into()),
        None => None,
        Some((_, v)) => v.as_str().map(str::to_ascii_lowercase),
    }
}

/// Reports a cache whose boolean property `prop` is `false` (or absent, when `absent_message` says why that
/// is insecure), with a fix setting it to `true`.
pub(crate) fn cfn_flag_false(
    ctx: &mut CfnContext,
    res: CfnResource,
    prop: &str,
    fix_title: &str,
    absent_message: Option<&str>,
    false_message: &str,
) {
    let fix = Fix::new(fix_title, vec![cfn_edit::set_property(ctx.template, res, prop, &serde_json::json!(true))]);
    let id = res.logical_id;
    match ctx.prop(res, prop) {
        None | Some((_, Value::Null)) => {
            if let Some(why) = absent_message {
                let range = ctx.header(res);
                ctx.report(res, range, format!("`{id}` does not set `{prop}`, so {why}")).fixes.push(fix);
            }
        }
        Some((node, v)) if v.as_bool() == Some(false) => {
            let range = ctx.prop_range(res, prop).unwrap_or(node.range);
            ctx.report(res, range, format!("`{id}` {false_message}")).fixes.push(fix);
        }
        Some(_) => {}
    }
}
