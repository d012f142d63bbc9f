//! Instances: a block with `count` or `for_each` stands for as many objects as its collection has elements
//! (none: it creates nothing), each with `count.index` or `each.key` and `each.value` bound.

use std::collections::BTreeMap;

use super::eval::Scope;
use super::model::Block;
use crate::value::Value;

/// Which instance of a block: `[0]` or `["key"]`.
#[derive(Clone, Debug, PartialEq)]
pub enum InstanceKey {
    Index(usize),
    Key(String),
}

impl InstanceKey {
    /// As Terraform writes it after an address: `[0]`, `["web"]`.
    pub fn suffix(&self) -> String {
        match self {
            InstanceKey::Index(i) => format!("[{i}]"),
            InstanceKey::Key(k) => format!("[{}]", serde_json::Value::String(k.clone())),
        }
    }
}

/// One instance of a block: its key, and `each.value` for `for_each`.
#[derive(Clone, Debug, PartialEq)]
pub struct Instance {
    pub key: InstanceKey,
    pub each_value: Option<Value>,
}

impl Instance {
    /// The value of `each` or `count` in this instance (`None`: the block is not of that kind).
    pub fn value_of(&self, root: &str) -> Option<Value> {
        match (root, &self.key) {
            ("count", InstanceKey::Index(i)) if self.each_value.is_none() => {
                Some(Value::Map(BTreeMap::from([("index".to_string(), Value::Number(*i as f64))])))
            }
            ("each", key) => {
                let key = match key {
                    InstanceKey::Key(k) => Value::String(k.clone()),
                    InstanceKey::Index(i) => Value::Number(*i as f64),
                };
                let value = self.each_value.clone()?;
                Some(Value::Map(BTreeMap::from([("key".to_string(), key), ("value".to_string(), value)])))
            }
            _ => None,
        }
    }
}

/// The instances a block stands for.
#[derive(Clone, Debug, PartialEq)]
pub enum Instances {
    /// No `count` or `for_each`: the block itself, once.
    Single,
    /// As many as these (none: the block creates nothing).
    Known(Vec<Instance>),
    /// `count` or `for_each` is not known: the block, once, with `count.index`, `each.key` and `each.value`
    /// unknown.
    Unknown,
}

/// More instances than this are not enumerated (a generated `count = 10000`): the block is judged once, with
/// its instance values unknown.
const MAX_INSTANCES: usize = 256;

/// The instances of a top-level block (`resource`, `data`, `module`), its `count` or `for_each` evaluated in
/// `scope`.
pub fn of_block(scope: &Scope, block: &Block) -> Instances {
    if let Some(count) = block.attr("count") {
        return match scope.eval(&count.expr).as_f64() {
            Some(n) if n >= 0.0 && n.fract() == 0.0 && (n as usize) <= MAX_INSTANCES => Instances::Known(
                (0..n as usize).map(|i| Instance { key: InstanceKey::Index(i), each_value: None }).collect(),
            ),
            _ => Instances::Unknown,
        };
    }
    if let Some(for_each) = block.attr("for_each") {
        return match for_each_elements(&scope.eval(&for_each.expr)) {
            Some(elements) if elements.len() <= MAX_INSTANCES => Instances::Known(
                elements.into_iter().map(|(k, v)| Instance { key: InstanceKey::Key(k), each_value: Some(v) }).collect(),
            ),
            _ => Instances::Unknown,
        };
    }
    Instances::Single
}

/// The keys and values a `for_each` (or a `dynamic` block's) collection iterates: a map's entries, a set of
/// strings' elements (key and value alike). `None` when unknown, or of a kind Terraform refuses.
pub fn for_each_elements(v: &Value) -> Option<Vec<(String, Value)>> {
    match v {
        Value::Map(map) => Some(map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
        Value::List(items) => {
            let mut out: Vec<(String, Value)> = Vec::new();
            for item in items {
                let key = item.as_str()?.to_string();
                if !out.iter().any(|(k, _)| *k == key) {
                    out.push((key, item.clone()));
                }
            }
            out.sort_by(|a, b| a.0.cmp(&b.0));
            Some(out)
        }
        Value::Null => None,
        _ => None,
    }
}
