//! What a Terraform matcher sees: the module, the evaluator, and a place to report findings.

use super::model::{Attribute, Block, Expr, ExprKind, Step};
use super::reads::Dep;
use super::view::{Config, Field};
use super::{Module, TfFile};
use crate::finding::Finding;
use crate::fix::Fix;
use crate::policy::Policy;
use crate::rules::Rule;
use crate::text::TextRange;
use crate::value::Value;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

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

pub struct TfContext<'a, 'm> {
    pub module: &'a Module<'m>,
    rule: &'static Rule,
    findings: &'a mut Vec<Finding>,
}

impl<'a, 'm> TfContext<'a, 'm> {
    pub fn new(module: &'a Module<'m>, rule: &'static Rule, findings: &'a mut Vec<Finding>) -> Self {
        TfContext { module, rule, findings }
    }

    pub fn resources(&self, ty: &'a str) -> impl Iterator<Item = Resource<'m>> + 'a {
        self.module.resources(ty).map(|(file, block)| Resource { file, block })
    }

    /// Resources of type `ty`, and calls of the registry module `terraform-aws-modules/<module>/aws`, whose
    /// inputs carry the same settings.
    pub fn resources_like(&self, ty: &'a str, module: &'a str) -> impl Iterator<Item = Resource<'m>> + 'a {
        let modules = self
            .module
            .blocks("module")
            .filter(move |(_, b)| is_registry_module(b, module))
            .map(|(file, block)| Resource { file, block });
        self.resources(ty).chain(modules)
    }

    /// `data` sources of type `ty`.
    pub fn data_sources(&self, ty: &'a str) -> impl Iterator<Item = Resource<'m>> + 'a {
        self.module.typed("data", ty).map(|(file, block)| Resource { file, block })
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
        // Which blocks have this address depends on the blocks of its type.
        let mut parts = address.split('.');
        let (kind, ty) = match (parts.next().unwrap_or(""), parts.next().unwrap_or("")) {
            ("module", name) => ("module", name),
            ("data", ty) => ("data", ty),
            (ty, _) => ("resource", ty),
        };
        self.module.reads().record(Dep::Type(kind, ty));
        self.resources_at(self.module.address_index().get(address).map_or(&[][..], Vec::as_slice))
    }

    /// The resources at (file, block) indices of a module index.
    pub fn resources_at(&self, at: &[(usize, usize)]) -> Vec<Resource<'m>> {
        at.iter().map(|&(file, i)| Resource { file, block: self.module.block_at((file, i)) }).collect()
    }

    /// The value of a field.
    pub fn value(&self, field: Field) -> Value {
        self.eval(field.expr)
    }

    /// The IAM policy an expression of the module holds (JSON string, heredoc, `jsonencode`, policy document
    /// data source). Read once per analysis: several rules read every policy.
    pub fn policy(&self, expr: &'m Expr) -> Option<Rc<Policy>> {
        let policies =
            self.module.memo(["policies", "", ""], || RefCell::new(HashMap::<usize, Option<Rc<Policy>>>::new()));
        let key = expr as *const Expr as usize;
        // Who reads a policy reads what evaluating it read.
        let memo = super::reads::fingerprint(&("policy", key));
        if let Some(policy) = policies.borrow().get(&key) {
            self.module.reads().record_memo(memo);
            return policy.clone();
        }
        let reads = self.module.reads();
        let policy = reads.memo(memo, || Policy::from_value(&self.module.scope.eval_lenient(expr)).map(Rc::new));
        policies.borrow_mut().insert(key, policy.clone());
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

    /// An attribute of `block` and its value (`None` when the attribute is absent).
    pub fn attr(&self, block: &'m Block, name: &str) -> Option<(&'m Attribute, Value)> {
        block.attr(name).map(|a| (a, self.eval(&a.expr)))
    }

    /// Reports a finding at `range` of `res`, and returns it so that the matcher can attach fixes.
    pub fn report(&mut self, res: Resource, range: TextRange, message: impl Into<String>) -> &mut Finding {
        self.findings.push(Finding {
            rule: self.rule,
            file: res.file,
            range,
            resource: res.block.range,
            message: message.into(),
            fixes: Vec::new(),
        });
        self.findings.last_mut().expect("just pushed")
    }

    /// Reports a finding with one fix.
    pub fn report_with_fix(&mut self, res: Resource, range: TextRange, message: impl Into<String>, fix: Fix) {
        self.report(res, range, message).fixes.push(fix);
    }
}
