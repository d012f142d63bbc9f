//! The ingress sources of databases' security groups: RDS DB security groups (`aws_db_security_group`,
//! `AWS::RDS::DBSecurityGroup`), and the EC2 security groups an RDS instance or cluster names. Shared by the rules
//! about who may reach a database.

use std::collections::HashMap;

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::tree::Node;
use crate::cloudformation::CfnResource;
use crate::kit::network::{ingress_rules, Ingress};
use crate::kit::rds;
use crate::terraform::check::{is_registry_module, Resource, TfContext};
use std::sync::Arc;

use crate::fast_hash::FastMap;
use crate::terraform::chunked::BlockId;
use crate::terraform::model::{Block, ExprKind, Step};
use crate::terraform::reads::{KeyedMemoValue, MemoValue};
use crate::terraform::view::Field;
use crate::text::TextRange;
use crate::value::Value;

/// An ingress source range of a database's security group.
pub struct Source {
    /// The range as written.
    pub cidr: String,
    /// Where it is written (the `cidr = ...` / `CidrIp: ...` entry).
    pub range: TextRange,
    /// Which database the group serves, for messages ("" for an RDS DB security group).
    pub serves: String,
}

/// A Terraform ingress source, with the resource holding it and the field that writes it (for fixes).
pub struct TfSource<'m> {
    pub resource: Resource<'m>,
    pub source: Source,
    pub field: Option<Field<'m>>,
    /// The EC2 ingress rule it comes from (`None` for a DB security group).
    pub ingress: Option<Ingress<'m>>,
}

/// The databases (instances, clusters, their modules) whose `vpc_security_group_ids` lists `group`: their
/// addresses, in module order.
fn databases_using<'m>(ctx: &TfContext<'_, 'm>, group: Resource<'m>) -> Vec<String> {
    let key = group_key(group.ty(), group.name());
    databases_by_group(ctx).entry(ctx.module, key).index.get(&key).cloned().unwrap_or_default()
}

/// A group's key in [`databases_by_group`]: its address's parts, fingerprinted (no address string is written
/// per database and group at each rebuild).
fn group_key(ty: &str, name: &str) -> u64 {
    crate::terraform::reads::fingerprint(&(ty, name))
}

/// For each security group a database lists in `vpc_security_group_ids` (`aws_security_group.app.id`), by the
/// group's address ([`group_key`]), the addresses of the databases that list it. One index for the module:
/// each group's rule scanning every database was quadratic in a module of many groups and databases, and after
/// a keystroke in a database that lists the same groups the index is equal, so the groups' runs are not made
/// again.
#[derive(Default)]
struct DatabasesByGroup {
    index: HashMap<u64, Vec<String>>,
    /// Each database block's address and the groups it lists, by the block's identity: what a rebuild after a
    /// keystroke reads again of the blocks that came only (reading them all was a tenth of a keystroke in a
    /// database at 20k lines).
    listings: FastMap<BlockId, Arc<(String, Vec<u64>)>>,
}

impl MemoValue for DatabasesByGroup {
    fn fingerprint(&self) -> u64 {
        self.index.fingerprint()
    }
}

impl KeyedMemoValue for DatabasesByGroup {
    fn entry_at(&self, key: u64) -> Option<u64> {
        self.index.entry_at(key)
    }

    fn entry_keys(&self) -> Box<dyn Iterator<Item = u64> + '_> {
        self.index.entry_keys()
    }
}

