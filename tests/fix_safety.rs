//! Fix safety: every quick-fix onus offers (the secure-setting fixes and the "Suppress RULE" edits) on every
//! KICS positive fixture (`../shared/corpus/kics`) and every file of the real-world corpus
//! (`../shared/corpus/real`) is applied, and the result must
//! - keep every byte outside the edits: the edits are in bounds, on character boundaries, do not overlap, and
//!   survive the round trip through LSP positions (UTF-16 and UTF-8) unchanged, so a client applying them
//!   touches nothing else;
//! - parse without new syntax errors;
//! - no longer raise the finding it fixed (on the same resource).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use onus_analysis::fix::{apply_edits, Fix};
use onus_analysis::text::{range_at, text_range_of};
use onus_analysis::{PositionEncoding, Workspace};
use ropey::Rope;

/// `shared/corpus` beside the checkout (or beside one of its parents: worktrees sit deeper), which CI has;
/// `None`, with a note, on a fresh clone.
fn corpus() -> Option<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found =
        here.ancestors().map(|a| a.join("shared/corpus")).find(|p| p.join("kics").is_dir() && p.join("real").is_dir());
    if found.is_none() {
        // Past the test harness's capture of `eprintln!`: a skip is seen in every run.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            b"note: skipped, ../shared/corpus (which CI has) is not beside the checkout\n",
        );
    }
    found
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let Ok(meta) = std::fs::symlink_metadata(&p) else { continue };
        if meta.is_dir() {
            files_under(&p, out);
        } else if meta.is_file() {
            out.push(p);
        }
    }
}

fn analysed(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    [".tf", ".tfvars", ".yaml", ".yml", ".json", ".template"].iter().any(|e| name.ends_with(e))
        && !name.contains("expected_result")
        && name != "metadata.json"
}

/// Groups of files analysed together: a real Terraform module (a folder) or a single file (a KICS fixture, each
/// its own module; a template). Paths inside the workspace are virtual, so that fixtures never see each other.
fn units(root: &Path) -> Vec<Vec<(String, String)>> {
    let mut units = Vec::new();
    let mut kics = Vec::new();
    files_under(&root.join("kics"), &mut kics);
    for (i, p) in kics.iter().enumerate() {
        let name = p.file_name().unwrap().to_string_lossy();
        if !name.starts_with("positive") || !analysed(p) {
            continue;
        }
        if let Ok(text) = std::fs::read_to_string(p) {
            units.push(vec![(format!("/kics/{i}/{name}"), text)]);
        }
    }
    let mut real = Vec::new();
    files_under(&root.join("real"), &mut real);
    let mut folders: BTreeMap<PathBuf, Vec<(String, String)>> = BTreeMap::new();
    for p in real.iter().filter(|p| analysed(p)) {
        let Ok(text) = std::fs::read_to_string(p) else { continue };
        let path = format!("/real/{}", p.strip_prefix(root).unwrap().display());
        let terraform = path.ends_with(".tf") || path.ends_with(".tfvars");
        if terraform {
            folders.entry(p.parent().unwrap().to_path_buf()).or_default().push((path, text));
        } else {
            units.push(vec![(path, text)]);
        }
    }
    units.extend(folders.into_values());
    units
}

fn workspace(files: &[(String, String)]) -> Workspace {
    let mut ws = Workspace::new(onus_analysis::catalog::rules());
    ws.set_today(onus_analysis::date::Date { year: 2026, month: 1, day: 1 });
    for (path, text) in files {
        ws.add_disk_file(path, text);
    }
    ws
}

fn syntax_errors(d: &[onus_analysis::Diagnostic]) -> usize {
    d.iter().filter(|d| d.code == "syntax-error").count()
}

