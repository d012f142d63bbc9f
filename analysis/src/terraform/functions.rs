//! Terraform's built-in functions, as far as their results can be known without running anything: the
//! collection, string, numeric, encoding and type-conversion functions real modules use. Functions that read
//! files, the clock or the network (`file`, `templatefile`, `timestamp`, `uuid`), and hashes, are unknown.
//!
//! An unknown argument makes the result unknown, except where the result does not depend on it (`length` of a
//! list of unknowns, `coalesce` whose first argument is known and set). A definite error (`element` of an
//! empty list, `one` of two elements) is recorded for `try` and `can`.

use std::collections::BTreeMap;

use super::eval::{base64_decode, base64_encode, Scope, UNKNOWN_PART};
use super::model::Expr;
use crate::value::{format_number, Value};

/// Whether a value is known through and through.
pub fn is_whole(v: &Value) -> bool {
    match v {
        Value::Unknown => false,
        Value::List(items) => items.iter().all(is_whole),
        Value::Map(map) => map.values().all(is_whole),
        _ => true,
    }
}

/// `==` as Terraform compares: numbers by value, everything else structurally.
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y,
        (Value::List(x), Value::List(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| equal(a, b)),
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((k1, a), (k2, b))| k1 == k2 && equal(a, b))
        }
        _ => a == b,
    }
}

/// Calls `name` on `args` (the last one's elements spread when `expanded`).
pub fn call(scope: &Scope, name: &str, args: &[Expr], expanded: bool, depth: usize) -> Value {
    // Provider functions (`provider::aws::arn_parse`) and what reads the world are unknown.
    let name = name.strip_prefix("core::").unwrap_or(name);
    match name {
        // Lazy: their arguments may fail.
        "try" => {
            for arg in args {
                let (v, failed) = scope.eval_checked(arg, depth);
                if failed {
                    continue;
                }
                return v;
            }
            return scope.fail();
        }
        "can" => {
            let [arg] = args else { return Value::Unknown };
            let (v, failed) = scope.eval_checked(arg, depth);
            return if failed {
                Value::Bool(false)
            } else if is_whole(&v) {
                Value::Bool(true)
            } else {
                Value::Unknown
            };
        }
        _ => {}
    }
    let mut values: Vec<Value> = args.iter().map(|a| scope.eval_arg(a, depth)).collect();
    if expanded {
        match values.pop() {
            Some(Value::List(items)) => values.extend(items),
            Some(Value::Map(map)) => values.extend(map.into_values()),
            _ => return Value::Unknown,
        }
    }
    let result = apply(scope, name, &values);
    match result {
        Some(v) => v,
        None => Value::Unknown,
    }
}

fn text(v: &Value) -> Option<String> {
    v.to_text()
}

fn list(v: &Value) -> Option<&[Value]> {
    match v {
        Value::List(items) => Some(items),
        _ => None,
    }
}

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn int(v: &Value) -> Option<i64> {
    let n = v.as_f64()?;
    (n.fract() == 0.0).then_some(n as i64)
}

/// A set's elements as Terraform orders them: strings sorted, duplicates removed.
fn set_of(items: &[Value]) -> Value {
    let mut out: Vec<Value> = Vec::new();
    for item in items {
        if !out.iter().any(|o| equal(o, item)) {
            out.push(item.clone());
        }
    }
    if out.iter().all(|v| v.as_str().is_some()) {
        out.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    }
    Value::List(out)
}

