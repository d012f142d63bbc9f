//! Values as rules see them: what could be known statically, and `Unknown` for the rest.
//!
//! A rule never fires on `Unknown`: a reference onus cannot resolve is not a finding.

use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Unknown,
}

/// Consistent with `PartialEq`: `0.0` and `-0.0` hash alike (they are equal); a NaN, equal to nothing, hashes
/// as any NaN.
impl std::hash::Hash for Value {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        match self {
            Value::Null | Value::Unknown => {}
            Value::Bool(b) => b.hash(state),
            Value::Number(n) => (if *n == 0.0 { 0.0f64 } else { *n }).to_bits().hash(state),
            Value::String(s) => s.hash(state),
            Value::List(items) => items.hash(state),
            Value::Map(entries) => entries.hash(state),
        }
    }
}

impl Value {
    pub fn is_known(&self) -> bool {
        !matches!(self, Value::Unknown)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Terraform converts between strings, numbers and bools where a type asks for it; rules do the same.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Map(map) => Some(map),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> &Value {
        match self {
            Value::Map(map) => map.get(key).unwrap_or(&Value::Null),
            Value::Unknown => &Value::Unknown,
            _ => &Value::Null,
        }
    }

    /// A single value or a list of them, as IAM's `"Action": "s3:*"` / `["s3:*"]`.
    pub fn one_or_many(&self) -> Vec<&Value> {
        match self {
            Value::List(items) => items.iter().collect(),
            Value::Null => Vec::new(),
            other => vec![other],
        }
    }

    /// The text of a scalar, as Terraform's string conversion writes it.
    pub fn to_text(&self) -> Option<String> {
        match self {
            Value::String(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(format_number(*n)),
            _ => None,
        }
    }

    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(items) => Value::List(items.iter().map(Value::from_json).collect()),
            serde_json::Value::Object(map) => {
                Value::Map(map.iter().map(|(k, v)| (k.clone(), Value::from_json(v))).collect())
            }
        }
    }

    /// JSON text of a known value; `None` if any part is unknown.
    pub fn to_json(&self) -> Option<serde_json::Value> {
        Some(match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => serde_json::Number::from_f64(*n).map(serde_json::Value::Number)?,
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::List(items) => serde_json::Value::Array(items.iter().map(Value::to_json).collect::<Option<_>>()?),
            Value::Map(map) => serde_json::Value::Object(
                map.iter().map(|(k, v)| Some((k.clone(), v.to_json()?))).collect::<Option<_>>()?,
            ),
            Value::Unknown => return None,
        })
    }
}

impl Value {
    /// JSON text of a value whose unknown parts are written as the string `unknown`.
    pub fn to_json_lenient(&self, unknown: &str) -> serde_json::Value {
        match self {
            Value::Unknown => serde_json::Value::String(unknown.to_string()),
            Value::List(items) => serde_json::Value::Array(items.iter().map(|v| v.to_json_lenient(unknown)).collect()),
            Value::Map(map) => {
                serde_json::Value::Object(map.iter().map(|(k, v)| (k.clone(), v.to_json_lenient(unknown))).collect())
            }
            other => other.to_json().unwrap_or(serde_json::Value::Null),
        }
    }
}

pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::Value;

    fn hash(v: &Value) -> u64 {
        crate::terraform::reads::fingerprint(v)
    }

    #[test]
    fn equal_values_hash_alike() {
        assert_eq!(Value::Number(0.0), Value::Number(-0.0));
        assert_eq!(hash(&Value::Number(0.0)), hash(&Value::Number(-0.0)));
        let map = |v: f64| Value::Map([("a".to_string(), Value::List(vec![Value::Number(v)]))].into());
        assert_eq!(hash(&map(1.0)), hash(&map(1.0)));
        assert_ne!(hash(&map(1.0)), hash(&map(2.0)));
        assert_ne!(hash(&Value::Null), hash(&Value::Unknown));
        assert_ne!(hash(&Value::String("1".into())), hash(&Value::Number(1.0)));
    }
}
