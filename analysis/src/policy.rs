//! IAM policy documents, normalised: whatever way a policy is written (a JSON string, a heredoc, `jsonencode`,
//! `data "aws_iam_policy_document"`, a CloudFormation `PolicyDocument` map), rules read the same statements.
//!
//! Parts that cannot be known (an interpolated ARN) are kept as the placeholder [`UNKNOWN_PART`]: they are
//! never a wildcard, so a rule does not fire on them.

use crate::terraform::eval::UNKNOWN_PART;
use crate::value::Value;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Policy {
    pub statements: Vec<Statement>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Statement {
    pub allow: bool,
    pub actions: Vec<String>,
    pub not_actions: Vec<String>,
    pub resources: Vec<String>,
    pub not_resources: Vec<String>,
    /// `(type, identifier)`: `("AWS", "*")`, `("Service", "ec2.amazonaws.com")`; `Principal: "*"` is `("*", "*")`.
    pub principals: Vec<(String, String)>,
    pub has_not_principal: bool,
    /// `(operator, key, values)`, operator and key lower-cased.
    pub conditions: Vec<(String, String, Vec<String>)>,
}

impl Statement {
    /// Anyone at all: `"*"`, `{"AWS": "*"}`.
    pub fn has_public_principal(&self) -> bool {
        self.principals.iter().any(|(ty, id)| (ty == "*" || ty.eq_ignore_ascii_case("AWS")) && id == "*")
    }

    pub fn allows_action(&self, pred: impl Fn(&str) -> bool) -> bool {
        self.allow && self.actions.iter().any(|a| pred(a))
    }

    /// Whether a condition with this operator (any prefix like `ForAnyValue:`, `...IfExists` ignored) and key
    /// exists.
    pub fn has_condition(&self, operator: &str, key: &str) -> bool {
        let operator = operator.to_ascii_lowercase();
        let key = key.to_ascii_lowercase();
        self.conditions.iter().any(|(op, k, _)| {
            let op = op.rsplit(':').next().unwrap_or(op);
            let op = op.strip_suffix("ifexists").unwrap_or(op);
            op == operator && *k == key
        })
    }

    pub fn condition_values(&self, key: &str) -> impl Iterator<Item = &str> {
        let key = key.to_ascii_lowercase();
        self.conditions.iter().filter(move |(_, k, _)| *k == key).flat_map(|(_, _, v)| v.iter().map(String::as_str))
    }
}

/// True for `*` and for actions like `s3:*` when `service` is given as `s3`.
pub fn is_full_wildcard(action: &str) -> bool {
    action == "*" || action == "*:*"
}

fn strings(v: &Value) -> Vec<String> {
    v.one_or_many()
        .into_iter()
        .filter_map(|x| x.to_text().or_else(|| (!x.is_known()).then(|| UNKNOWN_PART.into())))
        .collect()
}

/// How many times a policy may be JSON-encoded inside a string (`jsonencode(jsonencode(...))`) and still be read.
const MAX_ENCODINGS: usize = 4;

fn get_ci<'a>(map: &'a std::collections::BTreeMap<String, Value>, key: &str) -> &'a Value {
    map.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v).unwrap_or(&Value::Null)
}

impl Policy {
    /// A policy from its JSON text. Unknown interpolations outside strings are quoted first, so that
    /// `"Resource": ${aws_s3_bucket.b.arn}` still parses.
    pub fn from_text(text: &str) -> Option<Policy> {
        Policy::from_text_within(text, MAX_ENCODINGS)
    }

    /// `from_text`, unwrapping at most `depth` more levels of JSON strings (text like `${x}` would otherwise
    /// quote itself into a string of itself, forever).
    fn from_text_within(text: &str, depth: usize) -> Option<Policy> {
        let json: serde_json::Value = serde_json::from_str(text).ok().or_else(|| {
            let quoted = quote_bare_placeholders(text);
            serde_json::from_str(&quoted).ok()
        })?;
        Policy::from_value_within(&Value::from_json(&json), depth)
    }

    /// A policy from a value: a JSON string, or a map (from `jsonencode` or CloudFormation).
    pub fn from_value(value: &Value) -> Option<Policy> {
        Policy::from_value_within(value, MAX_ENCODINGS)
    }

