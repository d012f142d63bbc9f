//! Variable types, as far as they change values: `optional(T, default)` attributes of `object(...)` types are
//! filled in when missing or null (`terraform-aws-modules` lean on them: a caller passing `{}` gets every
//! default), and primitive types convert strings, numbers and bools into each other.

use std::collections::BTreeMap;

use super::eval::Scope;
use super::model::{Expr, ExprKind};
use super::view::key_name;
use crate::value::Value;

#[derive(Clone, Debug, PartialEq)]
pub enum VarType {
    /// `any`, or a type onus does not read: values as given.
    Any,
    String,
    Number,
    Bool,
    List(Box<VarType>),
    Map(Box<VarType>),
    Tuple(Vec<VarType>),
    Object(Vec<Attr>),
}

/// An attribute of an object type.
#[derive(Clone, Debug, PartialEq)]
pub struct Attr {
    pub name: String,
    pub ty: VarType,
    /// `optional(T)` (a missing value is null) or `optional(T, default)`.
    pub optional: bool,
    pub default: Option<Value>,
}

impl VarType {
    /// The type a `type = ...` expression writes.
    pub fn of(expr: &Expr) -> VarType {
        match &expr.kind {
            ExprKind::Traversal(name, steps) if steps.is_empty() => match name.as_str() {
                "string" => VarType::String,
                "number" => VarType::Number,
                "bool" => VarType::Bool,
                _ => VarType::Any,
            },
            ExprKind::Call(name, args) => match (name.as_str(), args.as_slice()) {
                ("list" | "set", [t]) => VarType::List(Box::new(VarType::of(t))),
                ("map", [t]) => VarType::Map(Box::new(VarType::of(t))),
                ("tuple", [Expr { kind: ExprKind::Tuple(items), .. }]) => {
                    VarType::Tuple(items.iter().map(VarType::of).collect())
                }
                ("object", [Expr { kind: ExprKind::Object(elems), .. }]) => VarType::Object(
                    elems
                        .iter()
                        .filter_map(|(k, v)| {
                            let name = key_name(k)?.to_string();
                            Some(match &v.kind {
                                ExprKind::Call(f, args) if f == "optional" => Attr {
                                    name,
                                    ty: args.first().map_or(VarType::Any, VarType::of),
                                    optional: true,
                                    default: args.get(1).map(|d| Scope::default().eval(d)),
                                },
                                _ => Attr { name, ty: VarType::of(v), optional: false, default: None },
                            })
                        })
                        .collect(),
                ),
                _ => VarType::Any,
            },
            _ => VarType::Any,
        }
    }

    /// `value` converted to this type as Terraform converts a variable's value (what cannot be converted is
    /// left as it is: Terraform would refuse it, and onus judges what is written).
    pub fn convert(&self, value: Value) -> Value {
        match (self, value) {
            (_, Value::Unknown) => Value::Unknown,
            (_, Value::Null) => Value::Null,
            (VarType::Any, v) => v,
            (VarType::String, v @ (Value::Number(_) | Value::Bool(_))) => v.to_text().map_or(v, Value::String),
            (VarType::Number, Value::String(s)) => match s.trim().parse() {
                Ok(n) => Value::Number(n),
                Err(_) => Value::String(s),
            },
            (VarType::Bool, Value::String(s)) => match s.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => Value::String(s),
            },
            (VarType::List(t), Value::List(items)) => Value::List(items.into_iter().map(|v| t.convert(v)).collect()),
            (VarType::Tuple(ts), Value::List(items)) => Value::List(
                items.into_iter().enumerate().map(|(i, v)| ts.get(i).map_or(v.clone(), |t| t.convert(v))).collect(),
            ),
            (VarType::Map(t), Value::Map(map)) => Value::Map(map.into_iter().map(|(k, v)| (k, t.convert(v))).collect()),
            (VarType::Object(attrs), Value::Map(mut map)) => {
                let mut out = BTreeMap::new();
                for a in attrs {
                    let given = map.remove(&a.name);
                    let value = match (given, &a.default) {
                        (None | Some(Value::Null), Some(default)) => a.ty.convert(default.clone()),
                        (None, None) if a.optional => Value::Null,
                        // A required attribute missing: Terraform refuses the value; unknown here.
                        (None, None) => Value::Unknown,
                        (Some(v), _) => a.ty.convert(v),
                    };
                    out.insert(a.name.clone(), value);
                }
                Value::Map(out)
            }
            (_, v) => v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(text: &str) -> VarType {
        let src = format!("a = {text}\n");
        let file = super::super::direct::read(&src).expect("valid");
        VarType::of(&file.attributes[0].expr)
    }

    #[test]
    fn optional_attributes_take_their_defaults() {
        let t = ty("object({ enabled = optional(bool, true), name = optional(string), size = number })");
        let given = Value::Map(BTreeMap::from([("size".to_string(), Value::String("3".into()))]));
        let converted = t.convert(given);
        assert_eq!(converted.get("enabled"), &Value::Bool(true));
        assert_eq!(converted.get("name"), &Value::Null);
        assert_eq!(converted.get("size"), &Value::Number(3.0));
        let nested = ty("map(object({ encrypted = optional(bool, false) }))");
        let given = Value::Map(BTreeMap::from([("a".to_string(), Value::Map(BTreeMap::new()))]));
        assert_eq!(nested.convert(given).get("a").get("encrypted"), &Value::Bool(false));
        assert_eq!(
            ty("list(string)").convert(Value::List(vec![Value::Number(1.0)])),
            Value::List(vec![Value::String("1".into())])
        );
    }
}
