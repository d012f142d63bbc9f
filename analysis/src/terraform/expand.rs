//! Expansion: a block as the objects it stands for. A resource with `count` or `for_each` is as many instances
//! as its collection has elements (none: no object at all), each a copy of the block with `count.index`,
//! `each.key` and `each.value` written in as known values; a `dynamic "x"` block over a known collection is as
//! many `x` blocks (none for an empty one), each its `content` with the iterator written in.
//!
//! Copies are made only where something differs: a block that reads neither `count` nor `each` is the same
//! object in every instance, and is checked once. They live in an arena the caller owns for the analysis
//! ([`Expansions`]), so that rules see them as the `&'m Block`s they already handle; ranges are the original
//! text's, so findings and fixes point at what is written.

use std::cell::RefCell;

use super::eval::Scope;
use super::instances::{for_each_elements, of_block, Instance, InstanceKey, Instances};
use super::model::{Attribute, Block, Expr, ExprKind, Step, TemplatePart};
use crate::fast_hash::FastMap;
use crate::finding::Instanced;
use crate::text::TextRange;
use crate::value::Value;

/// Where an analysis keeps the blocks it expanded (see the module's documentation).
#[derive(Default)]
pub struct Expansions {
    arena: typed_arena::Arena<Block>,
}

impl Expansions {
    pub fn new() -> Expansions {
        Expansions::default()
    }

    fn alloc(&self, block: Block) -> &Block {
        self.arena.alloc(block)
    }
}

