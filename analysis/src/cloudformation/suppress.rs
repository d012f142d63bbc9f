//! Suppressions in templates: a resource's `Metadata`.
//!
//! - `Metadata: {onus: {ignore: [RULE-ID]}}` silences those rules for the resource; one that silences nothing is
//!   reported (hint).
//! - `Metadata: {checkov: {skip: [{id: CKV_AWS_20, comment: ...}]}}` silences the rules equivalent to that check.

use serde_json::json;

use super::edit;
use super::tree::{Node, NodeKind};
use super::{CfnResource, Template};
use crate::fix::Fix;
use crate::suppress::{Matcher, Suppression};

fn strings(node: &Node) -> Vec<(&str, &Node)> {
    match &node.kind {
        NodeKind::String(s) => vec![(s.as_str(), node)],
        NodeKind::List(items) => items.iter().filter_map(|i| Some((i.as_str()?, i))).collect(),
        _ => Vec::new(),
    }
}

/// The suppressions written in a template's resources.
pub fn suppressions(t: &Template) -> Vec<Suppression> {
    let mut out = Vec::new();
    for res in t.resources() {
        let Some(meta) = res.get("Metadata") else { continue };
        let target = res.entry.range;
        if let Some(ignore) = meta.get("onus").and_then(|o| o.get("ignore")) {
            for (id, node) in strings(ignore) {
                out.push(Suppression { comment: node.range, matcher: Matcher::Onus(vec![id.to_string()]), target });
            }
        }
        if let Some(skip) = meta.get("checkov").and_then(|c| c.get("skip")) {
            for item in skip.items() {
                if let Some(id) = item.get("id").and_then(Node::as_str) {
                    out.push(Suppression { comment: item.range, matcher: Matcher::Checkov(id.to_string()), target });
                }
            }
        }
    }
    out
}

/// The edit that silences `rule` for `res`: `Metadata: {onus: {ignore: [RULE]}}`, when the resource's metadata
/// has no onus entry yet.
pub fn suppress_fix(t: &Template, res: CfnResource, ids: &[&str]) -> Option<Fix> {
    let entry = match res.get("Metadata") {
        None => edit::set_key(t, res.body(), "Metadata", &json!({"onus": {"ignore": ids}})),
        Some(meta) if meta.get("onus").is_none() && matches!(meta.kind, NodeKind::Map(ref e) if !e.is_empty()) => {
            edit::set_key(t, meta, "onus", &json!({"ignore": ids}))
        }
        Some(_) => return None,
    };
    Some(Fix::unsafe_(format!("Suppress {} for this resource", ids.join(", ")), vec![entry]))
}
