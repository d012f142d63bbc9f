//! Module calls: where a `module` block's source is, the arguments it gives the module, and what the module
//! gives back (its outputs). The workspace analyses each call of a local module as an instance of it (see
//! [`crate::workspace`]); this is the part that needs no files.

use std::collections::BTreeMap;

use super::model::{Block, Expr, ExprKind, Step};
use super::{Module, TfFile};
use crate::fast_hash::FastMap;
use crate::text::TextRange;
use crate::value::Value;

/// Arguments of a `module` block that are Terraform's, not the module's variables.
const META_ARGUMENTS: [&str; 6] = ["source", "version", "count", "for_each", "providers", "depends_on"];

/// A module call's source, as written: a local path (`./modules/x`, `../..`), or another kind (registry, git)
/// with its text.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    Local(String),
    Remote(String),
}

/// The source of a `module` block, with the range of its `source` attribute (where diagnostics about it go).
pub fn source_of(call: &Block) -> Option<(Source, TextRange)> {
    let attr = call.attr("source")?;
    let text = attr.expr.as_literal_str()?;
    let source = if text.starts_with("./") || text.starts_with("../") || text == "." || text == ".." {
        Source::Local(text.to_string())
    } else {
        Source::Remote(text.to_string())
    };
    Some((source, attr.range))
}

/// `folder` joined with the relative path `rel`, `.` and `..` resolved (`/w/envs/prod` + `../../modules/a` is
/// `/w/modules/a`). `None` when `..` climbs above the path's root.
pub fn join(folder: &str, rel: &str) -> Option<String> {
    let sep = if folder.contains('\\') && !folder.contains('/') { '\\' } else { '/' };
    let absolute = folder.starts_with(['/', '\\']);
    let mut parts: Vec<&str> = folder.split(['/', '\\']).filter(|p| !p.is_empty() && *p != ".").collect();
    for part in rel.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                // A relative folder may climb above itself (`..` of `.`): kept.
                _ if !absolute => parts.push(".."),
                _ => return None,
            },
            other => parts.push(other),
        }
    }
    let joined = parts.join(&sep.to_string());
    // A folder written from `.` (`./envs`, as a walk from `.` writes paths) keeps its `./`, so that the folders
    // of the paths found compare equal.
    let dotted = folder == "." || folder.starts_with("./") || folder.starts_with(".\\");
    Some(if absolute {
        format!("{sep}{joined}")
    } else if joined.is_empty() {
        ".".to_string()
    } else if dotted && !joined.starts_with("..") {
        format!(".{sep}{joined}")
    } else {
        joined
    })
}

/// Whether `path` is `root` or inside it. A root of `.` (or empty) is the current directory: every relative
/// path that does not climb out of it.
pub fn is_inside(path: &str, root: &str) -> bool {
    if root.is_empty() || root == "." {
        let relative = !path.starts_with(['/', '\\']) && !path.contains(':');
        return relative && path != ".." && !path.starts_with("../") && !path.starts_with("..\\");
    }
    let root = root.trim_end_matches(['/', '\\']);
    path == root || (path.starts_with(root) && path[root.len()..].starts_with(['/', '\\']))
}

/// The arguments a call gives its module, evaluated in the caller (`call` is the block, or one instance of
/// it), by variable name.
pub fn arguments(module: &Module, call: &Block) -> FastMap<String, Value> {
    call.attributes
        .iter()
        .filter(|a| !META_ARGUMENTS.contains(&a.name.as_str()))
        .map(|a| (a.name.clone(), module.scope.eval(&a.expr)))
        .collect()
}

/// What a module gives back: its outputs' values, by name.
pub fn outputs(module: &Module) -> Value {
    let mut out = BTreeMap::new();
    for (_, block) in module.blocks("output") {
        let (Some(name), Some(value)) = (block.label(0), block.attr("value")) else { continue };
        out.insert(name.to_string(), module.scope.eval(&value.expr));
    }
    Value::Map(out)
}

/// The names of the modules (`module.<name>`) an expression reads.
pub fn modules_read(block: &Block) -> Vec<String> {
    let mut out = Vec::new();
    for a in &block.attributes {
        walk(&a.expr, &mut |root, steps| {
            if root == "module" {
                if let Some(Step::Attr(name)) = steps.first() {
                    out.push(name.clone());
                }
            }
        });
    }
    out.sort();
    out.dedup();
    out
}

