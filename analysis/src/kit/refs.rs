//! References to other blocks of a configuration, however they are written: a traversal
//! (`aws_security_group.app.id`, `data.aws_vpc.main.id`, `module.vpc.public_subnets[0]`), an interpolation
//! (`"${aws_security_group.app.id}"`), or the same text in a quoted string, as many examples (and the KICS
//! fixtures) write them (`"aws_security_group.app.id"`).
//!
//! Used by the EC2, VPC and ECS rules that follow an instance to its subnet, a subnet to its VPC, a group to
//! whatever uses it.

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::tree::{Node, NodeKind};
use crate::cloudformation::CfnResource;
use std::sync::Arc;

use crate::fast_hash::FastMap;
use crate::terraform::blocks_seen::{kept_now, BlocksSeen};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::chunked::BlockId;
use crate::terraform::model::{Expr, ExprKind, Step, TemplatePart};
use crate::terraform::reads::{unordered, KeyedMemoValue, MemoValue};

/// A reference to a block: its kind, type (for modules, the module's name) and name, and the steps after them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ref {
    pub kind: RefKind,
    /// `aws_security_group`; for `module.vpc.x`, `vpc`.
    pub ty: String,
    /// `app`; for a module, its output (`public_subnets`).
    pub name: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefKind {
    Resource,
    Data,
    Module,
}

impl RefKind {
    /// The kind of reference that names a block of this kind (`resource`, `data`); others are not named so.
    fn naming(block_kind: &str) -> Option<RefKind> {
        match block_kind {
            "resource" => Some(RefKind::Resource),
            "data" => Some(RefKind::Data),
            _ => None,
        }
    }
}

impl Ref {
    /// Whether it names `res` (a resource or data source of the configuration).
    pub fn is(&self, res: Resource) -> bool {
        let Some(kind) = RefKind::naming(&res.block.kind) else { return false };
        self.kind == kind && self.ty == res.ty() && self.name == res.name()
    }

    /// The blocks of the configuration it names (one in a valid configuration).
    pub fn targets<'m>(&self, ctx: &TfContext<'_, 'm>) -> Vec<Resource<'m>> {
        let address = match self.kind {
            RefKind::Resource => format!("{}.{}", self.ty, self.name),
            RefKind::Data => format!("data.{}.{}", self.ty, self.name),
            RefKind::Module => return Vec::new(),
        };
        ctx.at_address(&address)
    }
}

/// A [`Ref`] borrowing its names from the expression it was read in: what a scan of every reference of a module
/// reads without allocating.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct RefIn<'e> {
    kind: RefKind,
    ty: &'e str,
    name: &'e str,
}

impl RefIn<'_> {
    fn to_owned(self) -> Ref {
        Ref { kind: self.kind, ty: self.ty.to_string(), name: self.name.to_string() }
    }
}

/// Parses `aws_x.name`, `data.aws_x.name`, `module.m.output` at the start of dotted text.
fn parse_dotted(text: &str) -> Option<RefIn<'_>> {
    let text = text.trim();
    let mut parts = text.split(['.', '[']);
    let first = parts.next()?;
    let valid = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let (kind, ty, name) = match first {
        "data" => (RefKind::Data, parts.next()?, parts.next()?),
        "module" => (RefKind::Module, parts.next()?, parts.next().unwrap_or("")),
        ty if ty.starts_with("aws_") => (RefKind::Resource, ty, parts.next()?),
        _ => return None,
    };
    if !valid(ty) || (kind != RefKind::Module && !valid(name)) || text.contains(' ') {
        return None;
    }
    Some(RefIn { kind, ty, name })
}

fn from_traversal<'e>(root: &'e str, steps: &'e [Step]) -> Option<RefIn<'e>> {
    let attr = |i: usize| match steps.get(i) {
        Some(Step::Attr(a)) => Some(a.as_str()),
        _ => None,
    };
    let (kind, ty, name) = match root {
        "data" => (RefKind::Data, attr(0)?, attr(1)?),
        "module" => (RefKind::Module, attr(0)?, attr(1).unwrap_or("")),
        "var" | "local" | "each" | "count" | "path" | "self" | "terraform" => return None,
        ty => (RefKind::Resource, ty, attr(0)?),
    };
    Some(RefIn { kind, ty, name })
}

