//! A uniform view of nested configuration, however it is written.
//!
//! Terraform accepts `ingress { ... }` blocks, `dynamic "ingress"` blocks and `ingress = [{ ... }]` attributes
//! for the same thing; module inputs are objects in attributes. Rules read all of them through [`Config`].

use super::model::{Block, Expr, ExprKind};
use crate::text::TextRange;

/// A block, or an object expression standing for one.
#[derive(Clone, Copy, Debug)]
pub enum Config<'m> {
    Block(&'m Block),
    Object(&'m Expr),
}

/// An attribute of a [`Config`]: `name = expr` in a block, or `name = expr` / `"name": expr` in an object.
#[derive(Clone, Copy, Debug)]
pub struct Field<'m> {
    /// The whole `name = value`.
    pub range: TextRange,
    pub expr: &'m Expr,
}

/// The name of an object key written as `name`, `"name"` or `(name)`.
pub fn key_name(key: &Expr) -> Option<&str> {
    match &key.kind {
        ExprKind::Traversal(root, steps) if steps.is_empty() => Some(root),
        _ => key.as_literal_str(),
    }
}

impl<'m> From<&Config<'m>> for Config<'m> {
    fn from(c: &Config<'m>) -> Config<'m> {
        *c
    }
}

impl<'m> Config<'m> {
    pub fn range(&self) -> TextRange {
        match self {
            Config::Block(b) => b.range,
            Config::Object(e) => e.range,
        }
    }

    /// Where a finding about a missing attribute points: a block's header, or the object's first line.
    pub fn header(&self) -> TextRange {
        match self {
            Config::Block(b) => b.header,
            Config::Object(e) => TextRange::new(e.range.start, e.range.start + 1),
        }
    }

    pub fn block(&self) -> Option<&'m Block> {
        match self {
            Config::Block(b) => Some(b),
            Config::Object(_) => None,
        }
    }

    pub fn attr(&self, name: &str) -> Option<Field<'m>> {
        match self {
            Config::Block(b) => b.attr(name).map(|a| Field { range: a.range, expr: &a.expr }),
            Config::Object(e) => match &e.kind {
                ExprKind::Object(elems) => elems
                    .iter()
                    .find(|(k, _)| key_name(k) == Some(name))
                    .map(|(k, v)| Field { range: TextRange::new(k.range.start, v.range.end), expr: v }),
                _ => None,
            },
        }
    }

    /// The nested configurations called `name`: blocks (and `dynamic` blocks' content), and objects given in an
    /// attribute of that name (one object, or a list of them).
    pub fn nested(&self, name: &'m str) -> Vec<Config<'m>> {
        let mut out = Vec::new();
        if let Config::Block(b) = self {
            out.extend(b.blocks(name).map(Config::Block));
        }
        if let Some(field) = self.attr(name) {
            match &field.expr.kind {
                ExprKind::Object(_) => out.push(Config::Object(field.expr)),
                ExprKind::Tuple(items) => {
                    out.extend(items.iter().filter(|i| matches!(i.kind, ExprKind::Object(_))).map(Config::Object))
                }
                _ => {}
            }
        }
        out
    }

    /// Whether the configuration is the `content` of a `dynamic` block: its values come from an iterator.
    pub fn is_dynamic(&self) -> bool {
        matches!(self, Config::Block(b) if b.is_dynamic_content())
    }
}
