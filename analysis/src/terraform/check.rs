//! What a Terraform matcher sees: the module, the evaluator, and a place to report findings.

use super::expand::Expanded;
use super::model::{Attribute, Block, Expr, ExprKind, Step};
use super::reads::Dep;
use super::view::{Config, Field};
use super::{Module, TfFile};
use crate::finding::Finding;
use crate::fix::Fix;
use crate::policy::Policy;
use crate::rule::Rule;
use crate::text::TextRange;
use crate::value::Value;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// The policies read in an analysis, by the address of their expression, with what evaluating each read.
#[derive(Default)]
struct Policies(RefCell<HashMap<usize, ReadPolicy>>);

/// A policy, and what evaluating it read.
type ReadPolicy = (Option<Rc<Policy>>, Vec<u64>);

impl super::reads::MemoValue for Policies {
    /// (A cache of this analysis, built empty: it reads nothing, and never changes.)
    fn fingerprint(&self) -> u64 {
        0
    }
}

/// A top-level block of a module (a `resource`, a `data` source or a `module` call), with its file.
#[derive(Clone, Copy, Debug)]
pub struct Resource<'m> {
    pub file: usize,
    pub block: &'m Block,
}

impl<'m> Resource<'m> {
    /// The resource type (`aws_s3_bucket`); for a module call, the module's name.
    pub fn ty(&self) -> &'m str {
        self.block.label(0).unwrap_or("")
    }
    pub fn name(&self) -> &'m str {
        if self.is_module() {
            self.block.label(0).unwrap_or("")
        } else {
            self.block.label(1).unwrap_or("")
        }
    }
    pub fn is_module(&self) -> bool {
        self.block.kind == "module"
    }
    /// `aws_s3_bucket.logs`, `data.aws_iam_policy_document.x`, `module.db`
    pub fn address(&self) -> String {
        match self.block.kind.as_str() {
            "module" => format!("module.{}", self.ty()),
            "data" => format!("data.{}.{}", self.ty(), self.name()),
            _ => format!("{}.{}", self.ty(), self.name()),
        }
    }
    pub fn config(&self) -> Config<'m> {
        Config::Block(self.block)
    }
}

/// The registry modules whose inputs mirror a resource's attributes: `terraform-aws-modules/<name>/aws`.
pub fn is_registry_module(block: &Block, name: &str) -> bool {
    let Some(source) = block.attr("source").and_then(|a| a.expr.as_literal_str()) else { return false };
    let source = source.trim_start_matches("registry.terraform.io/");
    source.starts_with(&format!("terraform-aws-modules/{name}/aws"))
}

/// Which blocks a rule's run checks (reports findings on).
#[derive(Clone, Copy, Debug)]
pub enum Subjects<'m> {
    /// Every block of the module: the CLI's single pass, or a run over the whole module kept by the editor's
    /// analysis (which then depends on every block of the types it checks).
    All,
    /// One block: the run's findings and what it read are kept for that block alone (see
    /// [`crate::terraform::incremental`]).
    One(Resource<'m>),
    /// None: the run only says which blocks it would check ([`TfContext::into_selectors`]).
    Probe,
}

/// The blocks a rule checks, as it asks for them: a kind, and a first label unless any will do.
pub type Selector = (String, Option<String>);

pub struct TfContext<'a, 'm> {
    pub module: &'a Module<'m>,
    rule: &'static Rule,
    findings: &'a mut Vec<Finding>,
    subjects: Subjects<'m>,
    /// In a probe, the selectors asked for.
    selectors: RefCell<Vec<Selector>>,
}

impl<'a, 'm> TfContext<'a, 'm> {
    pub fn new(module: &'a Module<'m>, rule: &'static Rule, findings: &'a mut Vec<Finding>) -> Self {
        Self::checking(module, rule, findings, Subjects::All)
    }

    pub fn checking(
        module: &'a Module<'m>,
        rule: &'static Rule,
        findings: &'a mut Vec<Finding>,
        subjects: Subjects<'m>,
    ) -> Self {
        TfContext { module, rule, findings, subjects, selectors: RefCell::default() }
    }

    /// What a probe asked for.
    pub fn into_selectors(self) -> Vec<Selector> {
        self.selectors.into_inner()
    }