/// The variables (`var.<name>`) read by the attribute of `file` that holds `range` (the attribute a finding
/// is about): the arguments of a call that decide it.
pub fn variables_at(file: &TfFile, range: TextRange) -> Vec<String> {
    fn in_block(block: &Block, range: TextRange, out: &mut Vec<String>) {
        for a in &block.attributes {
            if a.range.start <= range.start && range.end <= a.range.end {
                walk(&a.expr, &mut |root, steps| {
                    if let ("var", Some(Step::Attr(name))) = (root, steps.first()) {
                        out.push(name.clone());
                    }
                });
            }
        }
        for b in &block.blocks {
            if b.range.start <= range.start && range.end <= b.range.end {
                in_block(b, range, out);
            }
        }
    }
    let mut out = Vec::new();
    for b in &file.blocks {
        if b.range.start <= range.start && range.end <= b.range.end {
            in_block(b, range, &mut out);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The variables (`var.<name>`) an expression reads.
pub fn variables_in(expr: &Expr) -> Vec<String> {
    let mut out = Vec::new();
    walk(expr, &mut |root, steps| {
        if let ("var", Some(Step::Attr(name))) = (root, steps.first()) {
            out.push(name.clone());
        }
    });
    out.sort();
    out.dedup();
    out
}

/// The variable an expression is, when it is exactly `var.<name>` (a fix replacing it can be written at the
/// call instead).
pub fn plain_variable(expr: &Expr) -> Option<&str> {
    match &expr.kind {
        ExprKind::Traversal(root, steps) if root == "var" => match steps.as_slice() {
            [Step::Attr(name)] => Some(name),
            _ => None,
        },
        _ => None,
    }
}

/// Calls `f` on every traversal (root and steps) in `expr`.
fn walk(expr: &Expr, f: &mut dyn FnMut(&str, &[Step])) {
    expr.visit(&mut |e| {
        if let ExprKind::Traversal(root, steps) = &e.kind {
            f(root, steps);
        }
    });
}

/// The folder of a registry or git module `terraform init` downloaded, from `.terraform/modules/modules.json`
/// (`{"Modules": [{"Key": "vpc", "Source": "...", "Dir": ".terraform/modules/vpc"}]}`): by the call's key
/// (`vpc`, or `vpc.subnets` for a call inside it), relative to the root module's folder.
pub fn manifest_dirs(json: &str) -> Result<FastMap<String, String>, String> {
    let v: serde_json::Value = serde_json::from_str(json).map_err(|e| format!("not JSON: {e}"))?;
    let modules = v.get("Modules").and_then(|m| m.as_array()).ok_or("no `Modules` list")?;
    let mut out = FastMap::default();
    for m in modules {
        let (Some(key), Some(dir)) = (m.get("Key").and_then(|k| k.as_str()), m.get("Dir").and_then(|d| d.as_str()))
        else {
            continue;
        };
        if !key.is_empty() {
            out.insert(key.to_string(), dir.to_string());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_resolve_against_the_caller_s_folder() {
        assert_eq!(join("/w/envs/prod", "../../modules/a").as_deref(), Some("/w/modules/a"));
        assert_eq!(join("/w", "./modules/a/").as_deref(), Some("/w/modules/a"));
        assert_eq!(join("/w/examples/complete", "../..").as_deref(), Some("/w"));
        assert_eq!(join("/w", "../../../etc").as_deref(), None);
        assert_eq!(join("envs", "../modules/a").as_deref(), Some("modules/a"));
        assert_eq!(join(".", "..").as_deref(), Some(".."));
        assert_eq!(join(".", "./modules/a").as_deref(), Some("./modules/a"));
        assert_eq!(join("./envs/prod", "../../modules/a").as_deref(), Some("./modules/a"));
        assert_eq!(join(".", "./modules/a").as_deref(), Some("./modules/a"));
        assert_eq!(join("./envs/prod", "../../modules/a").as_deref(), Some("./modules/a"));
        assert!(is_inside("/w/modules/a", "/w"));
        assert!(is_inside("/w", "/w/"));
        assert!(!is_inside("/work", "/w"));
        assert!(is_inside("examples/a", "."));
        assert!(!is_inside("../outside", "."));
        assert!(!is_inside("/etc", "."));
    }

    #[test]
    fn the_module_manifest_maps_keys_to_folders() {
        let dirs = manifest_dirs(r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"vpc","Source":"registry.terraform.io/terraform-aws-modules/vpc/aws","Version":"5.0.0","Dir":".terraform/modules/vpc"}]}"#).unwrap();
        assert_eq!(dirs.get("vpc").map(String::as_str), Some(".terraform/modules/vpc"));
        assert_eq!(dirs.len(), 1);
        assert!(manifest_dirs("{").is_err());
    }
}