/// The reference an expression is, if it is one: a traversal, `"${...}"` around one, or quoted dotted text.
pub fn reference(expr: &Expr) -> Option<Ref> {
    reference_in(expr).map(RefIn::to_owned)
}

fn reference_in(expr: &Expr) -> Option<RefIn<'_>> {
    match &expr.kind {
        ExprKind::Traversal(root, steps) => from_traversal(root, steps),
        ExprKind::Template(parts) => match parts.as_slice() {
            [TemplatePart::Interpolation(e)] => reference_in(e),
            [TemplatePart::Literal(s)] => parse_dotted(s),
            _ => None,
        },
        _ => None,
    }
}

/// Every reference written anywhere in an expression (lists, objects, calls, interpolations, quoted text).
pub fn references_in(expr: &Expr) -> Vec<Ref> {
    let mut out = Vec::new();
    visit(expr, &mut |r| out.push(r.to_owned()));
    out
}

fn visit<'e>(expr: &'e Expr, found: &mut impl FnMut(RefIn<'e>)) {
    if let Some(r) = reference_in(expr) {
        found(r);
    }
    match &expr.kind {
        ExprKind::Template(parts) if parts.len() > 1 => {
            for p in parts {
                if let TemplatePart::Interpolation(e) = p {
                    visit(e, found);
                }
            }
        }
        ExprKind::Tuple(items) | ExprKind::Call(_, items) => items.iter().for_each(|e| visit(e, found)),
        ExprKind::Object(elems) => elems.iter().for_each(|(_, v)| visit(v, found)),
        ExprKind::Conditional(c, t, f) => {
            visit(c, found);
            visit(t, found);
            visit(f, found);
        }
        ExprKind::Traversal(_, steps) => {
            for s in steps {
                if let Step::Index(e) = s {
                    visit(e, found);
                }
            }
        }
        _ => {}
    }
}

/// The items of a list expression (or the expression itself when it is not a literal list).
pub fn list_items(expr: &Expr) -> Vec<&Expr> {
    match &expr.kind {
        ExprKind::Tuple(items) => items.iter().collect(),
        _ => vec![expr],
    }
}

fn visit_block<'e>(block: &'e crate::terraform::model::Block, found: &mut impl FnMut(RefIn<'e>)) {
    for a in &block.attributes {
        visit(&a.expr, found);
    }
    for b in &block.blocks {
        visit_block(b, found);
    }
}

/// Whether anything in the configuration outside `target` refers to it.
pub fn is_referenced(ctx: &TfContext, target: Resource) -> bool {
    let Some(kind) = RefKind::naming(&target.block.kind) else { return false };
    let key = target_key(kind, target.ty(), target.name());
    referenced(ctx).entry(ctx.module, key).counts.contains_key(&key)
}

/// The resources and data sources of a configuration that something other than themselves refers to, each by
/// the fingerprint of its address, with how many blocks do: all [`is_referenced`] asks. Read by entry (whether
/// a target is referenced, not how often): a group's run depends on whether the group is referenced, not on
/// what else is.
#[derive(Clone, Default)]
struct Referenced {
    counts: FastMap<u64, u32>,
    /// What each block counted refers to, by the block's identity.
    blocks: FastMap<BlockId, Arc<[u64]>>,
    /// The files' blocks when this was built, and where the blocks with `count` or `for_each` were (counted or
    /// not, as they exist or not): the next build counts the blocks that came and forgets those that went,
    /// without visiting the others.
    seen: BlocksSeen,
    conditional: Vec<(usize, usize)>,
}

impl MemoValue for Referenced {
    fn fingerprint(&self) -> u64 {
        unordered(self.counts.keys())
    }
}

impl KeyedMemoValue for Referenced {
    fn entry_at(&self, key: u64) -> Option<u64> {
        self.counts.contains_key(&key).then_some(0)
    }