    /// The blocks of kind `kind` (and first label `ty`) this run checks.
    fn subjects(&self, kind: &'a str, ty: Option<&'a str>) -> std::vec::IntoIter<Resource<'m>> {
        let found: Vec<Resource<'m>> = match self.subjects {
            Subjects::All => {
                let blocks: Vec<Resource<'m>> = match ty {
                    Some(ty) => self.module.typed(kind, ty).map(|(file, block)| Resource { file, block }).collect(),
                    None => self.module.blocks(kind).map(|(file, block)| Resource { file, block }).collect(),
                };
                blocks.into_iter().flat_map(|res| self.objects(res)).collect()
            }
            // (Reads nothing but what expanding it reads: a change of the block gives it a new identity, and the
            // run is made again.)
            Subjects::One(res) => {
                let matches = res.block.kind == kind && ty.is_none_or(|ty| res.block.label(0) == Some(ty));
                if matches {
                    self.objects(res)
                } else {
                    Vec::new()
                }
            }
            Subjects::Probe => {
                self.selectors.borrow_mut().push((kind.to_string(), ty.map(str::to_string)));
                Vec::new()
            }
        };
        found.into_iter()
    }

    /// The objects a top-level block stands for: its instances (none for `count = 0`), or itself.
    fn objects(&self, res: Resource<'m>) -> Vec<Resource<'m>> {
        if !matches!(res.block.kind.as_str(), "resource" | "data" | "module") {
            return vec![res];
        }
        match self.module.expander.block(&self.module.scope, res.block) {
            Expanded::One(block) => vec![Resource { file: res.file, block }],
            Expanded::Instances(instances, _) => {
                instances.into_iter().map(|(_, block)| Resource { file: res.file, block }).collect()
            }
        }
    }

    /// The resources of type `ty` this run checks: what a rule reports on. To look at other resources (a
    /// bucket's versioning resource), use [`TfContext::all_resources`] or a lookup such as
    /// [`TfContext::companions`]: a run on one block sees only that block here.
    pub fn resources(&self, ty: &'a str) -> std::vec::IntoIter<Resource<'m>> {
        self.subjects("resource", Some(ty))
    }

    /// Resources of type `ty`, and calls of the registry module `terraform-aws-modules/<module>/aws`, whose
    /// inputs carry the same settings, that this run checks (see [`TfContext::resources`]).
    pub fn resources_like(&self, ty: &'a str, module: &'a str) -> impl Iterator<Item = Resource<'m>> + 'a {
        let modules = self.subjects("module", None).filter(move |r| is_registry_module(r.block, module));
        self.resources(ty).chain(modules)
    }

    /// `data` sources of type `ty` this run checks.
    pub fn data_sources(&self, ty: &'a str) -> std::vec::IntoIter<Resource<'m>> {
        self.subjects("data", Some(ty))
    }

    /// Top-level blocks of kind `kind` (`provider`, `module`, `resource`) this run checks.
    pub fn blocks(&self, kind: &'a str) -> std::vec::IntoIter<Resource<'m>> {
        self.subjects(kind, None)
    }

    /// Every resource of type `ty` in the module: a lookup (what the run finds then depends on all of them).
    pub fn all_resources(&self, ty: &'a str) -> impl Iterator<Item = Resource<'m>> + 'a {
        let module = self.module;
        module.resources(ty).map(|(file, block)| Resource { file, block }).filter(move |r| exists(module, r))
    }

    /// Every resource of type `ty`, and every call of the registry module `terraform-aws-modules/<module>/aws`:
    /// a lookup.
    pub fn all_resources_like(&self, ty: &'a str, module: &'a str) -> impl Iterator<Item = Resource<'m>> + 'a {
        let modules = self
            .module
            .blocks("module")
            .filter(move |(_, b)| is_registry_module(b, module))
            .map(|(file, block)| Resource { file, block });
        let module = self.module;
        self.all_resources(ty).chain(modules.filter(move |r| exists(module, r)))
    }

    /// [`TfContext::all_blocks`], each with its (file, block) index (for [`super::Module::block_memo`]).
    pub fn all_blocks_indexed(&self, kind: &'a str) -> impl Iterator<Item = ((usize, usize), Resource<'m>)> + 'a {
        let module = self.module;
        module
            .blocks_indexed(kind)
            .map(|(file, i, block)| ((file, i), Resource { file, block }))
            .filter(move |(_, r)| exists(module, r))
    }

    /// Whether `res` stands for anything: not a resource, data source or module call whose `count` or
    /// `for_each` creates no instance (what [`TfContext::all_blocks`] keeps).
    pub fn exists(&self, res: Resource<'m>) -> bool {
        exists(self.module, &res)
    }

    /// Every top-level block of kind `kind`: a lookup.
    pub fn all_blocks(&self, kind: &'a str) -> impl Iterator<Item = Resource<'m>> + 'a {
        self.all_blocks_indexed(kind).map(|(_, r)| r)
    }

    /// Whether `expr` refers to `target`: a reference (`aws_s3_bucket.b.id`), or a literal equal to the value of
    /// one of the target's `name_attrs` (a bucket given by its name).
    pub fn refers_to(&self, expr: &Expr, target: Resource, name_attrs: &[&str]) -> bool {
        match &expr.kind {
            ExprKind::Traversal(root, steps) => {
                matches!(steps.first(), Some(Step::Attr(name)) if root == target.ty() && name == target.name())
            }
            _ => match self.eval(expr).as_str() {
                Some(literal) => name_attrs
                    .iter()
                    .any(|a| target.block.attr(a).is_some_and(|attr| self.eval(&attr.expr).as_str() == Some(literal))),
                None => false,
            },
        }
    }

    /// The resources of type `ty` whose `link` attribute refers to `target` (see [`TfContext::refers_to`]).
    pub fn companions(&self, target: Resource<'m>, ty: &str, link: &str, name_attrs: &[&str]) -> Vec<Resource<'m>> {
        let index = self.module.link_index(ty, link);
        let by_reference = index.references.get(target.ty()).and_then(|names| names.get(target.name()));
        let mut found: Vec<(usize, usize)> = by_reference.cloned().unwrap_or_default();
        for attr in name_attrs {
            let Some(a) = target.block.attr(attr) else { continue };
            if let Some(name) = self.eval(&a.expr).as_str() {
                found.extend(index.literals.get(name).into_iter().flatten().copied());
            }
        }
        // In module order, each once (a companion may name its target both ways).
        found.sort_unstable();
        found.dedup();
        self.resources_at(&found)
    }

    /// The blocks declared at `address` (`aws_s3_bucket.logs`, `data.x.y`, `module.db`): one in a valid module.
    pub fn at_address(&self, address: &str) -> Vec<Resource<'m>> {
        // (Text that is no address names no block, whatever the module holds.)
        let Some((kind, ty, name)) = super::address_parts(address) else { return Vec::new() };
        // Which blocks have this address depends on the blocks at it (a module call's address is its type).
        match name {
            Some(name) => self.module.reads().record(Dep::Address(kind, ty, name)),
            None => self.module.reads().record(Dep::Type(kind, ty)),
        }
        self.resources_at(&self.module.at_address(kind, ty, name))
    }

    /// The resources at (file, block) indices of a module index.
    pub fn resources_at(&self, at: &[(usize, usize)]) -> Vec<Resource<'m>> {
        at.iter()
            .map(|&(file, i)| Resource { file, block: self.module.block_at((file, i)) })
            .filter(|r| exists(self.module, r))
            .collect()
    }

    /// The value of a field.
    pub fn value(&self, field: Field) -> Value {
        self.eval(field.expr)
    }

    /// The IAM policy an expression of the module holds (JSON string, heredoc, `jsonencode`, policy document
    /// data source). Read once per analysis: several rules read every policy.
    pub fn policy(&self, expr: &'m Expr) -> Option<Rc<Policy>> {
        let policies = self.module.analysis_memo(["policies", "", ""], Policies::default);
        // Keyed by the expression's address, which holds for this analysis only: who reads a policy reads what
        // evaluating it read, itself (a policy is read by the runs of its own block, mostly).
        let key = expr as *const Expr as usize;
        let reads = self.module.reads();
        if let Some((policy, deps)) = policies.0.borrow().get(&key) {
            reads.record_all(deps);
            return policy.clone();
        }
        let (policy, deps) = reads.frame(|| Policy::from_value(&self.module.scope.eval_lenient(expr)).map(Rc::new));
        reads.record_all(&deps);
        policies.0.borrow_mut().insert(key, (policy.clone(), deps));
        policy
    }

    /// The policy a `data "aws_iam_policy_document"` renders.
    pub fn policy_document(&self, data: Resource) -> Option<Rc<Policy>> {
        Policy::from_value(&self.module.scope.policy_document(data.name())?).map(Rc::new)
    }

    /// What day it is (for support windows); `None` when the caller did not say.
    pub fn today(&self) -> Option<crate::date::Date> {
        self.module.today
    }

    pub fn file(&self, res: Resource) -> &'m TfFile {
        self.module.files[res.file]
    }

    pub fn eval(&self, expr: &Expr) -> Value {
        self.module.scope.eval(expr)
    }

    /// An attribute of `block` and its value; `None` when the attribute is absent or `null` (as Terraform has
    /// it: `null`, written or through a variable, means "not set", and the provider's default applies).
    pub fn attr(&self, block: &'m Block, name: &str) -> Option<(&'m Attribute, Value)> {
        block.attr(name).map(|a| (a, self.eval(&a.expr))).filter(|(_, v)| *v != Value::Null)
    }

    /// A field of a configuration (a block or an object standing for one) and its value; `None` when absent or
    /// `null` (see [`TfContext::attr`]).
    pub fn field(&self, config: Config<'m>, name: &str) -> Option<(Field<'m>, Value)> {
        config.attr(name).map(|f| (f, self.eval(f.expr))).filter(|(_, v)| *v != Value::Null)
    }

    /// The nested blocks called `name` of `block`, `dynamic` ones expanded (see [`TfContext::nested`]; the
    /// attribute forms are left out).
    pub fn blocks_of(&self, block: &'m Block, name: &'m str) -> Vec<&'m Block> {
        let mut out = Vec::new();
        for child in &block.blocks {
            if child.kind == name {
                out.push(child);
            } else if child.kind == "dynamic" && child.label(0) == Some(name) {
                match self.module.expander.dynamic(&self.module.scope, child, name) {
                    Some(blocks) => out.extend(blocks),
                    // Over an unknown collection: the content as written, its iterator's values unknown.
                    None => out.extend(child.blocks.iter().filter(|c| c.kind == "content")),
                }
            }
        }
        out
    }

    /// The first nested block called `name` of `block` (see [`TfContext::blocks_of`]).
    pub fn block_of(&self, block: &'m Block, name: &'m str) -> Option<&'m Block> {
        self.blocks_of(block, name).into_iter().next()
    }

    /// The nested configurations called `name` of `config`: blocks, `dynamic` blocks, and objects given in an
    /// attribute (see [`Config::nested`]).
    pub fn nested(&self, config: impl Into<Config<'m>>, name: &'m str) -> Vec<Config<'m>> {
        let config = config.into();
        let mut out = Vec::new();
        if let Config::Block(b) = config {
            out.extend(self.blocks_of(b, name).into_iter().map(Config::Block));
        }
        if let Some(field) = config.attr(name) {
            match &field.expr.kind {
                ExprKind::Object(_) => out.push(Config::Object(field.expr)),
                ExprKind::Tuple(items) => {
                    out.extend(items.iter().filter(|i| matches!(i.kind, ExprKind::Object(_))).map(Config::Object))
                }
                // A known value (`ingress = var.rules`): its objects.
                _ => {
                    let objects = match self.eval(field.expr) {
                        Value::List(items) => items,
                        v @ Value::Map(_) => vec![v],
                        _ => Vec::new(),
                    };
                    let expander = &self.module.expander;
                    out.extend(objects.iter().filter_map(|v| expander.object(name, v, field.range)).map(Config::Block));
                }
            }
        }
        out
    }

    /// Reports a finding at `range` of `res`, and returns it so that the matcher can attach fixes.
    pub fn report(&mut self, res: Resource, range: TextRange, message: impl Into<String>) -> &mut Finding {
        let (range, message) = self.null_written(res, range, message.into());
        self.findings.push(Finding {
            rule: self.rule,
            file: res.file,
            range,
            resource: res.block.range,
            message: message.into(),
            fixes: Default::default(),
            instance: self.module.expander.instance_of(res.block),
        });
        self.findings.last_mut().expect("just pushed")
    }

    /// A finding that an attribute is not set, placed on the block's header, when the block does write the
    /// attribute and it is `null` (which [`TfContext::attr`] reads as absent): placed on the attribute instead,
    /// its message saying where the `null` came from.
    fn null_written(&self, res: Resource<'m>, range: TextRange, message: String) -> (TextRange, String) {
        const NOT_SET: &str = "does not set `";
        if range != res.block.header {
            return (range, message);
        }
        let Some(at) = message.find(NOT_SET) else { return (range, message) };
        let name_start = at + NOT_SET.len();
        let Some(name_len) = message[name_start..].find('`') else { return (range, message) };
        let name = &message[name_start..name_start + name_len];
        let Some(attr) = res.block.attr(name) else { return (range, message) };
        if self.eval(&attr.expr) != Value::Null {
            return (range, message);
        }
        let origin = null_origin(&attr.expr);
        let said = format!("sets `{name}` to null ({origin}), which leaves it unset");
        let message = format!("{}{said}{}", &message[..at], &message[name_start + name_len + 1..]);
        (attr.range, message)
    }

    /// Reports a finding with one fix.
    pub fn report_with_fix(&mut self, res: Resource, range: TextRange, message: impl Into<String>, fix: Fix) {
        self.report(res, range, message).fixes.push(fix);
    }
}