/// The function's result; `None` when it cannot be known (an unknown argument, an unsupported function).
fn apply(scope: &Scope, name: &str, args: &[Value]) -> Option<Value> {
    let lenient = scope.is_lenient();
    // Functions whose result does not need every argument known.
    match (name, args) {
        ("length", [Value::List(items)]) => return Some(Value::Number(items.len() as f64)),
        ("length", [Value::Map(map)]) => return Some(Value::Number(map.len() as f64)),
        ("length", [Value::String(s)]) => return Some(Value::Number(s.chars().count() as f64)),
        ("keys", [Value::Map(map)]) => {
            return Some(Value::List(map.keys().map(|k| Value::String(k.clone())).collect()))
        }
        ("values", [Value::Map(map)]) => return Some(Value::List(map.values().cloned().collect())),
        ("coalesce", _) => {
            for a in args {
                match a {
                    Value::Unknown => return None,
                    Value::Null => continue,
                    Value::String(s) if s.is_empty() => continue,
                    v => return Some(v.clone()),
                }
            }
            return Some(scope.fail());
        }
        ("coalescelist", _) => {
            for a in args {
                match a {
                    Value::List(items) if items.is_empty() => continue,
                    Value::List(_) => return Some(a.clone()),
                    Value::Null => continue,
                    _ => return None,
                }
            }
            return Some(scope.fail());
        }
        ("concat", _) => {
            let mut out = Vec::new();
            for a in args {
                out.extend(list(a)?.iter().cloned());
            }
            return Some(Value::List(out));
        }
        ("merge", _) => {
            let mut out = BTreeMap::new();
            for a in args {
                match a {
                    Value::Map(m) => out.extend(m.iter().map(|(k, v)| (k.clone(), v.clone()))),
                    Value::Null => {}
                    _ => return None,
                }
            }
            return Some(Value::Map(out));
        }
        ("lookup", [Value::Map(map), key, rest @ ..]) if rest.len() <= 1 => {
            let key = text(key)?;
            return match (map.get(&key), rest.first()) {
                (Some(v), _) => Some(v.clone()),
                (None, Some(default)) => Some(default.clone()),
                (None, None) => Some(scope.fail()),
            };
        }
        ("element", [Value::List(items), i]) => {
            let i = int(i)?;
            if items.is_empty() {
                return Some(scope.fail());
            }
            return Some(items[(i.rem_euclid(items.len() as i64)) as usize].clone());
        }
        ("one", [Value::List(items)]) => {
            return Some(match items.len() {
                0 => Value::Null,
                1 => items[0].clone(),
                _ => scope.fail(),
            })
        }
        ("one", [Value::Null]) => return Some(Value::Null),
        ("slice", [Value::List(items), a, b]) => {
            let (a, b) = (int(a)? as usize, int(b)? as usize);
            if a > b || b > items.len() {
                return Some(scope.fail());
            }
            return Some(Value::List(items[a..b].to_vec()));
        }
        ("reverse", [Value::List(items)]) => return Some(Value::List(items.iter().rev().cloned().collect())),
        ("tolist" | "toset" | "tomap" | "tostring" | "tonumber" | "tobool", [Value::Null]) => return Some(Value::Null),
        ("tolist", [v @ Value::List(_)]) => return Some(v.clone()),
        ("tomap", [v @ Value::Map(_)]) => return Some(v.clone()),
        ("nonsensitive" | "sensitive", [v]) => return Some(v.clone()),
        ("jsonencode", [v]) => {
            return match v.to_json() {
                Some(json) => Some(Value::String(json.to_string())),
                None if lenient => Some(Value::String(v.to_json_lenient(UNKNOWN_PART).to_string())),
                None => None,
            }
        }
        _ => {}
    }
    if !args.iter().all(is_whole) {
        return None;
    }
    Some(match (name, args) {
        ("toset", [Value::List(items)]) => set_of(items),
        ("distinct", [Value::List(items)]) => {
            let mut out: Vec<Value> = Vec::new();
            for item in items {
                if !out.iter().any(|o| equal(o, item)) {
                    out.push(item.clone());
                }
            }
            Value::List(out)
        }
        ("flatten", [Value::List(items)]) => {
            fn flat(items: &[Value], out: &mut Vec<Value>) {
                for i in items {
                    match i {
                        Value::List(inner) => flat(inner, out),
                        other => out.push(other.clone()),
                    }
                }
            }
            let mut out = Vec::new();
            flat(items, &mut out);
            Value::List(out)
        }
        ("compact", [Value::List(items)]) => {
            Value::List(items.iter().filter(|v| !matches!(v, Value::Null) && v.as_str() != Some("")).cloned().collect())
        }
        ("contains", [Value::List(items), v]) => Value::Bool(items.iter().any(|i| equal(i, v))),
        ("index", [Value::List(items), v]) => match items.iter().position(|i| equal(i, v)) {
            Some(i) => Value::Number(i as f64),
            None => scope.fail(),
        },
        ("sort", [Value::List(items)]) => {
            let mut texts: Vec<String> = items.iter().map(text).collect::<Option<_>>()?;
            texts.sort();
            Value::List(texts.into_iter().map(Value::String).collect())
        }
        ("range", _) => {
            let ns: Vec<f64> = args.iter().map(num).collect::<Option<_>>()?;
            let (start, end, step) = match ns.as_slice() {
                [end] => (0.0, *end, 1.0),
                [start, end] => (*start, *end, if end >= start { 1.0 } else { -1.0 }),
                [start, end, step] => (*start, *end, *step),
                _ => return None,
            };
            if step == 0.0 {
                return Some(scope.fail());
            }
            let mut out = Vec::new();
            let mut x = start;
            while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
                out.push(Value::Number(x));
                x += step;
                if out.len() > 100_000 {
                    return None;
                }
            }
            Value::List(out)
        }
        ("zipmap", [Value::List(keys), Value::List(values)]) => {
            if keys.len() != values.len() {
                return Some(scope.fail());
            }
            let mut out = BTreeMap::new();
            for (k, v) in keys.iter().zip(values) {
                out.insert(text(k)?, v.clone());
            }
            Value::Map(out)
        }
        ("setunion", _) => {
            let mut all = Vec::new();
            for a in args {
                all.extend(list(a)?.iter().cloned());
            }
            set_of(&all)
        }
        ("setintersection", [first, rest @ ..]) => {
            let mut out: Vec<Value> = list(first)?.to_vec();
            for r in rest {
                let r = list(r)?;
                out.retain(|v| r.iter().any(|x| equal(x, v)));
            }
            set_of(&out)
        }
        ("setsubtract", [a, b]) => {
            let b = list(b)?;
            set_of(&list(a)?.iter().filter(|v| !b.iter().any(|x| equal(x, v))).cloned().collect::<Vec<_>>())
        }
        ("chunklist", [Value::List(items), size]) => {
            let size = int(size)?;
            if size <= 0 {
                return Some(scope.fail());
            }
            Value::List(items.chunks(size as usize).map(|c| Value::List(c.to_vec())).collect())
        }
        ("alltrue", [Value::List(items)]) => Value::Bool(items.iter().all(|v| v.as_bool() == Some(true))),
        ("anytrue", [Value::List(items)]) => Value::Bool(items.iter().any(|v| v.as_bool() == Some(true))),
        ("sum", [Value::List(items)]) => Value::Number(items.iter().map(num).sum::<Option<f64>>()?),
        ("max", _) => {
            Value::Number(args.iter().map(num).collect::<Option<Vec<f64>>>()?.into_iter().fold(f64::MIN, f64::max))
        }
        ("min", _) => {
            Value::Number(args.iter().map(num).collect::<Option<Vec<f64>>>()?.into_iter().fold(f64::MAX, f64::min))
        }
        ("abs", [n]) => Value::Number(num(n)?.abs()),
        ("ceil", [n]) => Value::Number(num(n)?.ceil()),
        ("floor", [n]) => Value::Number(num(n)?.floor()),
        ("signum", [n]) => Value::Number(num(n)?.signum()),
        ("pow", [a, b]) => Value::Number(num(a)?.powf(num(b)?)),
        ("parseint", [s, base]) => match i64::from_str_radix(&text(s)?, int(base)? as u32) {
            Ok(n) => Value::Number(n as f64),
            Err(_) => scope.fail(),
        },
        ("tostring", [v]) => Value::String(text(v)?),
        ("tonumber", [v]) => match num(v) {
            Some(n) => Value::Number(n),
            None => scope.fail(),
        },
        ("tobool", [v]) => match v.as_bool() {
            Some(b) => Value::Bool(b),
            None => scope.fail(),
        },
        ("tomap", [Value::Map(m)]) => Value::Map(m.clone()),
        ("lower", [s]) => Value::String(text(s)?.to_lowercase()),
        ("upper", [s]) => Value::String(text(s)?.to_uppercase()),
        ("title", [s]) => {
            let s = text(s)?;
            let mut out = String::with_capacity(s.len());
            let mut start = true;
            for c in s.chars() {
                if start {
                    out.extend(c.to_uppercase());
                } else {
                    out.push(c);
                }
                start = !c.is_alphanumeric();
            }
            Value::String(out)
        }
        ("strrev", [s]) => Value::String(text(s)?.chars().rev().collect()),
        ("trimspace", [s]) => Value::String(text(s)?.trim().to_string()),
        ("trim", [s, chars]) => {
            let chars = text(chars)?;
            Value::String(text(s)?.trim_matches(|c| chars.contains(c)).to_string())
        }
        ("trimprefix", [s, p]) => {
            let (s, p) = (text(s)?, text(p)?);
            Value::String(s.strip_prefix(&p).unwrap_or(&s).to_string())
        }
        ("trimsuffix", [s, p]) => {
            let (s, p) = (text(s)?, text(p)?);
            Value::String(s.strip_suffix(&p).unwrap_or(&s).to_string())
        }
        ("startswith", [s, p]) => Value::Bool(text(s)?.starts_with(&text(p)?)),
        ("endswith", [s, p]) => Value::Bool(text(s)?.ends_with(&text(p)?)),
        ("strcontains", [s, p]) => Value::Bool(text(s)?.contains(&text(p)?)),
        ("substr", [s, offset, length]) => {
            let chars: Vec<char> = text(s)?.chars().collect();
            let offset = int(offset)?;
            let offset =
                if offset < 0 { chars.len() as i64 + offset } else { offset }.clamp(0, chars.len() as i64) as usize;
            let length = int(length)?;
            let end = if length < 0 { chars.len() } else { (offset + length as usize).min(chars.len()) };
            Value::String(chars[offset..end].iter().collect())
        }
        ("join", [sep, rest @ ..]) => {
            let sep = text(sep)?;
            let mut parts = Vec::new();
            for l in rest {
                for item in list(l)? {
                    parts.push(text(item)?);
                }
            }
            Value::String(parts.join(&sep))
        }
        ("split", [sep, s]) => {
            let (sep, s) = (text(sep)?, text(s)?);
            if s.is_empty() {
                Value::List(Vec::new())
            } else {
                Value::List(s.split(sep.as_str()).map(|p| Value::String(p.to_string())).collect())
            }
        }
        ("replace", [s, find, rep]) => {
            let (s, find, rep) = (text(s)?, text(find)?, text(rep)?);
            // `/regex/` patterns are regular expressions: not evaluated.
            if find.len() > 1 && find.starts_with('/') && find.ends_with('/') {
                return None;
            }
            Value::String(s.replace(&find, &rep))
        }
        ("format", [f, rest @ ..]) => format(scope, &text(f)?, rest)?,
        ("formatlist", [f, rest @ ..]) => {
            let f = text(f)?;
            let n = rest.iter().filter_map(list).map(<[Value]>::len).max().unwrap_or(1);
            let mut out = Vec::new();
            for i in 0..n {
                let row: Vec<Value> = rest
                    .iter()
                    .map(|a| match a {
                        Value::List(items) => items.get(i).cloned().unwrap_or(Value::Unknown),
                        other => other.clone(),
                    })
                    .collect();
                out.push(format(scope, &f, &row)?);
            }
            Value::List(out)
        }
        ("jsondecode", [s]) => match serde_json::from_str(&text(s)?) {
            Ok(json) => Value::from_json(&json),
            Err(_) => scope.fail(),
        },
        ("base64encode", [s]) => Value::String(base64_encode(text(s)?.as_bytes())),
        ("base64decode", [s]) => match base64_decode(&text(s)?) {
            Some(text) => Value::String(text),
            None => scope.fail(),
        },
        ("cidrsubnet", [prefix, newbits, netnum]) => cidrsubnet(&text(prefix)?, int(newbits)?, int(netnum)?)?,
        ("cidrhost", [prefix, hostnum]) => cidrhost(&text(prefix)?, int(hostnum)?)?,
        _ => return None,
    })
}

