//! What a Terraform matcher sees: the module, the evaluator, and a place to report findings.

use super::model::{Attribute, Block, Expr};
use super::{Module, TfFile};
use crate::finding::Finding;
use crate::fix::Fix;
use crate::rules::Rule;
use crate::text::TextRange;
use crate::value::Value;

/// A top-level block of a module, with the file that holds it.
#[derive(Clone, Copy, Debug)]
pub struct Resource<'m> {
    pub file: usize,
    pub block: &'m Block,
}

impl<'m> Resource<'m> {
    pub fn ty(&self) -> &'m str {
        self.block.label(0).unwrap_or("")
    }
    pub fn name(&self) -> &'m str {
        self.block.label(1).unwrap_or("")
    }
    /// `aws_s3_bucket.logs`
    pub fn address(&self) -> String {
        format!("{}.{}", self.ty(), self.name())
    }
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