/// Where a Terraform `null` came from, for a message: the expression that evaluated to it.
pub fn null_origin(expr: &Expr) -> String {
    match &expr.kind {
        ExprKind::Null => "written as `null`".to_string(),
        ExprKind::Traversal(root, steps) => {
            let name: String = std::iter::once(root.clone())
                .chain(steps.iter().map(|s| match s {
                    Step::Attr(a) => format!(".{a}"),
                    Step::Index(_) => "[…]".to_string(),
                    Step::Splat(_) => ".*".to_string(),
                }))
                .collect();
            format!("`{name}` is null")
        }
        _ => "its expression is null here".to_string(),
    }
}

/// Whether a looked-up block exists: a block with `count = 0` (or `for_each` over nothing) does not.
fn exists<'m>(module: &Module<'m>, res: &Resource<'m>) -> bool {
    !matches!(res.block.kind.as_str(), "resource" | "data" | "module")
        || !module.expander.creates_nothing(&module.scope, res.block)
}

/// Runs `rule` on `subjects` of `module`, its findings added to `findings`: a finding every instance of a
/// resource has is reported once, on the block; one only some instances have names each of them
/// (`aws_s3_bucket.this["logs"]`).
pub fn run_rule<'m>(module: &Module<'m>, rule: &'static Rule, findings: &mut Vec<Finding>, subjects: Subjects<'m>) {
    let start = findings.len();
    rule.matcher.check_terraform(&mut TfContext::checking(module, rule, findings, subjects));
    merge_instances(findings, start);
}

