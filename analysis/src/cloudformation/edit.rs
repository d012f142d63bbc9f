//! Edits of templates that respect their style: YAML block indentation, YAML flow style, JSON commas and
//! nesting. Values to write are given as JSON values and rendered in the template's own syntax.

use serde_json::Value as Json;

use super::tree::{Node, NodeKind, Style};
use super::{CfnResource, Template};
use crate::fix::{indent_unit, indentation_at, line_end, line_ending, Edit};
use crate::text::TextRange;

/// A scalar or collection in YAML flow syntax (one line).
fn yaml_flow(v: &Json) -> String {
    match v {
        Json::String(s) => yaml_scalar(s),
        Json::Array(items) => format!("[{}]", items.iter().map(yaml_flow).collect::<Vec<_>>().join(", ")),
        Json::Object(map) => {
            format!("{{{}}}", map.iter().map(|(k, v)| format!("{k}: {}", yaml_flow(v))).collect::<Vec<_>>().join(", "))
        }
        other => other.to_string(),
    }
}

/// A string, quoted when YAML would read it as something else.
fn yaml_scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().all(|c| c.is_alphanumeric() || "-_./:@".contains(c))
        && !s.starts_with(['-', ':', '@'])
        && s.parse::<f64>().is_err()
        && !matches!(s.to_ascii_lowercase().as_str(), "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~");
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

/// `key: value` lines in YAML block style at `indent`, `unit` deeper per level.
fn yaml_block(key: &str, v: &Json, indent: &str, unit: &str, eol: &str) -> String {
    match v {
        Json::Object(map) if !map.is_empty() => {
            let inner = format!("{indent}{unit}");
            let body: String = map.iter().map(|(k, v)| yaml_block(k, v, &inner, unit, eol)).collect();
            format!("{indent}{key}:{eol}{body}")
        }
        Json::Array(items) if !items.is_empty() && items.iter().any(|i| i.is_object()) => {
            let inner = format!("{indent}{unit}");
            let mut body = String::new();
            for item in items {
                match item {
                    Json::Object(map) => {
                        // The first key shares the line of the dash.
                        let mut first = true;
                        for (k, v) in map {
                            let prefix = if first { format!("{inner}- ") } else { format!("{inner}  ") };
                            let rendered = yaml_block(k, v, &format!("{inner}  "), unit, eol);
                            body.push_str(&prefix);
                            body.push_str(rendered.trim_start());
                            first = false;
                        }
                    }
                    other => body.push_str(&format!("{inner}- {}{eol}", yaml_flow(other))),
                }
            }
            format!("{indent}{key}:{eol}{body}")
        }
        other => format!("{indent}{key}: {}{eol}", yaml_flow(other)),
    }
}

/// JSON text of `v`, pretty-printed with its nested lines at `indent` + `unit` per level.
fn json_text(v: &Json, indent: &str, unit: &str, eol: &str) -> String {
    match v {
        Json::Object(map) if !map.is_empty() => {
            let inner = format!("{indent}{unit}");
            let entries: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{inner}{}: {}", Json::String(k.clone()), json_text(v, &inner, unit, eol)))
                .collect();
            format!("{{{eol}{}{eol}{indent}}}", entries.join(&format!(",{eol}")))
        }
        Json::Array(items) if !items.is_empty() && items.iter().any(|i| i.is_object() || i.is_array()) => {
            let inner = format!("{indent}{unit}");
            let entries: Vec<String> =
                items.iter().map(|i| format!("{inner}{}", json_text(i, &inner, unit, eol))).collect();
            format!("[{eol}{}{eol}{indent}]", entries.join(&format!(",{eol}")))
        }
        other => other.to_string(),
    }
}

