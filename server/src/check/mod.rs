//! `onus check [PATH...]`: the CLI for CI. Finds the files, reads them, analyses each module (a folder of
//! Terraform, or one template) with the same analysis the language server uses, in parallel, and prints.

mod output;
mod walk;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Mutex;

use onus_analysis::config::{self, Config};
use onus_analysis::{text, Diagnostic, Severity, Workspace};

pub use output::{rules_json, Format};

/// A diagnostic with its place, ready to print.
#[derive(Clone, Debug)]
pub struct Report {
    /// The path as the user gave it (or as found under a directory they gave), shared by its file's reports.
    pub path: std::sync::Arc<str>,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// Whether the editor offers a quick-fix for it (the CLI does not keep the fixes themselves).
    pub has_fix: bool,
    pub diagnostic: Diagnostic,
}

pub struct Options {
    pub paths: Vec<PathBuf>,
    pub format: Format,
    pub fail_on: Severity,
    /// `.onus.toml` to use; by default the one in the current directory, if any.
    pub config: Option<PathBuf>,
    pub summary: bool,
}

/// What the analysis of all the files found.
#[derive(Default)]
pub struct Results {
    pub reports: Vec<Report>,
    /// Findings silenced by suppression comments.
    pub suppressed: Vec<Report>,
    /// The type of every resource checked.
    pub resource_types: Vec<String>,
    pub errors: Vec<String>,
}

/// Reads the configuration: the explicit one (an error if missing), or `.onus.toml` here if present.
fn load_config(explicit: Option<&PathBuf>) -> Result<Config, String> {
    let path = match explicit {
        Some(p) => p.clone(),
        None => PathBuf::from(config::FILE_NAME),
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(_) if explicit.is_none() => return Ok(Config::default()),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let root = path.parent().map(|p| p.to_string_lossy().into_owned()).filter(|p| !p.is_empty());
    let (config, errors) = Config::parse(&text, root.as_deref().unwrap_or("."), onus_analysis::catalog::rules());
    let lines = text::LineIndex::new(&text);
    for e in errors {
        let (line, col) = lines.line_col(e.range.start);
        eprintln!("{}:{line}:{col}: error config-error {}", path.display(), e.message);
    }
    Ok(config)
}

/// Runs the check and prints the results; returns the exit code (0 clean, 1 findings, 2 usage or I/O error).
pub fn run(options: &Options) -> i32 {
    let config = match load_config(options.config.as_ref()) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("onus: {e}");
            return 2;
        }
    };
    let paths = if options.paths.is_empty() { vec![PathBuf::from(".")] } else { options.paths.clone() };
    let found = walk::files(&paths);
    let mut results = analyse(&found.files, &config);
    results.errors.extend(found.errors);
    for e in &results.errors {
        eprintln!("onus: {e}");
    }
    // Buffered: stdout is line-buffered, and a large module's JSON is millions of lines.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = output::write(&mut out, options.format, &results.reports)
        .and_then(|_| if options.summary { output::summary(&mut out, options.format, &results) } else { Ok(()) })
        .and_then(|_| out.flush());
    let code = if written.is_err() || !results.errors.is_empty() {
        2
    } else if results.reports.iter().any(|r| r.diagnostic.severity >= options.fail_on) {
        1
    } else {
        0
    };
    if let Err(e) = written {
        eprintln!("onus: cannot write the results: {e}");
    }
    // The process ends here: freeing a large module's findings one by one would only cost time.
    std::mem::forget(results);
    code
}

/// Reads and analyses `files`, grouped by folder so each Terraform module is analysed as one.
fn analyse(files: &[String], config: &Config) -> Results {
    let mut groups: BTreeMap<&str, Vec<&String>> = BTreeMap::new();
    for f in files {
        groups.entry(onus_analysis::workspace::folder_of(f)).or_default().push(f);
    }
    let groups: Vec<Vec<&String>> = groups.into_values().collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = Mutex::new(Results::default());
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).min(groups.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let worker = std::thread::Builder::new().stack_size(crate::lsp::WORKER_STACK_BYTES);
            let spawned = worker.spawn_scoped(scope, || loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(group) = groups.get(i) else { break };
                let folder = analyse_folder(group, config);
                let mut r = results.lock().unwrap_or_else(|e| e.into_inner());
                r.reports.extend(folder.reports);
                r.suppressed.extend(folder.suppressed);
                r.resource_types.extend(folder.resource_types);
                r.errors.extend(folder.errors);
            });
            spawned.expect("start a checker thread");
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    let key = |r: &Report| (r.path.clone(), r.line, r.column, r.diagnostic.code);
    results.reports.sort_by_key(key);
    results.errors.sort();
    results
}

/// Terraform analyses a folder as one module: when only some of its files were asked for, the others
/// (`.tf`, `terraform.tfvars`, `*.auto.tfvars`) are read as context, so `var.x` resolves as Terraform would.
fn load_module_context(ws: &mut Workspace, files: &[&String]) {
    let Some(first) = files.iter().find(|f| f.ends_with(".tf") || f.ends_with(".tfvars")) else { return };
    let folder = onus_analysis::workspace::folder_of(first);
    let dir = if folder.is_empty() { "." } else { folder };
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !(name.ends_with(".tf") || name.ends_with(".tfvars")) {
            continue;
        }
        let path = if folder.is_empty() { name } else { format!("{folder}/{name}") };
        if files.iter().any(|f| **f == path) || !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        if let Ok(text) = std::fs::read_to_string(entry.path()) {
            ws.add_disk_file(&path, &text);
        }
    }
}

fn analyse_folder(files: &[&String], config: &Config) -> Results {
    let mut ws = Workspace::new(onus_analysis::catalog::rules());
    // Findings are printed, never applied: no suppression edits to compute.
    ws.skip_suppression_edits();
    ws.analyse_each_module_once();
    ws.set_config(config.clone());
    ws.set_today(crate::today());
    let mut out = Results::default();
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
                    out.errors.push(format!("{path}: not valid UTF-8 (byte {}); skipped", e.utf8_error().valid_up_to()))
                }
            },
            Err(e) => out.errors.push(format!("{path}: {e}")),
        }
    }
    load_module_context(&mut ws, files);
    let mut done = std::collections::HashSet::new();
    for path in &checked {
        if done.contains(*path) {
            continue;
        }
        for (p, report) in ws.reports_of_module(path) {
            // Context files (siblings that were not asked for) inform the analysis but are not reported.
            if !checked.contains(&p.as_str()) {
                continue;
            }
            let Some(doc) = ws.document(&p) else { continue };
            let path: std::sync::Arc<str> = p.as_str().into();
            let text = doc.text();
            let lines = text::LineIndex::new(&text);
            let place = |mut d: Diagnostic| {
                let (line, column) = lines.line_col(d.range.start);
                let (end_line, end_column) = lines.line_col(d.range.end);
                let has_fix = !d.fixes.is_empty();
                (d.fixes, d.suppression) = (Vec::new(), None);
                Report { path: path.clone(), line, column, end_line, end_column, has_fix, diagnostic: d }
            };
            out.reports.extend(report.diagnostics.into_iter().map(place));
            out.suppressed.extend(report.suppressed.into_iter().map(place));
            out.resource_types.extend(ws.resources(&p).into_iter().map(|r| r.ty));
            done.insert(p);
        }
    }
    // Freeing a large module's model takes a while: on another thread, while the results are printed.
    std::thread::spawn(move || drop(ws));
    out
}
