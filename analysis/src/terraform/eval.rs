//! A small evaluator for the values rules need: literals, collections, templates with known parts,
//! `var.x` (variable defaults, overridden by `terraform.tfvars` and `*.auto.tfvars`), `local.x`, a few pure
//! functions (`jsonencode`, `tostring`, ...). Everything else is `Unknown`.

use std::cell::RefCell;
use std::collections::BTreeMap;

use super::functions::is_whole;
use super::model::{BinaryOp, Expr, ExprKind, ForExpr, Step, TemplatePart, UnaryOp};
use super::reads::{Dep, Reads};
use crate::fast_hash::FastMap;
use crate::value::Value;

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
    /// `module.<name>`: the outputs of a child module call the caller knows (a map of its outputs; a list or map
    /// of them for a call with `count` or `for_each`).
    pub module_outputs: FastMap<String, Value>,
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
    /// Names bound while evaluating: `for` expressions' variables, innermost last.
    bound: RefCell<Vec<(String, Value)>>,
    /// `each` and `count` of the resource instance being checked (see [`Scope::with_instance`]).
    pub instance: RefCell<Option<super::instances::Instance>>,
    /// Set when an evaluation met a definite error (a missing key of a known map, an index out of range, a
    /// function given the wrong type): `try` and `can` tell errors from unknowns; elsewhere an error is unknown.
    failed: std::cell::Cell<bool>,
}

/// Expressions nest deeper than any real file; past this they are unknown.
const MAX_DEPTH: usize = 64;

/// What an unknown part of a string becomes in lenient evaluation (see [`Scope::eval_lenient`]).
pub const UNKNOWN_PART: &str = "__onus_unknown__";

impl<'m> Scope<'m> {
    /// The type a variable of the module declares (`any` when none declares it).
    pub fn variable_type(&self, name: &str) -> Option<&super::types::VarType> {
        self.defaults.iter().rev().find_map(|index| index.type_of(name))
    }

    /// The value of `var.<name>`: from a tfvars file, or the variable's default.
    pub fn variable(&self, name: &str) -> Option<&Value> {
        self.tfvars.get(name).or_else(|| self.defaults.iter().rev().find_map(|index| index.default_of(name)))
    }