/// Replaces the value of `node` with `value`.
pub fn replace_value(t: &Template, node: &Node, value: &Json) -> Edit {
    let text = match node.style {
        Style::Json => json_text(
            value,
            indentation_at(&t.source, node.range.start),
            &indent_unit(&t.source),
            line_ending(&t.source),
        ),
        _ => match value {
            // A quoted string is replaced in the quotes the author chose.
            Json::String(v)
                if t.source.get(node.range.start..).is_some_and(|s| s.starts_with('"'))
                    && yaml_flow(value).starts_with('\'') =>
            {
                format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
            }
            _ => yaml_flow(value),
        },
    };
    if node.style == Style::Json {
        return Edit { range: node.range, text };
    }
    // A one-line YAML value goes right after its key's `:` (or its item's `-`): a block collection that starts
    // on the next line (`Key:\n- a`, a sequence as indented as its key) replaced in place by a flow value would
    // leave that value at the key's own indentation, and a missing value is an empty range right after the `:`.
    let src = &t.source;
    let before = src[..node.range.start].trim_end_matches([' ', '\t', '\r', '\n']);
    if before.ends_with([':', '-']) {
        return Edit { range: TextRange::new(before.len(), node.range.end), text: format!(" {text}") };
    }
    Edit { range: node.range, text }
}

/// Sets `key` of the map `map` to `value`: replaces the value if the key is there, else adds the entry in the
/// map's style.
pub fn set_key(t: &Template, map: &Node, key: &str, value: &Json) -> Edit {
    if let Some(existing) = map.get(key) {
        return replace_value(t, existing, value);
    }
    let src = &t.source;
    let eol = line_ending(src);
    let unit = indent_unit(src);
    let entries = map.entries();
    match map.style {
        Style::Block => {
            let last = entries.last().expect("a block mapping has entries");
            let indent = indentation_at(src, last.key_range.start).to_string();
            let at = line_end(src, last.range.end.max(last.key_range.end).saturating_sub(1).max(last.key_range.start));
            let mut text = yaml_block(key, value, &indent, &unit, eol);
            if !src[..at].ends_with('\n') {
                text = format!("{eol}{}", text.trim_end_matches(['\r', '\n']));
            }
            Edit { range: TextRange::empty(at), text }
        }
        Style::Flow => {
            let close = map.range.end.saturating_sub(1);
            let sep = if entries.is_empty() { "" } else { ", " };
            Edit { range: TextRange::empty(close), text: format!("{sep}{key}: {}", yaml_flow(value)) }
        }
        Style::Json => {
            let close = map.range.end.saturating_sub(1);
            let brace_indent = indentation_at(src, close).to_string();
            let indent = match entries.first() {
                Some(e) => indentation_at(src, e.key_range.start).to_string(),
                None => format!("{brace_indent}{unit}"),
            };
            let rendered = format!("{indent}{}: {}", Json::String(key.into()), json_text(value, &indent, &unit, eol));
            match entries.last() {
                Some(last) => Edit { range: TextRange::empty(last.range.end), text: format!(",{eol}{rendered}") },
                // A broken map (`{` without its `}`) may end right after its brace: never a reversed range.
                None => Edit {
                    range: TextRange::new(map.range.start + 1, close.max(map.range.start + 1)),
                    text: format!("{eol}{rendered}{eol}{brace_indent}"),
                },
            }
        }
    }
}

/// Sets a top-level property of a resource, creating `Properties` if the resource has none.
pub fn set_property(t: &Template, res: CfnResource, key: &str, value: &Json) -> Edit {
    match res.properties {
        Some(props) if matches!(props.kind, NodeKind::Map(ref e) if !e.is_empty() || props.style != Style::Block) => {
            set_key(t, props, key, value)
        }
        _ => {
            let mut map = serde_json::Map::new();
            map.insert(key.to_string(), value.clone());
            set_key(t, res.body(), "Properties", &Json::Object(map))
        }
    }
}

