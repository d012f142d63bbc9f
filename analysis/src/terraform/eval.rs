//! A small evaluator for the values rules need: literals, collections, templates with known parts,
//! `var.x` (variable defaults, overridden by `terraform.tfvars` and `*.auto.tfvars`), `local.x`, a few pure
//! functions (`jsonencode`, `tostring`, ...). Everything else is `Unknown`.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use super::model::{Expr, ExprKind, Step, TemplatePart};
use crate::value::{format_number, Value};

/// The names a module's expressions can refer to.
#[derive(Default)]
pub struct Scope<'m> {
    /// `var.x`: the variable's value, when it has a default or a tfvars value.
    pub variables: HashMap<&'m str, Value>,
    /// `local.x`: evaluated on first use.
    pub locals: HashMap<&'m str, &'m Expr>,
    /// `data.aws_iam_policy_document.<name>.json`, rendered to a JSON string.
    pub policy_documents: HashMap<&'m str, Value>,
    local_values: RefCell<HashMap<String, Value>>,
    /// Locals being evaluated: a reference cycle is unknown, not a stack overflow.
    in_progress: RefCell<Vec<String>>,
}

/// Expressions nest deeper than any real file; past this they are unknown.
const MAX_DEPTH: usize = 64;

impl<'m> Scope<'m> {
    pub fn eval(&self, expr: &Expr) -> Value {
        self.eval_at(expr, 0)
    }

