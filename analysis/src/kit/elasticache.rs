//! What the ElastiCache rules share: caches (clusters and replication groups) and their engines.

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::CfnResource;
use crate::fix::Fix;
use crate::kit::lifecycle::version_parts;
use crate::terraform::check::{Resource, TfContext};
use crate::value::Value;

/// The engine of an ElastiCache cluster or replication group, lower-cased: `redis`, `valkey`, `memcached`.
/// `None` when it is unknown, or when a cluster is a member of a replication group (the group decides) or
/// declares no engine.
pub fn engine(ctx: &TfContext, res: Resource) -> Option<String> {
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
pub fn caches<'m>(ctx: &TfContext<'_, 'm>) -> Vec<Resource<'m>> {
    ctx.resources("aws_elasticache_cluster").chain(ctx.resources("aws_elasticache_replication_group")).collect()
}

/// The ElastiCache types of templates whose engine can be Redis OSS or Valkey.
pub const CFN_CLUSTER: &str = "AWS::ElastiCache::CacheCluster";
pub const CFN_GROUP: &str = "AWS::ElastiCache::ReplicationGroup";

/// The caches of a template: clusters and replication groups.
pub fn cfn_caches<'t>(ctx: &CfnContext<'_, 't>) -> Vec<CfnResource<'t>> {
    ctx.resources(CFN_CLUSTER).chain(ctx.resources(CFN_GROUP)).collect()
}

/// The engine of a template's cache, lower-cased; a replication group without `Engine` is Redis OSS. `None`
/// when unknown, or absent on a cluster (where it is required).
pub fn cfn_engine(ctx: &CfnContext, res: CfnResource) -> Option<String> {
    match ctx.prop(res, "Engine") {
        None if res.ty == CFN_GROUP => Some("redis".into()),
        None => None,
        Some((_, v)) => v.as_str().map(str::to_ascii_lowercase),
    }
}

/// Reports a cache whose boolean property `prop` is `false` (or absent, when `absent_message` says why that
/// is insecure), with a fix setting it to `true`.
pub fn cfn_flag_false(
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

/// The Redis OSS `EngineVersion` of a template's cache: its node, text and numbers; `None` for other engines,
/// unknown or absent versions.
pub fn cfn_redis_version<'t>(
    ctx: &CfnContext<'_, 't>,
    res: crate::cloudformation::CfnResource<'t>,
) -> Option<(&'t crate::cloudformation::tree::Node, String, Vec<u32>)> {
    if cfn_engine(ctx, res).as_deref() != Some("redis") {
        return None;
    }
    let (node, v) = ctx.prop(res, "EngineVersion")?;
    let text = v.to_text()?;
    let parts = version_parts(&text);
    (!parts.is_empty()).then_some((node, text, parts))
}

/// The Redis OSS version of a cache, as numbers, and its attribute; `None` for other engines, unknown or
/// absent versions (absent means the latest).
pub fn redis_version<'m>(
    ctx: &TfContext<'_, 'm>,
    res: Resource<'m>,
) -> Option<(&'m crate::terraform::model::Attribute, String, Vec<u32>)> {
    if engine(ctx, res).as_deref() != Some("redis") {
        return None;
    }
    let (attr, v) = ctx.attr(res.block, "engine_version")?;
    let text = v.as_str()?.to_string();
    let parts = version_parts(&text);
    (!parts.is_empty()).then_some((attr, text, parts))
}