/// Sets an attribute of the resource itself (`DeletionPolicy: Retain`).
pub fn set_resource_attribute(t: &Template, res: CfnResource, key: &str, value: &Json) -> Edit {
    set_key(t, res.body(), key, value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Document, Parsers};
    use crate::fix::apply_edits;
    use serde_json::json;

    fn template(path: &str, text: &str) -> Template {
        let mut doc = Document::new(path, text, 0).unwrap();
        doc.parse_fully(&mut Parsers::new());
        Template::from_document(&doc).unwrap()
    }

    fn apply(path: &str, text: &str, f: impl Fn(&Template) -> Edit) -> String {
        let t = template(path, text);
        let out = apply_edits(text, &[f(&t)]);
        // The result is still a template that parses without errors.
        let mut doc = Document::new(path, &out, 0).unwrap();
        doc.parse_fully(&mut Parsers::new());
        assert!(!doc.tree().unwrap().root_node().has_error(), "{out}");
        out
    }

    /// Found by `tests/fix_safety.rs` on KICS fixtures: a value replaced in place broke the YAML.
    #[test]
    fn replaced_values_stay_after_their_key() {
        // An empty `Properties:` (a missing value is an empty range right after the colon).
        let text = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n---\nResources:\n  C:\n    Type: AWS::S3::Bucket\n";
        let out = apply("t.yaml", text, |t| {
            let r = t.resources().next().unwrap();
            set_property(t, r, "VersioningConfiguration", &json!({"Status": "Enabled"}))
        });
        assert!(out.contains("    Properties: {VersioningConfiguration: {Status: Enabled}}\n---\n"), "{out}");
        // A block sequence as indented as its key, replaced by a flow value.
        let text = "Resources:\n  L:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n      DefaultActions:\n      - Type: forward\n      Port: 80\n";
        let out = apply("t.yaml", text, |t| {
            let r = t.resources().next().unwrap();
            let props = r.properties.unwrap();
            replace_value(t, props.get("DefaultActions").unwrap(), &json!([{"Type": "redirect"}]))
        });
        assert!(out.contains("      DefaultActions: [{Type: redirect}]\n      Port: 80\n"), "{out}");
    }

    #[test]
    fn yaml_block_properties() {
        let text = "Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: mysql\n      StorageEncrypted: false\n";
        let out = apply("t.yaml", text, |t| {
            let r = t.resources().next().unwrap();
            set_property(t, r, "StorageEncrypted", &json!(true))
        });
        assert!(out.contains("      StorageEncrypted: true\n"), "{out}");
        let out = apply("t.yaml", text, |t| {
            let r = t.resources().next().unwrap();
            set_property(t, r, "BackupRetentionPeriod", &json!(7))
        });
        assert!(out.ends_with("      StorageEncrypted: false\n      BackupRetentionPeriod: 7\n"), "{out}");
        let text2 = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n";
        let out = apply("t.yaml", text2, |t| {
            let r = t.resources().next().unwrap();
            set_property(
                t,
                r,
                "PublicAccessBlockConfiguration",
                &json!({"BlockPublicAcls": true, "BlockPublicPolicy": true}),
            )
        });
        assert_eq!(out, "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      PublicAccessBlockConfiguration:\n        BlockPublicAcls: true\n        BlockPublicPolicy: true\n");
    }

    #[test]
    fn yaml_flow_and_json() {
        let text = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: x}\n";
        let out = apply("t.yaml", text, |t| {
            set_property(t, t.resources().next().unwrap(), "AccessControl", &json!("Private"))
        });
        assert!(out.contains("{BucketName: x, AccessControl: Private}"), "{out}");
        let json = "{\n  \"Resources\": {\n    \"B\": {\n      \"Type\": \"AWS::S3::Bucket\",\n      \"Properties\": {\n        \"BucketName\": \"x\"\n      }\n    }\n  }\n}\n";
        let out = apply("t.json", json, |t| {
            set_property(t, t.resources().next().unwrap(), "VersioningConfiguration", &json!({"Status": "Enabled"}))
        });
        assert!(out.contains("\"BucketName\": \"x\",\n        \"VersioningConfiguration\": {\n          \"Status\": \"Enabled\"\n        }\n      }"), "{out}");
        let json2 = "{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\"}}}";
        apply("t.json", json2, |t| set_property(t, t.resources().next().unwrap(), "AccessControl", &json!("Private")));
    }
}