    fn entry_keys(&self) -> Box<dyn Iterator<Item = u64> + '_> {
        Box::new(self.counts.keys().copied())
    }
}

fn target_key(kind: RefKind, ty: &str, name: &str) -> u64 {
    crate::terraform::reads::fingerprint(&(kind as u8, ty, name))
}

/// The kinds of blocks whose references count.
const REFERRING: [&str; 5] = ["resource", "data", "module", "output", "locals"];

/// Built once per analysis (a scan of the configuration per target is quadratic in a module of many security
/// groups or volumes), and again only when a block changes: then from the last analysis's index, counting the
/// blocks that came and forgetting those that went, found by comparing each file's blocks with those it had (a
/// keystroke in a body had every block of the module visited for its references, a fifth of a keystroke at 20k
/// lines). Its value changes only when what is referenced does, so editing a body leaves the rules that read it
/// alone.
fn referenced(ctx: &TfContext) -> crate::terraform::Keyed<Referenced> {
    ctx.module.keyed_memo_updated(["referenced blocks", "", ""], |previous: Option<&Referenced>| {
        let module = ctx.module;
        // What a build afresh reads: the blocks of each kind, and (below) whether each block with `count` or
        // `for_each` exists.
        for kind in REFERRING {
            drop(module.blocks_indexed(kind));
        }
        let afresh;
        let last = match previous.filter(|p| p.seen.fits(module)) {
            Some(last) => last,
            None => {
                afresh = Referenced::sized_for(ctx);
                &afresh
            }
        };
        let changes = last.seen.changes(module);
        let mut now = Referenced {
            counts: last.counts.clone(),
            blocks: last.blocks.clone(),
            seen: BlocksSeen::of(module),
            conditional: kept_now(&changes, &last.conditional),
        };
        for change in &changes {
            for id in change.went {
                now.forget(*id);
            }
            let f = module.files[change.file];
            for i in change.came.clone() {
                let block = &f.blocks[i];
                let Some(kind) = REFERRING.into_iter().find(|k| *k == block.kind) else { continue };
                if block.attributes.iter().any(|a| matches!(a.name.as_str(), "count" | "for_each")) {
                    now.conditional.push((change.file, i));
                } else {
                    now.count(f.block_ids[i], references_out_of(kind, Resource { file: change.file, block }));
                }
            }
        }
        // Whether each conditional block exists is asked again (it may depend on anything): counted if it does.
        now.conditional.sort_unstable();
        for &(file, i) in &now.conditional.clone() {
            let (id, block) = (module.files[file].block_ids[i], &module.files[file].blocks[i]);
            let res = Resource { file, block };
            match (ctx.exists(res), now.blocks.contains_key(&id)) {
                (true, false) => now.count(id, references_out_of(&block.kind, res)),
                (false, true) => now.forget(id),
                _ => {}
            }
        }
        now
    })
}

impl Referenced {
    fn sized_for(ctx: &TfContext) -> Referenced {
        // (Sized for about a reference per block: growing the set was a sixth of a build.)
        let blocks = ctx.module.files.iter().map(|f| f.blocks.len()).sum();
        Referenced {
            counts: FastMap::with_capacity_and_hasher(blocks, Default::default()),
            blocks: FastMap::with_capacity_and_hasher(blocks, Default::default()),
            ..Referenced::default()
        }
    }

    /// Counts the block `id`, which refers to `keys`.
    fn count(&mut self, id: BlockId, keys: Arc<[u64]>) {
        for &k in keys.iter() {
            *self.counts.entry(k).or_default() += 1;
        }
        self.blocks.insert(id, keys);
    }

    /// Forgets the block `id` (if it was counted), and what it referred to.
    fn forget(&mut self, id: BlockId) {
        let Some(keys) = self.blocks.remove(&id) else { return };
        for k in keys.iter() {
            if let Some(n) = self.counts.get_mut(k) {
                *n -= 1;
                if *n == 0 {
                    self.counts.remove(k);
                }
            }
        }
    }
}