    fn eval_at(&self, expr: &Expr, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return Value::Unknown;
        }
        let depth = depth + 1;
        match &expr.kind {
            ExprKind::Null => Value::Null,
            ExprKind::Bool(b) => Value::Bool(*b),
            ExprKind::Number(n) => Value::Number(*n),
            ExprKind::Template(parts) => self.template(parts, depth),
            ExprKind::Tuple(items) => Value::List(items.iter().map(|e| self.eval_at(e, depth)).collect()),
            ExprKind::Object(elems) => {
                let mut map = BTreeMap::new();
                for (k, v) in elems {
                    // Object keys may be bare identifiers (`{ Name = "x" }`), parsed as traversals.
                    let key = match &k.kind {
                        ExprKind::Traversal(root, steps) if steps.is_empty() => Value::String(root.clone()),
                        _ => self.eval_at(k, depth),
                    };
                    match key.to_text() {
                        Some(key) => {
                            map.insert(key, self.eval_at(v, depth));
                        }
                        None => return Value::Unknown,
                    }
                }
                Value::Map(map)
            }
            ExprKind::Traversal(root, steps) => self.traversal(root, steps, depth),
            ExprKind::Call(name, args) => self.call(name, args, depth),
            ExprKind::Conditional(c, t, f) => match self.eval_at(c, depth).as_bool() {
                Some(true) => self.eval_at(t, depth),
                Some(false) => self.eval_at(f, depth),
                None => Value::Unknown,
            },
            ExprKind::Other => Value::Unknown,
        }
    }

    fn template(&self, parts: &[TemplatePart], depth: usize) -> Value {
        let mut out = String::new();
        for part in parts {
            match part {
                TemplatePart::Literal(s) => out.push_str(s),
                TemplatePart::Interpolation(e) => match self.eval_at(e, depth).to_text() {
                    Some(s) => out.push_str(&s),
                    None => return Value::Unknown,
                },
                TemplatePart::Directive => return Value::Unknown,
            }
        }
        Value::String(out)
    }

    fn traversal(&self, root: &str, steps: &[Step], depth: usize) -> Value {
        let (base, rest) = match (root, steps) {
            ("var", [Step::Attr(name), rest @ ..]) => {
                (self.variables.get(name.as_str()).cloned().unwrap_or(Value::Unknown), rest)
            }
            ("local", [Step::Attr(name), rest @ ..]) => (self.local(name, depth), rest),
            ("data", [Step::Attr(ty), Step::Attr(name), Step::Attr(attr), rest @ ..])
                if ty == "aws_iam_policy_document" && attr == "json" =>
            {
                (self.policy_documents.get(name.as_str()).cloned().unwrap_or(Value::Unknown), rest)
            }
            _ => return Value::Unknown,
        };
        rest.iter().fold(base, |value, step| match (value, step) {
            (Value::Unknown, _) => Value::Unknown,
            (Value::Map(mut map), Step::Attr(key)) => map.remove(key).unwrap_or(Value::Unknown),
            (Value::Map(mut map), Step::Index(e)) => match self.eval_at(e, depth).to_text() {
                Some(key) => map.remove(&key).unwrap_or(Value::Unknown),
                None => Value::Unknown,
            },
            (Value::List(mut items), Step::Index(e)) => match self.eval_at(e, depth).as_f64() {
                Some(i) if i >= 0.0 && (i as usize) < items.len() => items.swap_remove(i as usize),
                _ => Value::Unknown,
            },
            _ => Value::Unknown,
        })
    }

    fn local(&self, name: &str, depth: usize) -> Value {
        if let Some(v) = self.local_values.borrow().get(name) {
            return v.clone();
        }
        let Some(expr) = self.locals.get(name) else { return Value::Unknown };
        if self.in_progress.borrow().iter().any(|n| n == name) {
            return Value::Unknown;
        }
        self.in_progress.borrow_mut().push(name.to_string());
        let value = self.eval_at(expr, depth);
        self.in_progress.borrow_mut().pop();
        self.local_values.borrow_mut().insert(name.to_string(), value.clone());
        value
    }

    fn call(&self, name: &str, args: &[Expr], depth: usize) -> Value {
        let args: Vec<Value> = args.iter().map(|a| self.eval_at(a, depth)).collect();
        match (name, args.as_slice()) {
            ("jsonencode", [v]) => match v.to_json() {
                Some(json) => Value::String(json.to_string()),
                None => Value::Unknown,
            },
            ("jsondecode", [Value::String(s)]) => match serde_json::from_str(s) {
                Ok(json) => Value::from_json(&json),
                Err(_) => Value::Unknown,
            },
            ("tostring", [v]) => v.to_text().map(Value::String).unwrap_or(Value::Unknown),
            ("tobool", [v]) => v.as_bool().map(Value::Bool).unwrap_or(Value::Unknown),
            ("tonumber", [v]) => v.as_f64().map(Value::Number).unwrap_or(Value::Unknown),
            ("lower", [Value::String(s)]) => Value::String(s.to_lowercase()),
            ("upper", [Value::String(s)]) => Value::String(s.to_uppercase()),
            ("tolist" | "toset", [v @ Value::List(_)]) => v.clone(),
            ("concat", lists) if lists.iter().all(|l| matches!(l, Value::List(_))) => {
                Value::List(lists.iter().flat_map(|l| l.as_list().unwrap_or_default().iter().cloned()).collect())
            }
            ("merge", maps) if maps.iter().all(|m| matches!(m, Value::Map(_))) => {
                let mut out = BTreeMap::new();
                for m in maps {
                    out.extend(m.as_map().into_iter().flatten().map(|(k, v)| (k.clone(), v.clone())));
                }
                Value::Map(out)
            }
            ("format", [Value::String(f), rest @ ..]) => format_simple(f, rest),
            _ => Value::Unknown,
        }
    }
}

/// `format` with `%s`/`%d`/`%%` only: enough for names built from known parts.
fn format_simple(f: &str, args: &[Value]) -> Value {
    let mut out = String::new();
    let mut args = args.iter();
    let mut chars = f.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some('s') | Some('v') => match args.next().and_then(Value::to_text) {
                Some(s) => out.push_str(&s),
                None => return Value::Unknown,
            },
            Some('d') => match args.next().and_then(Value::as_f64) {
                Some(n) => out.push_str(&format_number(n.trunc())),
                None => return Value::Unknown,
            },
            _ => return Value::Unknown,
        }
    }
    Value::String(out)
}
