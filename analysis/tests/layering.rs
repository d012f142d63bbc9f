//! The layering the crate's layout shows, held: the engine (documents, models, evaluators, findings,
//! suppressions, the workspace) never imports the rule kit or the rule sources (the catalog, and the
//! organisation's policies of `org_policy.rs`, which build their rules with the kit); neither the kit nor the
//! policies import the catalog; and a rule imports no other service's folder (what two services share belongs
//! in the kit).
//!
//! Test code is exempt (an engine test may run real rules); so is `fuzzing.rs`, the fuzz targets' harness.

use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// A file's code without its tests (from the first `#[cfg(test)]` on) and without comments.
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    code.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
}

fn relative(path: &Path) -> String {
    path.strip_prefix(src()).unwrap().to_string_lossy().replace('\\', "/")
}

#[test]
fn the_engine_imports_neither_the_kit_nor_the_catalog() {
    let mut offences = Vec::new();
    for path in rust_files(&src()) {
        let rel = relative(&path);
        let sources = rel.starts_with("catalog/") || rel == "org_policy.rs";
        if sources || rel.starts_with("kit/") || rel == "fuzzing.rs" || rel == "lib.rs" {
            continue;
        }
        let code = code_of(&path);
        for layer in ["crate::catalog", "crate::kit", "crate::org_policy"] {
            if code.contains(layer) {
                offences.push(format!("{rel} uses {layer}"));
            }
        }
    }
    assert!(offences.is_empty(), "{offences:#?}");
}

#[test]
fn the_kit_does_not_import_the_catalog() {
    let offences: Vec<String> = rust_files(&src().join("kit"))
        .iter()
        .chain([src().join("org_policy.rs")].iter())
        .filter(|p| code_of(p).contains("crate::catalog"))
        .map(|p| relative(p))
        .collect();
    assert!(offences.is_empty(), "{offences:#?}");
}

#[test]
fn rules_import_no_other_service_and_service_folders_hold_only_rules() {
    let catalog = src().join("catalog");
    let mut offences = Vec::new();
    for path in rust_files(&catalog) {
        let rel = relative(&path);
        let parts: Vec<&str> = rel.split('/').collect();
        let [_, service, file] = parts.as_slice() else { continue };
        let code = code_of(&path);
        for (i, _) in code.match_indices("crate::catalog::") {
            let other = code[i + "crate::catalog::".len()..].split(|c: char| !c.is_alphanumeric() && c != '_').next();
            if other != Some(service) {
                offences.push(format!("{rel} uses crate::catalog::{}", other.unwrap_or("")));
            }
        }
        if code.contains("super::super") {
            offences.push(format!("{rel} reaches into another service through super::super"));
        }
        // A service's `mod.rs` lists its rules; every other file is one rule, with its `RULE`.
        if *file == "mod.rs" {
            if code.contains("fn ") {
                offences.push(format!("{rel} defines functions: shared matchers belong in the kit"));
            }
        } else if !code.contains("pub static RULE: Rule") {
            offences.push(format!("{rel} is not a rule (no `pub static RULE: Rule`)"));
        }
    }
    assert!(offences.is_empty(), "{offences:#?}");
}

/// Rules read nested blocks through the context (`ctx.nested`, `ctx.blocks_of`, `ctx.block_of`), which sees
/// `dynamic` blocks over known collections as the blocks they stand for, and none for an empty one. A block's
/// own `blocks`/`block` (as written) is for blocks that cannot be dynamic.
#[test]
fn rules_read_nested_blocks_through_the_context() {
    let cannot_be_dynamic = ["module", "provisioner", "required_providers", "terraform"];
    let mut offences = Vec::new();
    for dir in ["catalog", "kit"] {
        for path in rust_files(&src().join(dir)) {
            let code = code_of(&path);
            for (i, _) in code.match_indices(".nested(") {
                let before = code[..i].trim_end();
                if !before.ends_with("ctx") && !before.ends_with("self") {
                    offences.push(format!("{}: `.nested(` on a configuration, not the context", relative(&path)));
                }
            }
            for call in [".blocks(\"", ".block(\""] {
                for (i, _) in code.match_indices(call) {
                    let name = code[i + call.len()..].split('"').next().unwrap_or("");
                    if !cannot_be_dynamic.contains(&name) && !code[..i].trim_end().ends_with("ctx") {
                        offences.push(format!("{}: `{call}{name}\")` reads the block as written", relative(&path)));
                    }
                }
            }
        }
    }
    assert!(offences.is_empty(), "{offences:#?}");
}