    fn from_value_within(value: &Value, depth: usize) -> Option<Policy> {
        match value {
            Value::String(s) => Policy::from_text_within(s, depth.checked_sub(1)?),
            Value::Map(map) => {
                let statements = get_ci(map, "Statement");
                let statements = match statements {
                    Value::List(items) => items.iter().filter_map(Statement::from_value).collect(),
                    Value::Map(_) => Statement::from_value(statements).into_iter().collect(),
                    _ => return None,
                };
                Some(Policy { statements })
            }
            _ => None,
        }
    }
}

impl Statement {
    fn from_value(v: &Value) -> Option<Statement> {
        let map = v.as_map()?;
        let effect = get_ci(map, "Effect").as_str().unwrap_or("Allow");
        let mut principals = Vec::new();
        match get_ci(map, "Principal") {
            Value::String(s) => principals.push(("*".to_string(), s.clone())),
            Value::Map(p) => {
                for (ty, ids) in p {
                    principals.extend(strings(ids).into_iter().map(|id| (ty.clone(), id)));
                }
            }
            _ => {}
        }
        let mut conditions = Vec::new();
        if let Value::Map(ops) = get_ci(map, "Condition") {
            for (op, keys) in ops {
                if let Value::Map(keys) = keys {
                    for (key, values) in keys {
                        conditions.push((op.to_ascii_lowercase(), key.to_ascii_lowercase(), strings(values)));
                    }
                }
            }
        }
        Some(Statement {
            allow: effect.eq_ignore_ascii_case("Allow"),
            actions: strings(get_ci(map, "Action")),
            not_actions: strings(get_ci(map, "NotAction")),
            resources: strings(get_ci(map, "Resource")),
            not_resources: strings(get_ci(map, "NotResource")),
            principals,
            has_not_principal: !matches!(get_ci(map, "NotPrincipal"), Value::Null),
            conditions,
        })
    }
}

/// Puts quotes around placeholders that stand outside JSON strings.
fn quote_bare_placeholders(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_string = false;
    let mut escaped = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if !in_string && rest.starts_with(UNKNOWN_PART) {
            out.push('"');
            out.push_str(UNKNOWN_PART);
            out.push('"');
            rest = &rest[UNKNOWN_PART.len()..];
            continue;
        }
        if c == '"' && !escaped {
            in_string = !in_string;
        }
        escaped = in_string && c == '\\' && !escaped;
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

impl Policy {
    /// Whether a statement of the policy held by `value` (JSON text or a map, as [`Policy::from_value`] takes)
    /// has a `Condition` that cannot be read: an unknown value in place of the condition map or of an
    /// operator's keys. A rule looking for a condition must not fire on such a policy.
    pub fn has_unreadable_condition(value: &Value) -> bool {
        let parsed;
        let value = match value {
            Value::String(text) => {
                let json: Option<serde_json::Value> = serde_json::from_str(text)
                    .ok()
                    .or_else(|| serde_json::from_str(&quote_bare_placeholders(text)).ok());
                match json {
                    Some(json) => {
                        parsed = Value::from_json(&json);
                        &parsed
                    }
                    None => return false,
                }
            }
            other => other,
        };
        let Some(map) = value.as_map() else { return false };
        let statements = get_ci(map, "Statement");
        let statements = match statements {
            Value::List(items) => items.iter().collect(),
            other => vec![other],
        };
        statements.into_iter().filter_map(Value::as_map).any(|st| match get_ci(st, "Condition") {
            Value::Null => false,
            Value::Map(ops) => ops.iter().any(|(op, keys)| op.contains(UNKNOWN_PART) || !matches!(keys, Value::Map(_))),
            _ => true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_are_normalised() {
        let p = Policy::from_text(
            r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": __onus_unknown__,
                "Principal": {"AWS": ["*"]}, "Condition": {"Bool": {"aws:SecureTransport": "false"}}}}"#,
        )
        .unwrap();
        let s = &p.statements[0];
        assert!(s.allow && s.actions == ["*"] && s.resources == [UNKNOWN_PART]);
        assert!(s.has_public_principal());
        assert!(s.has_condition("Bool", "aws:securetransport"));
        assert_eq!(s.condition_values("aws:SecureTransport").collect::<Vec<_>>(), ["false"]);
    }
}