fn databases_by_group(ctx: &TfContext) -> crate::terraform::Keyed<DatabasesByGroup> {
    ctx.module.keyed_memo_updated(["databases by security group", "", ""], |last: Option<&DatabasesByGroup>| {
        let module = ctx.module;
        let mut dbs: Vec<(usize, usize, &Block)> = module.typed_indexed("resource", rds::INSTANCE).collect();
        dbs.extend(module.typed_indexed("resource", rds::CLUSTER));
        dbs.extend(
            module
                .blocks_indexed("module")
                .filter(|(_, _, b)| is_registry_module(b, rds::MODULE) || is_registry_module(b, rds::AURORA_MODULE)),
        );
        let mut now = DatabasesByGroup::default();
        for (file, i, block) in dbs {
            let db = Resource { file, block };
            if !ctx.exists(db) {
                continue;
            }
            let id = module.files[file].block_ids[i];
            let listing = match last.and_then(|l| l.listings.get(&id)) {
                Some(listing) => listing.clone(),
                None => Arc::new((db.address(), listed_groups(block))),
            };
            for &group in &listing.1 {
                let databases = now.index.entry(group).or_default();
                if databases.last() != Some(&listing.0) {
                    databases.push(listing.0.clone());
                }
            }
            now.listings.insert(id, listing);
        }
        now
    })
}

/// The groups a database block lists in `vpc_security_group_ids`, by [`group_key`], as written (what
/// `TfContext::refers_to` takes for a reference to a group: a traversal of it).
fn listed_groups(block: &Block) -> Vec<u64> {
    let Some(ExprKind::Tuple(items)) = block.attr("vpc_security_group_ids").map(|a| &a.expr.kind) else {
        return Vec::new();
    };
    let traversals = items.iter().filter_map(|item| match &item.kind {
        ExprKind::Traversal(root, steps) => match steps.first() {
            Some(Step::Attr(name)) => Some(group_key(root, name)),
            _ => None,
        },
        _ => None,
    });
    traversals.collect()
}

/// The security group an ingress rule belongs to: the group itself, or the one a rule resource names.
fn group_of<'m>(ctx: &TfContext<'_, 'm>, ingress: &Ingress<'m>) -> Option<Resource<'m>> {
    let res = ingress.resource;
    if res.is_module() {
        return None;
    }
    match res.ty() {
        "aws_security_group" => Some(res),
        "aws_security_group_rule" | "aws_vpc_security_group_ingress_rule" => {
            let attr = res.block.attr("security_group_id")?;
            // A reference to the group (`aws_security_group.app.id`), found by its address.
            let ExprKind::Traversal(root, steps) = &attr.expr.kind else { return None };
            let Some(Step::Attr(name)) = steps.first() else { return None };
            (root == "aws_security_group").then(|| ctx.at_address(&format!("{root}.{name}")).into_iter().next())?
        }
        _ => None,
    }
}

/// Every ingress source of the databases' security groups the run checks.
pub fn tf_sources<'m>(ctx: &TfContext<'_, 'm>) -> Vec<TfSource<'m>> {
    let mut out = Vec::new();
    for res in ctx.resources("aws_db_security_group") {
        for rule in ctx.nested(res.config(), "ingress") {
            let Some((field, Value::String(cidr))) = ctx.field(rule, "cidr") else { continue };
            out.push(TfSource {
                resource: res,
                source: Source { cidr, range: field.range, serves: String::new() },
                field: Some(field),
                ingress: None,
            });
        }
    }
    for ingress in ingress_rules(ctx) {
        let Some(group) = group_of(ctx, &ingress) else { continue };
        let dbs = databases_using(ctx, group);
        let Some(first) = dbs.first() else { continue };
        let serves = format!("the security group of `{first}`");
        for (cidr, range) in ingress.cidrs.clone() {
            out.push(TfSource {
                resource: ingress.resource,
                source: Source { cidr, range, serves: serves.clone() },
                field: ingress.cidr_field,
                ingress: Some(ingress.clone()),
            });
        }
    }
    out
}

/// A template's ingress source, with the resource holding it and the value node (for fixes).
pub struct CfnSource<'t> {
    pub resource: CfnResource<'t>,
    pub node: &'t Node,
    pub source: Source,
}

/// The maps of a property that is a list of maps or, as some templates write it, a single map.
fn maps(node: &Node) -> Vec<&Node> {
    if node.intrinsic().is_some() {
        return Vec::new();
    }
    match &node.kind {
        crate::cloudformation::tree::NodeKind::List(items) => {
            items.iter().filter(|i| i.intrinsic().is_none() && !i.entries().is_empty()).collect()
        }
        crate::cloudformation::tree::NodeKind::Map(_) => vec![node],
        _ => Vec::new(),
    }
}