    /// Every variable with its value, each name once.
    pub fn variables(&self) -> FastMap<&str, &Value> {
        let mut out = FastMap::default();
        for index in &self.defaults {
            out.extend(index.defaults().iter().map(|(_, name, value, _)| (name.as_str(), value)));
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
            ExprKind::Known(v) => v.clone(),
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
            ExprKind::Steps(base, steps) => {
                let base = self.eval_at(base, depth);
                self.apply_steps(base, steps, depth)
            }
            ExprKind::Call(name, args) => self.call(name, args, false, depth),
            ExprKind::CallExpanded(name, args) => self.call(name, args, true, depth),
            ExprKind::Conditional(c, t, f) => match self.eval_at(c, depth).as_bool() {
                Some(true) => self.eval_at(t, depth),
                Some(false) => self.eval_at(f, depth),
                None => Value::Unknown,
            },
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, depth),
            ExprKind::Unary(op, a) => match (op, self.eval_at(a, depth)) {
                (UnaryOp::Neg, v) => v.as_f64().map(|n| Value::Number(-n)).unwrap_or(Value::Unknown),
                (UnaryOp::Not, v) => v.as_bool().map(|b| Value::Bool(!b)).unwrap_or(Value::Unknown),
            },
            ExprKind::For(f) => self.for_expr(f, depth),
            ExprKind::Other => Value::Unknown,
        }
    }

    /// A definite error: the value is unknown, and `try` moves on.
    pub(super) fn fail(&self) -> Value {
        self.failed.set(true);
        Value::Unknown
    }

    /// Evaluates `expr`; says whether it met a definite error (for `try` and `can`).
    pub(super) fn eval_checked(&self, expr: &Expr, depth: usize) -> (Value, bool) {
        let outer = self.failed.replace(false);
        let v = self.eval_at(expr, depth);
        let failed = self.failed.replace(outer);
        (v, failed)
    }

    pub(super) fn eval_arg(&self, expr: &Expr, depth: usize) -> Value {
        self.eval_at(expr, depth)
    }

    pub(super) fn is_lenient(&self) -> bool {
        self.lenient.get()
    }

    fn binary(&self, op: BinaryOp, a: &Expr, b: &Expr, depth: usize) -> Value {
        let left = self.eval_at(a, depth);
        // `false && x` and `true || x` whatever `x` is.
        match (op, left.as_bool()) {
            (BinaryOp::And, Some(false)) => return Value::Bool(false),
            (BinaryOp::Or, Some(true)) => return Value::Bool(true),
            _ => {}
        }
        let right = self.eval_at(b, depth);
        match op {
            BinaryOp::And | BinaryOp::Or => match (left.as_bool(), right.as_bool()) {
                (Some(x), Some(y)) => Value::Bool(if op == BinaryOp::And { x && y } else { x || y }),
                (_, Some(false)) if op == BinaryOp::And => Value::Bool(false),
                (_, Some(true)) if op == BinaryOp::Or => Value::Bool(true),
                _ => Value::Unknown,
            },
            BinaryOp::Eq | BinaryOp::Ne => {
                if !is_whole(&left) || !is_whole(&right) {
                    return Value::Unknown;
                }
                let equal = super::functions::equal(&left, &right);
                Value::Bool(equal == (op == BinaryOp::Eq))
            }
            _ => {
                let (Some(x), Some(y)) = (left.as_f64(), right.as_f64()) else { return Value::Unknown };
                match op {
                    BinaryOp::Add => Value::Number(x + y),
                    BinaryOp::Sub => Value::Number(x - y),
                    BinaryOp::Mul => Value::Number(x * y),
                    BinaryOp::Div if y != 0.0 => Value::Number(x / y),
                    BinaryOp::Mod if y != 0.0 => Value::Number(x % y),
                    BinaryOp::Div | BinaryOp::Mod => self.fail(),
                    BinaryOp::Gt => Value::Bool(x > y),
                    BinaryOp::Ge => Value::Bool(x >= y),
                    BinaryOp::Lt => Value::Bool(x < y),
                    BinaryOp::Le => Value::Bool(x <= y),
                    _ => Value::Unknown,
                }
            }
        }
    }

    /// `[for k, v in coll : value if cond]`, `{for ... : key => value...}`.
    fn for_expr(&self, f: &ForExpr, depth: usize) -> Value {
        let elements: Vec<(Value, Value)> = match self.eval_at(&f.collection, depth) {
            Value::List(items) => items.into_iter().enumerate().map(|(i, v)| (Value::Number(i as f64), v)).collect(),
            Value::Map(map) => map.into_iter().map(|(k, v)| (Value::String(k), v)).collect(),
            Value::Null => return self.fail(),
            _ => return Value::Unknown,
        };
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Value> = BTreeMap::new();
        for (key, value) in elements {
            let mut bound = vec![(f.value_var.clone(), value)];
            if let Some(k) = &f.key_var {
                bound.push((k.clone(), key));
            }
            let n = bound.len();
            self.bound.borrow_mut().extend(bound);
            let result = (|| {
                if let Some(cond) = &f.cond {
                    match self.eval_at(cond, depth).as_bool() {
                        Some(true) => {}
                        Some(false) => return Some(None),
                        None => return None,
                    }
                }
                let value = self.eval_at(&f.value, depth);
                let key = match &f.key {
                    Some(k) => Some(self.eval_at(k, depth).to_text()?),
                    None => None,
                };
                Some(Some((key, value)))
            })();
            let len = self.bound.borrow().len();
            self.bound.borrow_mut().truncate(len - n);
            match result {
                None => return Value::Unknown,
                Some(None) => {}
                Some(Some((None, value))) => list.push(value),
                Some(Some((Some(key), value))) if f.group => match map.entry(key).or_insert(Value::List(Vec::new())) {
                    Value::List(items) => items.push(value),
                    _ => unreachable!("grouped values are lists"),
                },
                Some(Some((Some(key), value))) => {
                    // Two elements with one key and no `...`: an error in Terraform.
                    if map.insert(key, value).is_some() {
                        return self.fail();
                    }
                }
            }
        }
        if f.key.is_some() {
            Value::Map(map)
        } else {
            Value::List(list)
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
        if let Some(value) = self.bound.borrow().iter().rev().find(|(name, _)| name == root).map(|(_, v)| v.clone()) {
            return self.apply_steps(value, steps, depth);
        }
        let (base, rest) = match (root, steps) {
            ("var", [Step::Attr(name), rest @ ..]) => {
                self.reads.record(Dep::Variable(name));
                match self.variable(name) {
                    Some(value) => return self.apply_steps_to(value, rest, depth),
                    None => (Value::Unknown, rest),
                }
            }
            ("local", [Step::Attr(name), rest @ ..]) => (self.local(name, depth), rest),
            ("data", [Step::Attr(ty), Step::Attr(name), Step::Attr(attr), rest @ ..])
                if ty == "aws_iam_policy_document" && attr == "json" =>
            {
                (self.policy_document(name).unwrap_or(Value::Unknown), rest)
            }
            ("each" | "count", _) => match self.instance.borrow().as_ref().and_then(|i| i.value_of(root)) {
                Some(value) => (value, steps),
                None => return Value::Unknown,
            },
            ("module", [Step::Attr(name), rest @ ..]) => {
                self.reads.record(Dep::Module(name));
                match self.module_outputs.get(name.as_str()) {
                    Some(value) => return self.apply_steps_to(value, rest, depth),
                    None => (Value::Unknown, rest),
                }
            }
            _ => return Value::Unknown,
        };
        self.apply_steps(base, rest, depth)
    }

    /// [`Scope::apply_steps`] on a borrowed value: its leading attributes and indexes are followed in place, so
    /// that only the part reached is copied (`var.rules["ssh"]` of a module's map of a hundred rules).
    fn apply_steps_to(&self, base: &Value, steps: &[Step], depth: usize) -> Value {
        let mut value = base;
        let mut rest = steps;
        while let Some((step, after)) = rest.split_first() {
            value = match (value, step) {
                (Value::Map(map), Step::Attr(key)) => match map.get(key) {
                    Some(v) => v,
                    None => return self.fail(),
                },
                (Value::Map(map), Step::Index(e)) => match self.eval_at(e, depth).to_text() {
                    Some(key) => match map.get(&key) {
                        Some(v) => v,
                        None => return self.fail(),
                    },
                    None => return Value::Unknown,
                },
                (Value::List(items), Step::Index(e)) => match self.eval_at(e, depth).as_f64() {
                    Some(i) if i >= 0.0 && (i as usize) < items.len() && i.fract() == 0.0 => &items[i as usize],
                    Some(_) => return self.fail(),
                    None => return Value::Unknown,
                },
                // The rest (splats, steps on other values) as owned values.
                _ => break,
            };
            rest = after;
        }
        self.apply_steps(value.clone(), rest, depth)
    }

    /// A value's attributes, indexes and splats.
    fn apply_steps(&self, base: Value, steps: &[Step], depth: usize) -> Value {
        let mut value = base;
        for (i, step) in steps.iter().enumerate() {
            value = match (value, step) {
                (Value::Unknown, _) => return Value::Unknown,
                (v, Step::Splat(rest)) => {
                    let items = match v {
                        Value::List(items) => items,
                        Value::Null => Vec::new(),
                        other => vec![other],
                    };
                    let mapped = items.into_iter().map(|item| self.apply_steps(item, rest, depth)).collect();
                    return self.apply_steps(Value::List(mapped), &steps[i + 1..], depth);
                }
                (Value::Map(mut map), Step::Attr(key)) => match map.remove(key) {
                    Some(v) => v,
                    None => return self.fail(),
                },
                (Value::Map(mut map), Step::Index(e)) => match self.eval_at(e, depth).to_text() {
                    Some(key) => match map.remove(&key) {
                        Some(v) => v,
                        None => return self.fail(),
                    },
                    None => return Value::Unknown,
                },
                (Value::List(mut items), Step::Index(e)) => match self.eval_at(e, depth).as_f64() {
                    Some(i) if i >= 0.0 && (i as usize) < items.len() && i.fract() == 0.0 => {
                        items.swap_remove(i as usize)
                    }
                    Some(_) => return self.fail(),
                    None => return Value::Unknown,
                },
                (Value::Null, _) => return self.fail(),
                _ => return Value::Unknown,
            };
        }
        value
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

    fn call(&self, name: &str, args: &[Expr], expanded: bool, depth: usize) -> Value {
        super::functions::call(self, name, args, expanded, depth)
    }
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

    /// The value of `local.out` in a module made of `src`.
    fn out(src: &str) -> Value {
        let files = crate::kit::testing::module_files(&[("main.tf", src)]);
        let expansions = crate::terraform::expand::Expansions::new();
        let module = super::super::Module::new(files.iter().collect(), &expansions);
        let expr = module.scope.local_expr("out").expect("a local `out`");
        module.scope.eval(expr)
    }

    fn s(v: &str) -> Value {
        Value::String(v.to_string())
    }

    #[test]
    fn operators_group_as_hcl_does() {
        let v = |e: &str| {
            out(&format!(
                "variable \"x\" {{\n  default = {{ y = [3, 4], on = false }}\n}}\nlocals {{\n  out = {e}\n}}\n"
            ))
        };
        assert_eq!(v("1 + 2 * 3 - 4"), Value::Number(3.0));
        assert_eq!(v("var.x.y[1] == 4"), Value::Bool(true));
        assert_eq!(v("!var.x.on"), Value::Bool(true));
        assert_eq!(v("-var.x.y[0]"), Value::Number(-3.0));
        assert_eq!(v("var.x.on || 2 > 1 && 1 != 1"), Value::Bool(false));
        assert_eq!(v("false && var.unknown"), Value::Bool(false));
        assert_eq!(v("var.unknown || true"), Value::Bool(true));
        assert_eq!(v("var.unknown == 1"), Value::Unknown);
        // `a ? b : c ? d : e` is `a ? b : (c ? d : e)`.
        assert_eq!(v("false ? 1 : true ? 2 : 3"), Value::Number(2.0));
        assert_eq!(v("(true ? false : true) ? 1 : 2"), Value::Number(2.0));
        assert_eq!(v("10 % 4 / 2"), Value::Number(1.0));
    }

    #[test]
    fn for_expressions_splats_and_steps() {
        let v = |e: &str| {
            out(&format!("variable \"rules\" {{\n  default = [{{ port = 22, on = true }}, {{ port = 80, on = false }}]\n}}\nlocals {{\n  out = {e}\n}}\n"))
        };
        assert_eq!(v("[for r in var.rules : r.port if r.on]"), Value::List(vec![Value::Number(22.0)]));
        assert_eq!(
            v("{for i, r in var.rules : tostring(r.port) => i}"),
            out("locals {\n  out = { \"22\" = 0, \"80\" = 1 }\n}\n")
        );
        assert_eq!(v("{for r in var.rules : r.on => r.port...}").get("true"), &Value::List(vec![Value::Number(22.0)]));
        assert_eq!(v("var.rules[*].port"), Value::List(vec![Value::Number(22.0), Value::Number(80.0)]));
        assert_eq!(v("var.rules.*.port[1]"), Value::List(vec![Value::Unknown, Value::Unknown]));
        assert_eq!(v("[for r in var.rules : r.port][1]"), Value::Number(80.0));
        assert_eq!(v("merge({a = 1}, {b = 2}).b"), Value::Number(2.0));
        assert_eq!(v("[for r in var.unknown : r]"), Value::Unknown);
    }

    #[test]
    fn functions_real_modules_use() {
        let v = |e: &str| {
            out(&format!("variable \"m\" {{\n  default = {{ a = \"x\", b = null }}\n}}\nlocals {{\n  l = [\"b\", \"a\", \"b\"]\n  out = {e}\n}}\n"))
        };
        assert_eq!(v("length(local.l)"), Value::Number(3.0));
        assert_eq!(v("toset(local.l)"), Value::List(vec![s("a"), s("b")]));
        assert_eq!(v("distinct(local.l)"), Value::List(vec![s("b"), s("a")]));
        assert_eq!(v("lookup(var.m, \"c\", \"d\")"), s("d"));
        assert_eq!(v("try(var.m.c, \"fallback\")"), s("fallback"));
        assert_eq!(v("try(var.unknown.c, \"fallback\")"), Value::Unknown);
        assert_eq!(v("can(var.m.a)"), Value::Bool(true));
        assert_eq!(v("can(var.m.z)"), Value::Bool(false));
        assert_eq!(v("coalesce(var.m.b, \"\", \"z\")"), s("z"));
        assert_eq!(v("one([])"), Value::Null);
        assert_eq!(v("keys(var.m)"), Value::List(vec![s("a"), s("b")]));
        assert_eq!(v("contains(local.l, \"a\")"), Value::Bool(true));
        assert_eq!(
            v("flatten([[1], [2, [3]]])"),
            Value::List(vec![Value::Number(1.0), Value::Number(2.0), Value::Number(3.0)])
        );
        assert_eq!(v("element(local.l, 4)"), s("a"));
        assert_eq!(v("join(\"-\", split(\",\", \"a,b\"))"), s("a-b"));
        assert_eq!(v("replace(upper(\"ab\"), \"B\", \"c\")"), s("Ac"));
        assert_eq!(v("format(\"%s-%d\", \"a\", 2)"), s("a-2"));
        assert_eq!(v("jsondecode(jsonencode({k = [1]})).k[0]"), Value::Number(1.0));
        assert_eq!(v("cidrsubnet(\"10.0.0.0/16\", 8, 1)"), s("10.0.1.0/24"));
        assert_eq!(v("concat(local.l, [\"c\"])[3]"), s("c"));
        assert_eq!(v("merge([{a = 1}, {b = 2}]...)"), out("locals {\n  out = { a = 1, b = 2 }\n}\n"));
        assert_eq!(v("length([var.unknown, 1])"), Value::Number(2.0));
        assert_eq!(v("file(\"x\")"), Value::Unknown);
    }

    #[test]
    fn base64_roundtrips() {
        for s in ["", "a", "ab", "abc", "abcd", "AKIAIOSFODNN7EXAMPLE\n"] {
            assert_eq!(base64_decode(&base64_encode(s.as_bytes())).as_deref(), Some(s));
        }
        assert_eq!(base64_encode(b"hello"), "aGVsbG8=");
    }
}