/// A top-level block as the objects it stands for.
#[derive(Clone, Debug)]
pub enum Expanded<'m> {
    /// The block itself: no `count`/`for_each`, an unknown one, or instances that do not differ.
    One(&'m Block),
    /// Its instances (none: the block creates nothing), each the block with its instance written in.
    Instances(Vec<(InstanceKey, &'m Block)>, usize),
}

/// An expansion, with what computing it read (recorded again by whoever uses it).
type WithDeps<T> = (T, Vec<u64>);

/// A block kept by the expander: a pointer, so that the expander (and the module holding it) stays covariant
/// in `'m` as the rest of the model is (a `RefCell` of anything holding `'m` would make it invariant). Every one
/// comes from a `&'m Block` of the expander's `'m`: the module's files' or the arena's.
#[derive(Clone, Copy, Debug)]
struct Kept(*const Block);

impl Kept {
    fn new(block: &Block) -> Kept {
        Kept(block)
    }

    /// The block, for as long as the expander's `'m`.
    ///
    /// # Safety
    /// `self` was made from a `&'m Block` of the same expander (see the type).
    unsafe fn get<'m>(self) -> &'m Block {
        // SAFETY: the caller's promise.
        unsafe { &*self.0 }
    }
}

#[derive(Clone, Debug)]
enum KeptExpanded {
    One(Kept),
    Instances(Vec<(InstanceKey, Kept)>, usize),
}

impl KeptExpanded {
    /// # Safety
    /// As [`Kept::get`].
    unsafe fn get<'m>(&self) -> Expanded<'m> {
        // SAFETY: the caller's promise.
        unsafe {
            match self {
                KeptExpanded::One(b) => Expanded::One(b.get()),
                KeptExpanded::Instances(v, n) => {
                    Expanded::Instances(v.iter().map(|(k, b)| (k.clone(), b.get())).collect(), *n)
                }
            }
        }
    }

    fn keep(e: &Expanded) -> KeptExpanded {
        match e {
            Expanded::One(b) => KeptExpanded::One(Kept::new(b)),
            Expanded::Instances(v, n) => {
                KeptExpanded::Instances(v.iter().map(|(k, b)| (k.clone(), Kept::new(b))).collect(), *n)
            }
        }
    }
}

/// The expansions of one analysis, by the address of the block expanded.
pub struct Expander<'m> {
    arena: &'m Expansions,
    blocks: RefCell<FastMap<usize, WithDeps<KeptExpanded>>>,
    dynamic: RefCell<FastMap<usize, WithDeps<Option<Vec<Kept>>>>>,
    /// The instance each copy of a top-level block is, by the copy's address.
    copies: RefCell<FastMap<usize, std::rc::Rc<Instanced>>>,
}

impl<'m> Expander<'m> {
    pub fn new(arena: &'m Expansions) -> Expander<'m> {
        Expander { arena, blocks: RefCell::default(), dynamic: RefCell::default(), copies: RefCell::default() }
    }

    /// The instance a block is, if it is a copy made for one.
    pub fn instance_of(&self, block: &Block) -> Option<Instanced> {
        self.copies.borrow().get(&(block as *const Block as usize)).map(|i| (**i).clone())
    }

    /// The objects a top-level block stands for, its `count` or `for_each` evaluated in `scope`.
    pub fn block(&self, scope: &Scope, block: &'m Block) -> Expanded<'m> {
        // A block without `count` and `for_each` is one object whatever the module holds, and reads nothing:
        // nothing to keep (every block's existence is asked when an index of the module is rebuilt).
        // (One pass over the attributes: two lookups by name were most of a rebuild of an index of the module.)
        if !block.attributes.iter().any(|a| matches!(a.name.as_str(), "count" | "for_each")) {
            return Expanded::One(block);
        }
        let key = block as *const Block as usize;
        if let Some((expanded, deps)) = self.blocks.borrow().get(&key) {
            scope.reads.record_all(deps);
            // SAFETY: kept below, from `&'m` blocks.
            return unsafe { expanded.get() };
        }
        let (expanded, deps) = scope.reads.frame(|| match of_block(scope, block) {
            Instances::Single | Instances::Unknown => Expanded::One(block),
            Instances::Known(instances) => {
                let n = instances.len();
                if n > 0 && !reads_instance(block) {
                    // Every instance is the block as written: one object to check.
                    return Expanded::Instances(vec![(instances[0].key.clone(), block)], 1);
                }
                let address = address_of(block);
                let copies = instances
                    .into_iter()
                    .map(|instance| {
                        let copy: &'m Block = self.arena.alloc(with_instance(block, &instance));
                        let info = Instanced { suffix: instance.key.suffix(), total: n, address: address.clone() };
                        self.copies.borrow_mut().insert(copy as *const Block as usize, std::rc::Rc::new(info));
                        (instance.key, copy)
                    })
                    .collect();
                Expanded::Instances(copies, n)
            }
        });
        scope.reads.record_all(&deps);
        self.blocks.borrow_mut().insert(key, (KeptExpanded::keep(&expanded), deps));
        expanded
    }

    /// Whether a top-level block creates nothing (`count = 0`, `for_each` over an empty collection).
    pub fn creates_nothing(&self, scope: &Scope, block: &'m Block) -> bool {
        matches!(self.block(scope, block), Expanded::Instances(ref v, _) if v.is_empty())
    }

    /// The blocks a `dynamic` block stands for: its content once per element of a known `for_each` (none for
    /// an empty one); `None` when the collection is unknown (the content is then judged as written, its
    /// iterator's values unknown).
    pub fn dynamic(&self, scope: &Scope, dynamic: &'m Block, name: &str) -> Option<Vec<&'m Block>> {
        let key = dynamic as *const Block as usize;
        if let Some((blocks, deps)) = self.dynamic.borrow().get(&key) {
            scope.reads.record_all(deps);
            // SAFETY: kept below, from `&'m` blocks.
            return blocks.as_ref().map(|v| v.iter().map(|b| unsafe { b.get() }).collect());
        }
        let (blocks, deps) = scope.reads.frame(|| {
            let content = dynamic.blocks.iter().find(|b| b.kind == "content")?;
            let for_each = dynamic.attr("for_each")?;
            let elements = for_each_elements_of_dynamic(&scope.eval(&for_each.expr))?;
            let iterator = dynamic
                .attr("iterator")
                .and_then(|a| match &a.expr.kind {
                    ExprKind::Traversal(root, steps) if steps.is_empty() => Some(root.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| name.to_string());
            Some(
                elements
                    .into_iter()
                    .map(|(key, value)| {
                        let mut copy = content.clone();
                        copy.kind = name.to_string();
                        let element =
                            Value::Map([("key".to_string(), key), ("value".to_string(), value)].into_iter().collect());
                        substitute_block(&mut copy, &|root| (root == iterator).then(|| element.clone()));
                        self.arena.alloc(copy)
                    })
                    .collect(),
            )
        });
        scope.reads.record_all(&deps);
        let kept = blocks.as_ref().map(|v: &Vec<&'m Block>| v.iter().map(|b| Kept::new(b)).collect());
        self.dynamic.borrow_mut().insert(key, (kept, deps));
        blocks
    }

    /// A block standing for a known object value (an element of `ingress = var.rules`), at `range`.
    pub fn object(&self, name: &str, value: &Value, range: TextRange) -> Option<&'m Block> {
        let Value::Map(map) = value else { return None };
        let attributes = map
            .iter()
            .map(|(k, v)| Attribute {
                name: k.clone(),
                name_range: range,
                range,
                expr: Expr { range, kind: ExprKind::Known(v.clone()) },
            })
            .collect();
        let block = Block {
            kind: name.to_string(),
            labels: Vec::new(),
            range,
            header: range,
            open_brace_end: range.start,
            close_brace_start: range.start,
            attributes,
            blocks: Vec::new(),
        };
        Some(self.arena.alloc(block))
    }
}

/// A top-level block's address (`aws_s3_bucket.b`, `data.x.y`, `module.m`).
pub fn address_of(block: &Block) -> String {
    match block.kind.as_str() {
        "module" => format!("module.{}", block.label(0).unwrap_or("")),
        "data" => format!("data.{}.{}", block.label(0).unwrap_or(""), block.label(1).unwrap_or("")),
        _ => format!("{}.{}", block.label(0).unwrap_or(""), block.label(1).unwrap_or("")),
    }
}

/// A dynamic block's collection as keys and values: a map's entries, a list's or set's elements by index.
fn for_each_elements_of_dynamic(v: &Value) -> Option<Vec<(Value, Value)>> {
    match v {
        Value::List(items) => {
            Some(items.iter().enumerate().map(|(i, v)| (Value::Number(i as f64), v.clone())).collect())
        }
        other => Some(for_each_elements(other)?.into_iter().map(|(k, v)| (Value::String(k), v)).collect()),
    }
}

/// Whether a block reads `count.*` or `each.*` anywhere (then its instances differ).
fn reads_instance(block: &Block) -> bool {
    fn reads(e: &Expr) -> bool {
        e.any(|e| matches!(&e.kind, ExprKind::Traversal(root, _) if root == "count" || root == "each"))
    }
    // (Anything in nested blocks, a `dynamic` block's `for_each` included; not the block's own meta-arguments.)
    fn nested(b: &Block) -> bool {
        b.attributes.iter().any(|a| reads(&a.expr)) || b.blocks.iter().any(nested)
    }
    block.attributes.iter().filter(|a| a.name != "count" && a.name != "for_each").any(|a| reads(&a.expr))
        || block.blocks.iter().any(nested)
}

/// The block with its instance's `count` and `each` written in.
fn with_instance(block: &Block, instance: &Instance) -> Block {
    let mut copy = block.clone();
    let each = instance.value_of("each");
    let count = instance.value_of("count");
    substitute_block(&mut copy, &|root| match root {
        "each" => each.clone(),
        "count" => count.clone(),
        _ => None,
    });
    copy
}

/// Writes the values `known` gives for root names into every expression of `block` (its `count` and
/// `for_each` excepted: they made the instances).
fn substitute_block(block: &mut Block, known: &dyn Fn(&str) -> Option<Value>) {
    for a in &mut block.attributes {
        if a.name != "count" && a.name != "for_each" {
            substitute(&mut a.expr, known);
        }
    }
    for b in &mut block.blocks {
        // A nested `dynamic`'s own `for_each` may read the outer iterator: written in too.
        for a in &mut b.attributes {
            if b.kind == "dynamic" && a.name == "for_each" {
                substitute(&mut a.expr, known);
            }
        }
        substitute_block(b, known);
    }
}

fn substitute(e: &mut Expr, known: &dyn Fn(&str) -> Option<Value>) {
    match &mut e.kind {
        ExprKind::Traversal(root, steps) => {
            if let Some(value) = known(root) {
                let steps = std::mem::take(steps);
                let base = Expr { range: e.range, kind: ExprKind::Known(value) };
                e.kind = if steps.is_empty() { base.kind } else { ExprKind::Steps(Box::new(base), steps) };
                if let ExprKind::Steps(_, steps) = &mut e.kind {
                    substitute_steps(steps, known);
                }
            } else {
                substitute_steps(steps, known);
            }
        }
        ExprKind::Template(parts) => {
            for p in parts {
                if let TemplatePart::Interpolation(e) = p {
                    substitute(e, known);
                }
            }
        }
        ExprKind::Tuple(items) | ExprKind::Call(_, items) | ExprKind::CallExpanded(_, items) => {
            items.iter_mut().for_each(|e| substitute(e, known))
        }
        ExprKind::Object(elems) => {
            for (k, v) in elems {
                substitute(k, known);
                substitute(v, known);
            }
        }
        ExprKind::Conditional(c, t, f) => {
            substitute(c, known);
            substitute(t, known);
            substitute(f, known);
        }
        ExprKind::Binary(_, a, b) => {
            substitute(a, known);
            substitute(b, known);
        }
        ExprKind::Unary(_, a) => substitute(a, known),
        ExprKind::Steps(base, steps) => {
            substitute(base, known);
            substitute_steps(steps, known);
        }
        ExprKind::For(f) => {
            substitute(&mut f.collection, known);
            // (A `for` variable named like a root written in shadows it: rare enough to write it in anyway.)
            substitute(&mut f.value, known);
            if let Some(k) = &mut f.key {
                substitute(k, known);
            }
            if let Some(c) = &mut f.cond {
                substitute(c, known);
            }
        }
        ExprKind::Null | ExprKind::Bool(_) | ExprKind::Number(_) | ExprKind::Known(_) | ExprKind::Other => {}
    }
}

fn substitute_steps(steps: &mut [Step], known: &dyn Fn(&str) -> Option<Value>) {
    for s in steps {
        match s {
            Step::Index(e) => substitute(e, known),
            Step::Splat(rest) => substitute_steps(rest, known),
            Step::Attr(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::kit::testing::{lines, run};

    fn rule(id: &str) -> &'static crate::rule::Rule {
        crate::catalog::by_id(id).expect("a rule of the catalog")
    }

    #[test]
    fn resources_that_do_not_exist_are_not_flagged() {
        let tf = r#"variable "on" {
  default = false
}
resource "aws_s3_bucket" "none" {
  count = 0
  acl   = "public-read"
}
resource "aws_s3_bucket" "off" {
  count = var.on ? 1 : 0
  acl   = "public-read"
}
resource "aws_s3_bucket" "empty" {
  for_each = toset([])
  acl      = "public-read"
}
resource "aws_s3_bucket" "on" {
  count = var.on ? 0 : 1
  acl   = "public-read"
}
resource "aws_s3_bucket" "unknown" {
  count = var.unknown ? 1 : 0
  acl   = "public-read"
}
"#;
        assert_eq!(lines(rule("s3-public-acl"), tf), [18, 22]);
    }

    #[test]
    fn instances_are_bound_and_findings_name_the_instances_that_differ() {
        let tf = r#"resource "aws_s3_bucket" "mixed" {
  for_each = { site = "public-read", logs = "private" }
  acl      = each.value
}
resource "aws_s3_bucket" "all" {
  for_each = toset(["a", "b"])
  acl      = "public-read"
}
resource "aws_s3_bucket" "indexed" {
  count = 2
  acl   = ["public-read", "public-read"][count.index]
}
"#;
        let found = run(rule("s3-public-acl"), tf);
        let messages: Vec<&str> = found.iter().map(|f| &*f.message).collect();
        assert_eq!(found.len(), 3, "{messages:#?}");
        assert!(messages[0].starts_with("`aws_s3_bucket.mixed[\"site\"]`"), "{}", messages[0]);
        assert!(messages[1].starts_with("`aws_s3_bucket.all`"), "{}", messages[1]);
        assert!(messages[2].starts_with("`aws_s3_bucket.indexed`"), "{}", messages[2]);
    }

    #[test]
    fn dynamic_blocks_expand_over_known_collections() {
        let tf = r#"variable "ingress" {
  default = []
}
variable "egress" {
  default = [{ from_port = 0, to_port = 0, protocol = "-1", cidr_blocks = ["0.0.0.0/0"] }]
}
resource "aws_default_security_group" "stripped" {
  vpc_id = "vpc-1"
  dynamic "ingress" {
    for_each = var.ingress
    content {
      from_port = ingress.value.from_port
    }
  }
}
resource "aws_default_security_group" "open" {
  vpc_id = "vpc-1"
  dynamic "egress" {
    for_each = var.egress
    iterator = rule
    content {
      from_port   = rule.value.from_port
      to_port     = rule.value.to_port
      protocol    = rule.value.protocol
      cidr_blocks = rule.value.cidr_blocks
    }
  }
}
"#;
        // At the block the dynamic one stands for: its content.
        assert_eq!(lines(rule("default-sg-has-rules"), tf), [21]);
    }

    #[test]
    fn null_through_a_variable_is_not_set() {
        let tf = r#"variable "enc" {
  default = null
}
resource "aws_db_instance" "db" {
  engine            = "mysql"
  storage_encrypted = var.enc
}
resource "aws_db_instance" "literal" {
  engine            = "mysql"
  storage_encrypted = null
}
"#;
        // On the attribute that is null, saying where the null came from.
        assert_eq!(lines(rule("rds-storage-unencrypted"), tf), [6, 10]);
        let messages: Vec<String> = crate::kit::testing::run(rule("rds-storage-unencrypted"), tf)
            .into_iter()
            .map(|f| f.message.to_string())
            .collect();
        assert!(messages[0].contains("sets `storage_encrypted` to null (`var.enc` is null)"), "{messages:?}");
        assert!(messages[1].contains("sets `storage_encrypted` to null (written as `null`)"), "{messages:?}");
    }
}