/// `format` with the verbs modules use: `%s`, `%d`, `%v`, `%t`, `%q`, `%%` (widths and flags: unknown).
fn format(scope: &Scope, f: &str, args: &[Value]) -> Option<Value> {
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
            Some('s') | Some('v') | Some('t') => out.push_str(&text(args.next()?)?),
            Some('d') => out.push_str(&format_number(num(args.next()?)?.trunc())),
            Some('q') => out.push_str(&serde_json::Value::String(text(args.next()?)?).to_string()),
            _ => return None,
        }
    }
    let _ = scope;
    Some(Value::String(out))
}

fn parse_v4(prefix: &str) -> Option<(u32, u32)> {
    let (addr, len) = prefix.split_once('/')?;
    let octets: Vec<u8> = addr.split('.').map(|o| o.parse().ok()).collect::<Option<_>>()?;
    let [a, b, c, d] = octets.as_slice() else { return None };
    let len: u32 = len.parse().ok().filter(|l| *l <= 32)?;
    Some((u32::from_be_bytes([*a, *b, *c, *d]), len))
}

fn v4_text(addr: u32) -> String {
    let [a, b, c, d] = addr.to_be_bytes();
    format!("{a}.{b}.{c}.{d}")
}

/// `cidrsubnet` for IPv4 prefixes (IPv6 ones are unknown).
fn cidrsubnet(prefix: &str, newbits: i64, netnum: i64) -> Option<Value> {
    let (addr, len) = parse_v4(prefix)?;
    let new_len = len as i64 + newbits;
    if !(0..=32).contains(&new_len) || netnum < 0 || (newbits < 32 && netnum >= 1 << newbits) {
        return None;
    }
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    let base = addr & mask;
    let shift = 32 - new_len as u32;
    let subnet = base | ((netnum as u32).checked_shl(shift).unwrap_or(0));
    Some(Value::String(format!("{}/{new_len}", v4_text(subnet))))
}

/// `cidrhost` for IPv4 prefixes.
fn cidrhost(prefix: &str, hostnum: i64) -> Option<Value> {
    let (addr, len) = parse_v4(prefix)?;
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    let size = 1i64 << (32 - len);
    let host = if hostnum < 0 { size + hostnum } else { hostnum };
    if !(0..size).contains(&host) {
        return None;
    }
    Some(Value::String(v4_text((addr & mask) | host as u32)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_functions() {
        assert_eq!(cidrsubnet("10.0.0.0/16", 8, 2), Some(Value::String("10.0.2.0/24".into())));
        assert_eq!(cidrsubnet("10.1.0.0/16", 4, 15), Some(Value::String("10.1.240.0/20".into())));
        assert_eq!(cidrhost("10.12.112.0/20", 16), Some(Value::String("10.12.112.16".into())));
        assert_eq!(cidrhost("10.12.112.0/20", -1), Some(Value::String("10.12.127.255".into())));
        assert_eq!(cidrsubnet("10.0.0.0/16", 8, 256), None);
    }
}