/// Merges the findings of instances from `start` on (see [`run_rule`]).
pub fn merge_instances(findings: &mut Vec<Finding>, start: usize) {
    if findings[start..].iter().all(|f| f.instance.is_none()) {
        return;
    }
    let found = findings.split_off(start);
    // Findings alike but for their instance: (file, resource, range, message, fixes).
    type Alike = (usize, TextRange, TextRange, std::sync::Arc<str>, String);
    let alike = |f: &Finding| -> Alike { (f.file, f.resource, f.range, f.message.clone(), format!("{:?}", f.fixes)) };
    let mut instances_of: HashMap<Alike, Vec<String>> = HashMap::new();
    for f in &found {
        if let Some(i) = &f.instance {
            instances_of.entry(alike(f)).or_default().push(i.suffix.clone());
        }
    }
    let mut reported: std::collections::HashSet<Alike> = std::collections::HashSet::new();
    for mut f in found {
        let Some(instance) = f.instance.take() else {
            findings.push(f);
            continue;
        };
        let key = alike(&f);
        let mut suffixes = instances_of[&key].clone();
        suffixes.sort();
        suffixes.dedup();
        if suffixes.len() == instance.total {
            // Every instance has it: once, on the block.
            if reported.insert(key) {
                findings.push(f);
            }
        } else {
            let plain = format!("`{}`", instance.address);
            let named = format!("`{}{}`", instance.address, instance.suffix);
            f.message = match f.message.find(&plain) {
                Some(_) => f.message.replacen(&plain, &named, 1).into(),
                None => format!("{named}: {}", f.message).into(),
            };
            findings.push(f);
        }
    }
}
