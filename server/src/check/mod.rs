//! `onus check [PATH...]`: the CLI for CI. Finds the files, reads them, analyses each module (a folder of
//! Terraform, or one template) with the same analysis the language server uses, in parallel, and prints.

mod output;
mod walk;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use onus_analysis::{text, Diagnostic, Severity, Workspace};

pub use output::{rules_json, Format};

/// A diagnostic with its place, ready to print.
#[derive(Clone, Debug)]
pub struct Report {
    /// The path as the user gave it (or as found under a directory they gave).
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub diagnostic: Diagnostic,
}

pub struct Options {
    pub paths: Vec<PathBuf>,
    pub format: Format,
    pub fail_on: Severity,
}

/// Runs the check and prints the results; returns the exit code (0 clean, 1 findings, 2 usage or I/O error).
pub fn run(options: &Options) -> i32 {
    let paths = if options.paths.is_empty() { vec![PathBuf::from(".")] } else { options.paths.clone() };
    let found = walk::files(&paths);
    let mut io_errors = found.errors.len();
    for e in &found.errors {
        eprintln!("onus: {e}");
    }
    let (reports, read_errors) = analyse(&found.files);
    io_errors += read_errors.len();
    for e in &read_errors {
        eprintln!("onus: {e}");
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if let Err(e) = output::write(&mut out, options.format, &reports) {
        eprintln!("onus: cannot write the results: {e}");
        return 2;
    }
    if io_errors > 0 {
        2
    } else if reports.iter().any(|r| r.diagnostic.severity >= options.fail_on) {
        1
    } else {
        0
    }
}

/// Reads and analyses `files`, grouped by folder so each Terraform module is analysed as one.
fn analyse(files: &[String]) -> (Vec<Report>, Vec<String>) {
    let mut groups: BTreeMap<&str, Vec<&String>> = BTreeMap::new();
    for f in files {
        groups.entry(onus_analysis::workspace::folder_of(f)).or_default().push(f);
    }
    let groups: Vec<Vec<&String>> = groups.into_values().collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = Mutex::new((Vec::new(), Vec::new()));
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).min(groups.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(group) = groups.get(i) else { break };
                let (reports, errors) = analyse_folder(group);
                let mut r = results.lock().unwrap_or_else(|e| e.into_inner());
                r.0.extend(reports);
                r.1.extend(errors);
            });
        }
    });
    let (mut reports, mut errors): (Vec<Report>, Vec<String>) = results.into_inner().unwrap_or_else(|e| e.into_inner());
    reports.sort_by(|a, b| {
        (&a.path, a.line, a.column, a.diagnostic.code).cmp(&(&b.path, b.line, b.column, b.diagnostic.code))
    });
    errors.sort();
    (reports, errors)
}

fn analyse_folder(files: &[&String]) -> (Vec<Report>, Vec<String>) {
    let mut ws = Workspace::new();
    let mut errors = Vec::new();
    let mut checked = Vec::new();
    for path in files {
        match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => {
                    if ws.add_disk_file(path, &text) {
                        checked.push(path.as_str());
                    }
                }
                Err(e) => {
                    errors.push(format!("{path}: not valid UTF-8 (byte {}); skipped", e.utf8_error().valid_up_to()))
                }
            },
            Err(e) => errors.push(format!("{path}: {e}")),
        }
    }
    let mut reports = Vec::new();
    let mut done = std::collections::HashSet::new();
    for path in checked {
        if done.contains(path) {
            continue;
        }
        for (p, diags) in ws.diagnostics_of_module(path) {
            let Some(doc) = ws.document(&p) else { continue };
            for d in diags {
                let (line, column) = text::line_col(doc.rope(), d.range.start);
                let (end_line, end_column) = text::line_col(doc.rope(), d.range.end);
                reports.push(Report { path: p.clone(), line, column, end_line, end_column, diagnostic: d });
            }
            done.insert(p);
        }
    }
    (reports, errors)
}
