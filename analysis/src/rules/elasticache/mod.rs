pub mod at_rest_unencrypted;
pub mod auto_minor_upgrade_disabled;
pub mod backup_disabled;
pub mod in_transit_unencrypted;
pub mod redis_extended_support;
pub mod redis_outdated_engine;

use crate::rules::Rule;
use crate::terraform::check::{Resource, TfContext};

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
