//! A small evaluator for the values rules need: literals, collections, templates with known parts,
//! `var.x` (variable defaults, overridden by `terraform.tfvars` and `*.auto.tfvars`), `local.x`, a few pure
//! functions (`jsonencode`, `tostring`, ...). Everything else is `Unknown`.

use std::cell::RefCell;
use std::collections::BTreeMap;

use super::model::{Expr, ExprKind, Step, TemplatePart};
use super::reads::{Dep, Reads};
use crate::fast_hash::FastMap;
use crate::value::{format_number, Value};

/// The names a module's expressions can refer to.
#[derive(Default)]
pub struct Scope<'m> {
    /// `var.x` given by tfvars files (`terraform.tfvars`, then `*.auto.tfvars`, later ones winning), before any
    /// default.
    pub tfvars: FastMap<&'m str, Value>,
    /// Each file's variable defaults, in module order (a later file's winning): looked up by name, so that an
    /// analysis does not gather every variable of the module (see [`Scope::variable`]).
    pub defaults: Vec<&'m super::block_index::BlockIndex>,
    /// `local.x`: evaluated on first use.
    pub locals: FastMap<&'m str, &'m Expr>,
    /// `data.aws_iam_policy_document.<name>.json`, rendered to a JSON string.
    pub policy_documents: FastMap<&'m str, Value>,
    /// What the evaluations of a rule's run read (variables, locals, policy documents).
    pub reads: Reads,
    /// Each local's value, strict (`[0]`) and lenient (`[1]`): memos of [`Scope::reads`]. (Owned keys: a
    /// `RefCell` of borrowed ones would make the scope, and the module, invariant in `'m`.)
    local_values: [RefCell<FastMap<String, Value>>; 2],
    /// Set when an evaluation was cut short (a reference cycle, the depth limit): its value depends on where it
    /// started, so the locals it went through are not kept.
    cut_short: std::cell::Cell<bool>,
    /// Locals being evaluated: a reference cycle is unknown, not a stack overflow.
    in_progress: RefCell<Vec<String>>,
    lenient: std::cell::Cell<bool>,
}

/// Expressions nest deeper than any real file; past this they are unknown.
const MAX_DEPTH: usize = 64;

/// What an unknown part of a string becomes in lenient evaluation (see [`Scope::eval_lenient`]).
pub const UNKNOWN_PART: &str = "__onus_unknown__";

impl<'m> Scope<'m> {
    /// The value of `var.<name>`: from a tfvars file, or the variable's default.
    pub fn variable(&self, name: &str) -> Option<&Value> {
        self.tfvars.get(name).or_else(|| self.defaults.iter().rev().find_map(|index| index.default_of(name)))
    }

    /// Every variable with its value, each name once.
    pub fn variables(&self) -> FastMap<&str, &Value> {
        let mut out = FastMap::default();
        for index in &self.defaults {
            out.extend(index.defaults().iter().map(|(_, name, value)| (name.as_str(), value)));
        }
        out.extend(self.tfvars.iter().map(|(name, value)| (*name, value)));
        out
    }

    pub fn eval(&self, expr: &Expr) -> Value {
        self.eval_at(expr, 0)
    }

    /// Like [`Scope::eval`], but the unknown parts of strings (and of `jsonencode` arguments) become
    /// [`UNKNOWN_PART`] instead of making the whole value unknown: a policy whose `Resource` is
    /// `${aws_s3_bucket.b.arn}/*` still has a known `Action` and `Principal`.
    pub fn eval_lenient(&self, expr: &Expr) -> Value {
        let outer = self.lenient.replace(true);
        let v = self.eval_at(expr, 0);
        self.lenient.set(outer);
        v
    }