/// What `res`, a block of kind `kind`, refers to (its references to itself aside), each target once.
fn references_out_of(kind: &str, res: Resource) -> Arc<[u64]> {
    let itself = RefKind::naming(kind).map(|k| (k, res.ty(), res.name()));
    let mut keys = Vec::new();
    visit_block(res.block, &mut |r| {
        if r.kind != RefKind::Module && itself != Some((r.kind, r.ty, r.name)) {
            keys.push(target_key(r.kind, r.ty, r.name));
        }
    });
    keys.sort_unstable();
    keys.dedup();
    keys.into()
}

/// Whether anything in the template outside `target`'s own entry refers to it (`Ref`, `Fn::GetAtt`,
/// `Fn::Sub`, or its logical id as a string, as JSON examples write references), the `Outputs` included.
pub fn cfn_is_referenced(ctx: &CfnContext, target: CfnResource) -> bool {
    let documents = std::iter::once(&ctx.template.root).chain(&ctx.template.more);
    documents.into_iter().any(|d| refers_within(ctx, d, target))
}

fn refers_within(ctx: &CfnContext, node: &Node, target: CfnResource) -> bool {
    if ctx.refers_to(node, target) || node.as_str() == Some(target.logical_id) {
        return true;
    }
    match &node.kind {
        NodeKind::Map(entries) => {
            entries.iter().any(|e| !std::ptr::eq(e, target.entry) && refers_within(ctx, &e.value, target))
        }
        NodeKind::List(items) => items.iter().any(|i| refers_within(ctx, i, target)),
        _ => false,
    }
}

/// The template resource a node names: `!Ref X`, `!GetAtt X.Attr`, or its logical id written as a string (as
/// JSON examples often write references).
pub fn cfn_named<'t>(ctx: &CfnContext<'_, 't>, node: &Node) -> Option<CfnResource<'t>> {
    let id = match node.intrinsic() {
        Some(("Ref", arg)) => arg.as_str()?,
        Some(("Fn::GetAtt", arg)) => match arg.as_str() {
            Some(s) => s.split('.').next().unwrap_or(s),
            None => arg.items().first()?.as_str()?,
        },
        Some(_) => return None,
        None => node.as_str()?,
    };
    ctx.template.resources().find(|r| r.logical_id == id)
}

/// Whether a node names `target` (see [`cfn_named`]).
pub fn cfn_names(ctx: &CfnContext, node: &Node, target: CfnResource) -> bool {
    cfn_named(ctx, node).is_some_and(|r| std::ptr::eq(r.entry, target.entry))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ref_of(tf: &str) -> Option<Ref> {
        let files = crate::kit::testing::module_files(&[("main.tf", tf)]);
        let block = &files[0].blocks[0];
        reference(&block.attr("x").unwrap().expr)
    }

    #[test]
    fn references_however_written() {
        let r = |kind, ty: &str, name: &str| Some(Ref { kind, ty: ty.into(), name: name.into() });
        assert_eq!(ref_of("resource \"a\" \"b\" {\n  x = aws_sg.app.id\n}\n"), r(RefKind::Resource, "aws_sg", "app"));
        assert_eq!(
            ref_of("resource \"a\" \"b\" {\n  x = \"aws_sg.app.id\"\n}\n"),
            r(RefKind::Resource, "aws_sg", "app")
        );
        assert_eq!(
            ref_of("resource \"a\" \"b\" {\n  x = \"${data.aws_vpc.d.id}\"\n}\n"),
            r(RefKind::Data, "aws_vpc", "d")
        );
        assert_eq!(
            ref_of("resource \"a\" \"b\" {\n  x = module.vpc.public_subnets[0]\n}\n"),
            r(RefKind::Module, "vpc", "public_subnets")
        );
        assert_eq!(ref_of("resource \"a\" \"b\" {\n  x = var.sg\n}\n"), None);
        assert_eq!(ref_of("resource \"a\" \"b\" {\n  x = \"sg-123\"\n}\n"), None);
    }
}