/// Checks one fix of `path`; returns a description of what is wrong.
fn check_fix(
    ws: &mut Workspace,
    path: &str,
    text: &str,
    fix: &Fix,
    finding: &onus_analysis::Diagnostic,
    errors_before: usize,
) -> Result<(), String> {
    let rule = finding.code;
    let resource_start = finding.resource.map_or(0, |r| r.start);
    let rope = Rope::from_str(text);
    let mut edits: Vec<_> = fix.edits.iter().collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut at = 0;
    for e in &edits {
        let r = e.range;
        if r.start > r.end || r.end > text.len() || !text.is_char_boundary(r.start) || !text.is_char_boundary(r.end) {
            return Err(format!("edit {r:?} is out of bounds or inside a character"));
        }
        if r.start < at {
            return Err(format!("edits overlap at {r:?}"));
        }
        at = r.end;
        for enc in [PositionEncoding::Utf16, PositionEncoding::Utf8] {
            let back = text_range_of(&rope, range_at(&rope, r, enc), enc);
            if back != r {
                return Err(format!("edit {r:?} becomes {back:?} through LSP positions ({enc:?})"));
            }
        }
    }
    let fixed = apply_edits(text, &fix.edits);
    // Every byte outside the edits, in order, is unchanged.
    let (mut old, mut new) = (0, 0);
    for e in &edits {
        let keep = &text[old..e.range.start];
        if fixed.get(new..new + keep.len()) != Some(keep) {
            return Err(format!("text before {:?} changed", e.range));
        }
        new += keep.len() + e.text.len();
        old = e.range.end;
    }
    if fixed.get(new..) != Some(&text[old..]) {
        return Err("text after the last edit changed".into());
    }
    ws.open(path, &fixed, 2);
    let after = ws.diagnostics(path);
    ws.close(path, Some(text));
    if syntax_errors(&after) > errors_before {
        let e = after.iter().find(|d| d.code == "syntax-error").unwrap();
        return Err(format!("new syntax error: {} at {:?}", e.message, e.range));
    }
    // Where the resource starts after the edits.
    let shift: isize = edits
        .iter()
        .filter(|e| e.range.end <= resource_start)
        .map(|e| e.text.len() as isize - e.range.len() as isize)
        .sum();
    let moved = (resource_start as isize + shift) as usize;
    let finding_shift: isize = edits
        .iter()
        .filter(|e| e.range.end <= finding.range.start)
        .map(|e| e.text.len() as isize - e.range.len() as isize)
        .sum();
    let finding_moved = (finding.range.start as isize + finding_shift) as usize;
    // The same finding: rule, resource, message and place (a rule may raise several on one resource).
    let same = |d: &&onus_analysis::Diagnostic| {
        d.code == rule
            && d.message == finding.message
            && d.resource.is_some_and(|r| r.start == moved)
            && d.range.start == finding_moved
    };
    if let Some(d) = after.iter().find(same) {
        return Err(format!("still raised after the fix: {} at {:?}", d.message, d.range));
    }
    Ok(())
}

#[test]
fn every_quick_fix_is_safe() {
    let Some(root) = corpus() else { return };
    let units = units(&root);
    assert!(units.len() > 1000, "the corpus looks incomplete: {} units", units.len());
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).min(4);
    let chunks: Vec<Vec<Vec<(String, String)>>> =
        (0..threads).map(|t| units.iter().skip(t).step_by(threads).cloned().collect()).collect();
    let results: Vec<(usize, Vec<String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                std::thread::Builder::new()
                    .stack_size(64 * 1024 * 1024)
                    .spawn_scoped(s, move || run_units(&chunk))
                    .unwrap()
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let applied: usize = results.iter().map(|r| r.0).sum();
    let failures: Vec<&String> = results.iter().flat_map(|r| &r.1).collect();
    eprintln!("fix safety: {applied} fixes applied over {} files or modules", units.len());
    assert!(applied > 1000, "too few fixes exercised: {applied}");
    assert!(
        failures.is_empty(),
        "{} unsafe fixes:\n{}",
        failures.len(),
        failures.iter().take(40).map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
    );
}

fn run_units(units: &[Vec<(String, String)>]) -> (usize, Vec<String>) {
    let mut applied = 0;
    let mut failures = Vec::new();
    for files in units {
        let mut ws = workspace(files);
        for (path, text) in files {
            let report = ws.report(path);
            let errors_before = syntax_errors(&report.diagnostics);
            for d in &report.diagnostics {
                let Some(resource) = d.resource else { continue };
                let suppression = ws.suppression_fix(path, d);
                for fix in d.fixes.iter().chain(&suppression) {
                    applied += 1;
                    let _ = resource;
                    if let Err(why) = check_fix(&mut ws, path, text, fix, d, errors_before) {
                        failures.push(format!("{path}: {} `{}`: {why}", d.code, fix.title));
                    }
                }
            }
            // Fix all (`onus check --fix`, `source.fixAll.onus`): every safe fix at once parses and leaves fewer
            // findings.
            let (edits, count) = onus_analysis::fix::safe_fixes(report.diagnostics.iter().flat_map(|d| &d.fixes));
            if count > 0 {
                applied += 1;
                let fixed = apply_edits(text, &edits);
                ws.open(path, &fixed, 2);
                let after = ws.diagnostics(path);
                ws.close(path, Some(text));
                if syntax_errors(&after) > errors_before {
                    failures.push(format!("{path}: fix all ({count} fixes) makes a syntax error"));
                }
                // Each finding whose fix was made is gone (found where the edits moved it, with its message).
                let shift = |offset: usize| -> usize {
                    let by: isize = edits
                        .iter()
                        .filter(|e| e.range.end <= offset)
                        .map(|e| e.text.len() as isize - e.range.len() as isize)
                        .sum();
                    (offset as isize + by) as usize
                };
                let made = |d: &&onus_analysis::Diagnostic| {
                    d.fixes
                        .iter()
                        .filter(|f| onus_analysis::fix::is_safe(f))
                        .any(|f| !f.edits.is_empty() && f.edits.iter().all(|e| edits.contains(e)))
                };
                for d in report.diagnostics.iter().filter(made) {
                    let (resource, at) = (d.resource.map(|r| shift(r.start)), shift(d.range.start));
                    let still = after.iter().any(|a| {
                        a.code == d.code
                            && a.message == d.message
                            && a.resource.map(|r| r.start) == resource
                            && a.range.start == at
                    });
                    if still {
                        failures.push(format!("{path}: fix all leaves {} ({})", d.code, d.message));
                    }
                }
            }
        }
    }
    (applied, failures)
}