    fn eval_at(&self, expr: &Expr, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            self.cut_short.set(true);
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
                    None if self.lenient.get() => out.push_str(UNKNOWN_PART),
                    None => return Value::Unknown,
                },
                TemplatePart::Directive if self.lenient.get() => out.push_str(UNKNOWN_PART),
                TemplatePart::Directive => return Value::Unknown,
            }
        }
        Value::String(out)
    }

    fn traversal(&self, root: &str, steps: &[Step], depth: usize) -> Value {
        let (base, rest) = match (root, steps) {
            ("var", [Step::Attr(name), rest @ ..]) => {
                self.reads.record(Dep::Variable(name));
                (self.variable(name).cloned().unwrap_or(Value::Unknown), rest)
            }
            ("local", [Step::Attr(name), rest @ ..]) => (self.local(name, depth), rest),
            ("data", [Step::Attr(ty), Step::Attr(name), Step::Attr(attr), rest @ ..])
                if ty == "aws_iam_policy_document" && attr == "json" =>
            {
                (self.policy_document(name).unwrap_or(Value::Unknown), rest)
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
        self.reads.record(Dep::Local(name));
        // A local is evaluated once per analysis and way of evaluating (strict or lenient); who reads it reads
        // what it reads. Its value must not depend on which rule reads it first: a value cut short (a reference
        // cycle, the depth limit) depends on where it was read from, and is not kept.
        let Some(&expr) = self.locals.get(name) else { return Value::Unknown };
        let lenient = self.lenient.get();
        let memo = super::reads::fingerprint(&("local", name, lenient));
        let values = &self.local_values[usize::from(lenient)];
        if let Some(value) = values.borrow().get(name) {
            self.reads.record_memo(memo);
            return value.clone();
        }
        if self.in_progress.borrow().iter().any(|n| n == name) {
            self.cut_short.set(true);
            return Value::Unknown;
        }
        self.in_progress.borrow_mut().push(name.to_string());
        let outer_cut = self.cut_short.replace(false);
        let value = self.reads.memo(memo, || self.eval_at(expr, depth));
        let cut = self.cut_short.get();
        self.cut_short.set(outer_cut || cut);
        self.in_progress.borrow_mut().pop();
        if !cut {
            values.borrow_mut().insert(name.to_string(), value.clone());
        }
        value
    }

    /// Forgets the locals' values: the policy documents are rendered before the rules run, with locals that
    /// may read documents not rendered yet.
    pub(crate) fn forget_local_values(&self) {
        self.local_values.iter().for_each(|values| values.borrow_mut().clear());
    }

    /// The expression of `local.<name>`, for rules that follow references through locals.
    pub fn local_expr(&self, name: &str) -> Option<&'m Expr> {
        self.reads.record(Dep::Local(name));
        self.locals.get(name).copied()
    }

    /// The JSON a `data "aws_iam_policy_document" "<name>"` renders, if the module has it.
    pub fn policy_document(&self, name: &str) -> Option<Value> {
        self.reads.record(Dep::PolicyDocument(name));
        self.policy_documents.get(name).cloned()
    }

    fn call(&self, name: &str, args: &[Expr], depth: usize) -> Value {
        let args: Vec<Value> = args.iter().map(|a| self.eval_at(a, depth)).collect();
        match (name, args.as_slice()) {
            ("jsonencode", [v]) => match v.to_json() {
                Some(json) => Value::String(json.to_string()),
                None if self.lenient.get() => Value::String(v.to_json_lenient(UNKNOWN_PART).to_string()),
                None => Value::Unknown,
            },
            ("base64decode", [Value::String(s)]) => match base64_decode(s) {
                Some(text) => Value::String(text),
                None => Value::Unknown,
            },
            ("base64encode", [Value::String(s)]) => Value::String(base64_encode(s.as_bytes())),
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

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (*b as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(BASE64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes standard base64 (whitespace ignored) into UTF-8 text; `None` if it is not both.
pub fn base64_decode(text: &str) -> Option<String> {
    let mut bits = 0u32;
    let mut nbits = 0;
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        if c == b'=' {
            break;
        }
        let v = BASE64.iter().position(|&b| b == c)? as u32;
        bits = bits << 6 | v;
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((bits >> nbits) as u8);
            bits &= (1 << nbits) - 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_roundtrips() {
        for s in ["", "a", "ab", "abc", "abcd", "AKIAIOSFODNN7EXAMPLE\n"] {
            assert_eq!(base64_decode(&base64_encode(s.as_bytes())).as_deref(), Some(s));
        }
        assert_eq!(base64_encode(b"hello"), "aGVsbG8=");
    }
}