fn cfn_ranges<'t>(
    ctx: &CfnContext<'_, 't>,
    res: CfnResource<'t>,
    map: &'t Node,
    keys: &[&str],
    serves: &str,
    out: &mut Vec<CfnSource<'t>>,
) {
    for key in keys {
        let Some(entry) = map.entry(key) else { continue };
        if let Value::String(cidr) = ctx.eval(&entry.value) {
            out.push(CfnSource {
                resource: res,
                node: &entry.value,
                source: Source { cidr, range: entry.range, serves: serves.to_string() },
            });
        }
    }
}

/// Every ingress source of a template's databases' security groups: `AWS::RDS::DBSecurityGroup`
/// (`DBSecurityGroupIngress`), and `AWS::EC2::SecurityGroup` (inline, or `AWS::EC2::SecurityGroupIngress`
/// resources) named by an instance's `VPCSecurityGroups` or `DBSecurityGroups` or a cluster's
/// `VpcSecurityGroupIds`.
pub fn cfn_sources<'t>(ctx: &CfnContext<'_, 't>) -> Vec<CfnSource<'t>> {
    let mut out = Vec::new();
    for res in ctx.resources("AWS::RDS::DBSecurityGroup") {
        let Some((node, _)) = ctx.prop(res, "DBSecurityGroupIngress") else { continue };
        for map in maps(node) {
            cfn_ranges(ctx, res, map, &["CIDRIP"], "", &mut out);
        }
    }
    let mut dbs: Vec<(CfnResource, &Node)> = Vec::new();
    for (ty, props) in [
        (rds::CFN_INSTANCE, &["VPCSecurityGroups", "DBSecurityGroups"][..]),
        (rds::CFN_CLUSTER, &["VpcSecurityGroupIds"][..]),
    ] {
        for db in ctx.resources(ty) {
            for prop in props {
                if let Some((node, _)) = ctx.prop(db, prop) {
                    dbs.extend(node.items().iter().map(|i| (db, i)));
                }
            }
        }
    }
    // (A string naming the group, `Group.GroupId`, is read as a reference: templates converted to JSON by hand
    // write `!GetAtt` so.)
    let names = |item: &Node, group: CfnResource| {
        ctx.refers_to(item, group) || item.as_str().is_some_and(|s| s.split('.').next() == Some(group.logical_id))
    };
    let serves = |group: CfnResource| {
        dbs.iter()
            .find(|(_, item)| names(item, group))
            .map(|(db, _)| format!("the security group of `{}`", db.logical_id))
    };
    for group in ctx.resources("AWS::EC2::SecurityGroup") {
        let Some(serves) = serves(group) else { continue };
        if let Some((node, _)) = ctx.prop(group, "SecurityGroupIngress") {
            for map in maps(node) {
                cfn_ranges(ctx, group, map, &["CidrIp", "CidrIpv6"], &serves, &mut out);
            }
        }
    }
    let groups: Vec<CfnResource> = ctx.resources("AWS::EC2::SecurityGroup").collect();
    for rule in ctx.resources("AWS::EC2::SecurityGroupIngress") {
        let Some((id, _)) = ctx.prop(rule, "GroupId") else { continue };
        let Some(serves) = groups.iter().find(|g| ctx.refers_to(id, **g)).and_then(|g| serves(*g)) else { continue };
        if let Some(props) = rule.properties {
            cfn_ranges(ctx, rule, props, &["CidrIp", "CidrIpv6"], &serves, &mut out);
        }
    }
    out
}

/// The prefix length of a range (a bare address is a single host: 32 or 128), and whether it is IPv6.
pub fn prefix(cidr: &str) -> Option<(u32, bool)> {
    let cidr = cidr.trim();
    let (addr, len) = match cidr.split_once('/') {
        Some((a, l)) => (a, Some(l.parse::<u32>().ok()?)),
        None => (cidr, None),
    };
    let v6 = addr.contains(':');
    addr.parse::<std::net::IpAddr>().ok()?;
    Some((len.unwrap_or(if v6 { 128 } else { 32 }), v6))
}
