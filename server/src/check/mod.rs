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

pub use output::{rules_json, Color, Format};

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
    /// Where each of the diagnostic's folded findings (`also`) is: line, column, end line, end column.
    pub also_at: Vec<[usize; 4]>,
    /// What a baseline knows the finding by (its path as shown; see [`onus_analysis::baseline`]).
    pub identity: onus_analysis::baseline::Identity,
}

impl Report {
    /// The report of `d`, found in `text` (indexed by `lines`) of the file shown as `path`.
    fn at(path: std::sync::Arc<str>, text: &str, lines: &text::LineIndex, d: Diagnostic, has_fix: bool) -> Report {
        let (line, column) = lines.line_col(d.range.start);
        let (end_line, end_column) = lines.line_col(d.range.end);
        let also_at = also_at(lines, &d);
        let identity = onus_analysis::baseline::Identity::of(&path, text, &d);
        Report { path, line, column, end_line, end_column, has_fix, diagnostic: d, also_at, identity }
    }

    /// The rules the finding stands for: its own, and those folded into it.
    pub fn rules(&self) -> Vec<&'static str> {
        let d = &self.diagnostic;
        d.rule.iter().map(|rule| rule.id).chain(d.also.iter().map(|a| a.rule.id)).collect()
    }
}

/// The places of a diagnostic's folded findings.
fn also_at(lines: &text::LineIndex, d: &Diagnostic) -> Vec<[usize; 4]> {
    let at = |r: onus_analysis::TextRange| {
        let (line, column) = lines.line_col(r.start);
        let (end_line, end_column) = lines.line_col(r.end);
        [line, column, end_line, end_column]
    };
    d.also.iter().map(|a| at(a.range)).collect()
}

#[derive(Clone, clap::Args)]
pub struct Options {
    /// Files or directories; the current directory if none; `-` for a text on stdin.
    pub paths: Vec<PathBuf>,
    /// Write every safe fix (the secure value of a setting) into the files, then report what is left.
    #[arg(long)]
    pub fix: bool,
    /// Print every safe fix as a unified diff instead of writing it (exit 1 when there is one).
    #[arg(long)]
    pub diff: bool,
    /// With `-`: the path the text on stdin stands for (its module's other files are read from disk).
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Exit with 1 when a finding is at least this severe.
    #[arg(long, value_enum, default_value = "low")]
    pub fail_on: FailOn,
    /// The configuration file (default: `.onus.toml` in the current directory, if there is one).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// End with the responsibility table: per customer duty, resources checked, findings open and suppressed.
    #[arg(long)]
    pub summary: bool,
    /// Rules to leave out: comma-separated onus ids, peers' ids (`CKV_AWS_20`) or globs (`s3-*`).
    #[arg(long, value_name = "RULES")]
    pub skip: Option<String>,
    /// Only these rules (same forms as `--skip`).
    #[arg(long, value_name = "RULES")]
    pub only: Option<String>,
    /// Only the rules of this framework's controls: cis-aws-3.0 (or 1.5, 2.0, 4.0), aws-fsbp. With `--summary`,
    /// one line per control: met, open, or why it is not judged.
    #[arg(long, value_name = "FRAMEWORK")]
    pub framework: Option<String>,
    /// Write the findings to FILE as a baseline (for `--baseline`), and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub create_baseline: Option<PathBuf>,
    /// Report (and fail on) only the findings FILE, made by `--create-baseline`, does not hold. A finding is
    /// known by its rule, file, resource and the text it points at, not by its line.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// With `--framework`: also judge the controls about the whole account (a multi-region trail, a Config
    /// recorder), as if the paths held the account's whole configuration.
    #[arg(long)]
    pub account_wide: bool,
    /// Colour the text output: `auto` when stdout is a terminal and `NO_COLOR` is not set.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: Color,
    /// A variable definitions file (`.tfvars` or `.tfvars.json`) for the root modules, as `terraform plan
    /// -var-file`; repeatable, applied in order after the modules' own tfvars files.
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// A variable's value for the root modules, as `terraform plan -var`; repeatable, applied after the files.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Where the rule pages are published (`onus docs --out DIR` writes them): SARIF rules then carry
    /// `helpUri` = `<URL><rule-id>.md`, which code-scanning tools link to.
    #[arg(long, value_name = "URL", value_parser = docs_base_url)]
    pub docs_base_url: Option<String>,
}

/// `--docs-base-url`: an absolute URL, ending in `/` so that a rule's page is the base joined with its file name.
fn docs_base_url(text: &str) -> Result<String, String> {
    let url = tower_lsp::lsp_types::Url::parse(text).map_err(|e| format!("not an absolute URL: {e}"))?;
    let url = url.as_str();
    Ok(if url.ends_with('/') { url.to_string() } else { format!("{url}/") })
}

/// `--fail-on`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Low,
    Medium,
    High,
    Critical,
}

impl FailOn {
    pub fn severity(self) -> Severity {
        match self {
            FailOn::Low => Severity::Low,
            FailOn::Medium => Severity::Medium,
            FailOn::High => Severity::High,
            FailOn::Critical => Severity::Critical,
        }
    }
}

/// What the analysis of all the files found.
#[derive(Default)]
pub struct Results {
    pub reports: Vec<Report>,
    /// Findings silenced by suppression comments.
    pub suppressed: Vec<Report>,
    /// The type of every resource checked.
    pub resource_types: Vec<String>,
    /// The file of each resource of `resource_types`, in the same order.
    pub resource_paths: Vec<std::sync::Arc<str>>,
    pub errors: Vec<String>,
    /// The files onus analysed (a named file onus did not understand is an error).
    pub understood: Vec<String>,
}

impl Results {
    /// Adds what another part of the check found.
    fn absorb(&mut self, found: Results) {
        self.reports.extend(found.reports);
        self.suppressed.extend(found.suppressed);
        self.resource_types.extend(found.resource_types);
        self.resource_paths.extend(found.resource_paths);
        self.errors.extend(found.errors);
        self.understood.extend(found.understood);
    }
}

/// What every component's analysis is given: the workspace's roots (module sources are followed inside them)
/// and the values of root modules' variables from `--var-file` and `--var`.
pub struct Setup {
    /// `--fix`, `--diff`: findings keep their safe fixes.
    pub keep_fixes: bool,
    pub roots: Vec<String>,
    pub variables: onus_analysis::fast_hash::FastMap<String, onus_analysis::value::Value>,
}

/// The values `--var-file FILE` (in order) and then `--var NAME=VALUE` (in order) give, later ones winning.
fn variables(
    files: &[PathBuf],
    vars: &[String],
) -> Result<onus_analysis::fast_hash::FastMap<String, onus_analysis::value::Value>, String> {
    let mut out = onus_analysis::fast_hash::FastMap::default();
    for f in files {
        let shown = f.display();
        let text = std::fs::read_to_string(f).map_err(|e| format!("--var-file {shown}: {e}"))?;
        let json = f.to_string_lossy().ends_with(".json");
        let values =
            onus_analysis::terraform::tfvars_values(&text, json).map_err(|e| format!("--var-file {shown}: {e}"))?;
        out.extend(values);
    }
    for v in vars {
        let Some((name, value)) = v.split_once('=') else {
            return Err(format!("--var {v}: expected NAME=VALUE"));
        };
        let name = name.trim();
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-') {
            return Err(format!("--var {v}: `{name}` is not a variable name"));
        }
        out.insert(name.to_string(), onus_analysis::terraform::var_value(value));
    }
    Ok(out)
}

/// `--fix` and `--diff`: every safe fix of each file at once (see [`onus_analysis::fix::safe_fixes`]), written
/// to the files (then the check runs again and reports what is left), or printed as a unified diff (exit 1 when
/// there is one). Text read on stdin is printed fixed.
fn fix(options: &Options, results: &Results, stdin: Option<&(String, String)>) -> i32 {
    let mut by_file: BTreeMap<&str, Vec<&onus_analysis::fix::Fix>> = BTreeMap::new();
    for r in &results.reports {
        by_file.entry(&r.path).or_default().extend(&r.diagnostic.fixes);
    }
    let (mut fixed, mut files, mut failed) = (0, 0, false);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (path, fixes) in by_file {
        let (edits, count) = onus_analysis::fix::safe_fixes(fixes);
        let text = match stdin.filter(|(name, _)| name == path) {
            Some((_, text)) => Ok(text.clone()),
            None => std::fs::read_to_string(path),
        };
        let text = match text {
            Ok(text) => text,
            Err(e) => {
                eprintln!("onus: {path}: {e}");
                failed = true;
                continue;
            }
        };
        if count == 0 && stdin.is_none() {
            continue;
        }
        let written = if options.diff {
            out.write_all(onus_analysis::fix::unified_diff(path, &text, &edits).as_bytes())
        } else if stdin.is_some() {
            out.write_all(onus_analysis::fix::apply_edits(&text, &edits).as_bytes())
        } else {
            std::fs::write(path, onus_analysis::fix::apply_edits(&text, &edits))
        };
        if let Err(e) = written {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                eprintln!("onus: {path}: {e}");
                failed = true;
            }
            continue;
        }
        (fixed, files) = (fixed + count, files + usize::from(count > 0));
    }
    let _ = out.flush();
    drop(out);
    let s = |n: usize| if n == 1 { "" } else { "s" };
    if failed {
        return 2;
    }
    if options.diff {
        eprintln!("onus: {fixed} safe fix{} in {files} file{}", if fixed == 1 { "" } else { "es" }, s(files));
        return i32::from(fixed > 0);
    }
    if stdin.is_some() {
        return 0;
    }
    eprintln!("onus: fixed {fixed} finding{} in {files} file{}", s(fixed), s(files));
    // What is left, as a check reports it.
    run(&Options { fix: false, diff: false, ..options.clone() })
}

/// `path` (as shown, relative to the current folder or absolute) relative to the folder of the baseline `file`.
fn baseline_path(file: &std::path::Path, path: &str) -> String {
    let absolute = |p: &std::path::Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let folder = absolute(file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new(".")));
    let path = absolute(std::path::Path::new(path));
    // (`absolute` keeps `.` and `..` as written: compare their normal forms.)
    let normal = |p: &std::path::Path| -> PathBuf {
        p.components().filter(|c| !matches!(c, std::path::Component::CurDir)).collect()
    };
    let (folder, path) = (normal(&folder), normal(&path));
    let relative = path.strip_prefix(&folder).map(std::path::Path::to_path_buf).unwrap_or(path);
    onus_analysis::baseline::normalise_path(&relative.to_string_lossy())
}

fn write_report(file: &std::path::Path, options: &Options, results: &Results) -> i32 {
    use onus_analysis::report;
    let open: Vec<Vec<&str>> = results.reports.iter().map(Report::rules).collect();
    let suppressed: Vec<Vec<&str>> = results.suppressed.iter().map(Report::rules).collect();
    let framework = options.framework.as_deref().and_then(|key| framework_of(key).ok()).map(|f| {
        (f, f.judge(onus_analysis::catalog::rules(), &open, &suppressed, &results.resource_types, options.account_wide))
    });
    let title = options.paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" ");
    let input = report::Input {
        title: if title.is_empty() { "." } else { &title },
        date: Some(crate::today()),
        rules: onus_analysis::catalog::rules(),
        findings: results
            .reports
            .iter()
            .filter_map(|r| {
                Some(report::Finding {
                    path: &r.path,
                    line: r.line,
                    rule: r.diagnostic.rule?,
                    severity: r.diagnostic.severity,
                    message: &r.diagnostic.message,
                    resource: &r.identity.resource,
                })
            })
            .collect(),
        suppressed: results.suppressed.len(),
        resources: results
            .resource_paths
            .iter()
            .zip(&results.resource_types)
            .map(|(path, ty)| report::Resource { path, ty })
            .collect(),
        framework,
    };
    match std::fs::write(file, report::html(&input)) {
        Ok(()) => {
            eprintln!("onus: wrote {}", file.display());
            i32::from(!results.errors.is_empty()) * 2
        }
        Err(e) => {
            eprintln!("onus: {}: {e}", file.display());
            2
        }
    }
}

fn create_baseline(file: &std::path::Path, results: &Results) -> i32 {
    let findings: Vec<_> = results
        .reports
        .iter()
        .filter(|r| r.diagnostic.rule.is_some())
        .map(|r| {
            let mut id = r.identity.clone();
            id.path = baseline_path(file, &r.path);
            (id, r.diagnostic.message.to_string())
        })
        .collect();
    match std::fs::write(file, onus_analysis::baseline::Baseline::write(&findings)) {
        Ok(()) => {
            eprintln!("onus: wrote {} findings to {}", findings.len(), file.display());
            0
        }
        Err(e) => {
            eprintln!("onus: {}: {e}", file.display());
            2
        }
    }
}

/// Leaves in `results` only the findings the baseline does not hold, and says how many it held.
fn apply_baseline(file: &std::path::Path, results: &mut Results) -> Result<(), String> {
    let text = std::fs::read_to_string(file).map_err(|e| e.to_string())?;
    let baseline = onus_analysis::baseline::Baseline::parse(&text)?;
    let identities: Vec<_> = results
        .reports
        .iter()
        .map(|r| {
            let mut id = r.identity.clone();
            id.path = baseline_path(file, &r.path);
            id
        })
        .collect();
    let covered = baseline.covered(&identities);
    let held = covered.iter().filter(|c| **c).count();
    let mut covered = covered.into_iter();
    results.reports.retain(|_| !covered.next().unwrap_or(false));
    if held > 0 {
        eprintln!("onus: {held} findings are in the baseline {} (not shown)", file.display());
    }
    Ok(())
}

fn framework_of(key: &str) -> Result<&'static onus_analysis::frameworks::Framework, String> {
    onus_analysis::frameworks::by_key(key).ok_or_else(|| {
        let keys: Vec<&str> = onus_analysis::frameworks::all().iter().map(|f| f.key).collect();
        format!("--framework: no framework `{key}`: use one of {}", keys.join(", "))
    })
}

/// `--only` and `--skip` on top of the configuration: every rule but those named by `--only` is off, and
/// those `--skip` names.
fn select_rules(mut config: Config, options: &Options) -> Result<Config, String> {
    let rules = onus_analysis::org_policy::with_policies(onus_analysis::catalog::rules(), &config.policies);
    if let Some(only) = &options.only {
        let kept = rules.select(only).map_err(|e| format!("--only: {e}"))?;
        let off = rules.all().iter().filter(|r| !kept.iter().any(|k| k.id == r.id)).map(|r| r.id.to_string());
        config.disabled.extend(off);
    }
    if let Some(key) = &options.framework {
        let framework = framework_of(key)?;
        let kept = framework.rules(options.account_wide);
        config.disabled.extend(rules.all().iter().filter(|r| !kept.contains(&r.id)).map(|r| r.id.to_string()));
    } else if options.account_wide {
        return Err("--account-wide goes with --framework".into());
    }
    if let Some(skip) = &options.skip {
        let off = rules.select(skip).map_err(|e| format!("--skip: {e}"))?;
        config.disabled.extend(off.into_iter().map(|r| r.id.to_string()));
    }
    Ok(config)
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
    for e in &errors {
        let (line, col) = lines.line_col(e.range.start);
        eprintln!("{}:{line}:{col}: error config-error {}", path.display(), e.message);
    }
    // CI must not pass on a configuration that says something else than what was checked.
    if !errors.is_empty() {
        return Err(format!("{}: the configuration has errors (above); nothing was checked", path.display()));
    }
    Ok(config)
}

/// Runs the check and prints the results; returns the exit code (0 clean, 1 findings, 2 usage or I/O error).
pub fn run(options: &Options) -> i32 {
    run_as(options, None)
}

/// `onus report --html OUT`: the check, written as a page.
pub fn report(options: &Options, html: &std::path::Path) -> i32 {
    run_as(options, Some(html))
}

fn run_as(options: &Options, html: Option<&std::path::Path>) -> i32 {
    let config = match load_config(options.config.as_ref()).and_then(|c| select_rules(c, options)) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("onus: {e}");
            return 2;
        }
    };
    let variables = match variables(&options.var_files, &options.vars) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("onus: {e}");
            return 2;
        }
    };
    let paths = if options.paths.is_empty() { vec![PathBuf::from(".")] } else { options.paths.clone() };
    // The workspace: the current directory, and each path given (a file's folder).
    let mut roots = vec![".".to_string()];
    for p in &paths {
        // (`-`: the folder of `--stdin-filename`.)
        let p = match (p.to_str(), &options.stdin_filename) {
            (Some("-"), Some(name)) => name.parent().map(|d| d.to_path_buf()).unwrap_or_default(),
            (Some("-"), None) => PathBuf::from("."),
            _ => p.clone(),
        };
        let root = if p.is_file() { p.parent().map(|d| d.to_path_buf()).unwrap_or_default() } else { p.clone() };
        let root = root.to_string_lossy().into_owned();
        roots.push(if root.is_empty() { ".".into() } else { root });
    }
    // `onus check -`: the text comes on stdin, as the file `--stdin-filename` names (its module's other files
    // are read from disk as context, as for a named file).
    let stdin_text = if paths == [PathBuf::from("-")] {
        let mut text = String::new();
        if let Err(e) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
            eprintln!("onus: cannot read stdin: {e}");
            return 2;
        }
        let name = options.stdin_filename.clone().unwrap_or_else(|| PathBuf::from("stdin.tf"));
        Some((name.to_string_lossy().into_owned(), text))
    } else {
        None
    };
    let found = match &stdin_text {
        Some((name, _)) if onus_analysis::file_kind::FileKind::from_path(name).is_none() => {
            eprintln!("onus: --stdin-filename {name}: not a Terraform or CloudFormation file name");
            return 2;
        }
        Some((name, _)) => {
            walk::Found { files: vec![name.clone()], errors: Vec::new(), named: vec![name.clone()], empty: Vec::new() }
        }
        None => walk::files(&paths),
    };
    for empty in &found.empty {
        eprintln!("onus: {empty}: no Terraform or CloudFormation file to check");
    }
    let setup = Setup { keep_fixes: options.fix || options.diff, roots, variables };
    let given = stdin_text.as_ref().map(|(name, text)| (name.as_str(), text.as_str()));
    let mut results = analyse(&found.files, given, &config, &setup);
    results.errors.extend(found.errors);
    // A file named on the command line that onus did not analyse (a JSON or YAML file that is no template).
    for named in &found.named {
        if !results.understood.contains(named) {
            results.errors.push(format!("{named}: not a Terraform file or CloudFormation template onus can check"));
        }
    }
    for e in &results.errors {
        eprintln!("onus: {e}");
    }
    if options.fix || options.diff {
        if !results.errors.is_empty() {
            return 2;
        }
        return fix(options, &results, stdin_text.as_ref());
    }
    if let Some(file) = &options.create_baseline {
        return create_baseline(file, &results);
    }
    if let Some(file) = &options.baseline {
        if let Err(e) = apply_baseline(file, &mut results) {
            eprintln!("onus: {}: {e}", file.display());
            return 2;
        }
    }
    if let Some(file) = html {
        return write_report(file, options, &results);
    }
    // Buffered: stdout is line-buffered, and a large module's JSON is millions of lines.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let rows = options.summary.then(|| output::summary_rows(&results));
    let controls = match (&options.framework, options.summary) {
        (Some(key), true) => {
            framework_of(key).ok().map(|f| output::framework_controls(&results, f, options.account_wide))
        }
        _ => None,
    };
    let written = output::write(
        &mut out,
        options.format,
        options.color.wanted(),
        &results.reports,
        rows.as_deref(),
        controls.as_ref(),
        options.docs_base_url.as_deref(),
    )
    .and_then(|_| match (&rows, options.format) {
        (Some(rows), Format::Text) => output::summary(&mut out, rows),
        _ => Ok(()),
    })
    .and_then(|_| match (&controls, options.format) {
        (Some(controls), Format::Text) => output::framework_summary(&mut out, controls),
        _ => Ok(()),
    })
    .and_then(|_| out.flush());
    // A reader that stopped reading (`onus check | head`) is not an error: the code says what was found.
    let written = written.or_else(|e| if e.kind() == std::io::ErrorKind::BrokenPipe { Ok(()) } else { Err(e) });
    let code = if written.is_err() || !results.errors.is_empty() {
        2
    } else if results.reports.iter().any(|r| r.diagnostic.severity >= options.fail_on.severity()) {
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

/// Reads and analyses `files`. Terraform analyses a folder as one module, and a module calling local modules
/// with them: folders joined by calls are analysed together, in one workspace (a *component*), the components
/// in parallel.
fn analyse(files: &[String], given: Option<(&str, &str)>, config: &Config, setup: &Setup) -> Results {
    let mut texts: BTreeMap<&str, Result<String, String>> = BTreeMap::new();
    for f in files {
        if let Some((_, text)) = given.filter(|(name, _)| name == f) {
            texts.insert(f, Ok(text.to_string()));
            continue;
        }
        let text = match std::fs::read(f) {
            Ok(bytes) => String::from_utf8(bytes)
                .map_err(|e| format!("{f}: not valid UTF-8 (byte {}); skipped", e.utf8_error().valid_up_to())),
            Err(e) => Err(format!("{f}: {e}")),
        };
        texts.insert(f, text);
    }
    // Plans (`terraform show -json` output) are checked on their own; the rest by components.
    let plans: Vec<&String> =
        files.iter().filter(|f| matches!(texts.get(f.as_str()), Some(Ok(t)) if is_plan(f, t))).collect();
    let files: Vec<String> = files.iter().filter(|f| !plans.contains(f)).cloned().collect();
    let files = &files[..];
    let mut components = components(files, &texts);
    // The largest first (by text): a large component taken last would keep one thread busy while the others
    // have nothing left to do. (Results are sorted below, whatever order they come in.)
    let size = |c: &Vec<&String>| -> usize {
        c.iter().map(|f| texts.get(f.as_str()).and_then(|t| t.as_ref().ok()).map_or(0, String::len)).sum()
    };
    components.sort_by_cached_key(|c| std::cmp::Reverse(size(c)));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = Mutex::new(Results::default());
    let checked: std::collections::HashSet<&str> = files.iter().map(String::as_str).collect();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).min(components.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let worker = std::thread::Builder::new().stack_size(crate::lsp::WORKER_STACK_BYTES);
            let spawned = worker.spawn_scoped(scope, || loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(component) = components.get(i) else { break };
                let found = analyse_component(component, &texts, &checked, config, setup);
                results.lock().unwrap_or_else(|e| e.into_inner()).absorb(found);
            });
            spawned.expect("start a checker thread");
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    for plan in plans {
        if let Some(Ok(text)) = texts.get(plan.as_str()) {
            results.absorb(analyse_plan(plan, text, config));
        }
    }
    // A module file is reported by its own component and by its callers': each finding once.
    let key = |r: &Report| (r.path.clone(), r.line, r.column, r.diagnostic.code, r.diagnostic.message.clone());
    results.reports.sort_by_key(key);
    results.reports.dedup_by_key(|r| key(r));
    results.suppressed.sort_by_key(key);
    results.suppressed.dedup_by_key(|r| key(r));
    results.errors.sort();
    results.errors.dedup();
    results
}

fn is_plan(path: &str, text: &str) -> bool {
    path.to_ascii_lowercase().ends_with(".json")
        && !path.ends_with(".tf.json")
        && onus_analysis::terraform::plan::looks_like_plan(text)
}

/// Checks a plan (see [`Workspace::plan_reports`]), with the configuration beside it, if any, read to place
/// the findings on its blocks.
fn analyse_plan(path: &str, text: &str, config: &Config) -> Results {
    let mut out = Results { understood: vec![path.to_string()], ..Results::default() };
    let folder = onus_analysis::workspace::folder_of(path).to_string();
    let mut ws = cli_workspace(config, vec![if folder.is_empty() { ".".into() } else { folder.clone() }]);
    read_folder(&mut ws, &folder, &std::collections::HashSet::new());
    let configured: Vec<String> = ws.paths().map(str::to_string).collect();
    read_called_modules(&mut ws, &configured);
    let beside = (!configured.is_empty()).then_some(folder.as_str());
    let reports = match ws.plan_reports(path, text, beside) {
        Ok(reports) => reports,
        Err(e) => {
            out.errors.push(format!("{path}: a Terraform plan onus cannot read: {e}"));
            return out;
        }
    };
    for (file, report) in reports {
        let source =
            if file == path { Some(text.to_string()) } else { ws.document(&file).map(|d| d.text().to_string()) };
        let Some(source) = source else { continue };
        let lines = text::LineIndex::new(&source);
        let shown: std::sync::Arc<str> = file.as_str().into();
        let place = |d: Diagnostic| Report::at(shown.clone(), &source, &lines, d, false);
        out.reports.extend(report.diagnostics.into_iter().map(place));
        out.suppressed.extend(report.suppressed.into_iter().map(place));
    }
    out
}

/// The folders of `files`, grouped so that folders joined by local module calls (`source = "../x"`, read
/// from the text: a cheap scan, which only decides what is analysed together) are in one group.
fn components<'f>(files: &'f [String], texts: &BTreeMap<&str, Result<String, String>>) -> Vec<Vec<&'f String>> {
    let mut folders: Vec<&str> = files.iter().map(|f| onus_analysis::workspace::folder_of(f)).collect();
    folders.sort();
    folders.dedup();
    let index: std::collections::HashMap<&str, usize> = folders.iter().enumerate().map(|(i, f)| (*f, i)).collect();
    let mut parent: Vec<usize> = (0..folders.len()).collect();
    fn find(parent: &mut [usize], i: usize) -> usize {
        let mut i = i;
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for f in files {
        let Some(Ok(text)) = texts.get(f.as_str()) else { continue };
        if !f.ends_with(".tf") {
            continue;
        }
        let folder = onus_analysis::workspace::folder_of(f);
        for source in local_sources(text) {
            let Some(target) = onus_analysis::terraform::calls::join(folder, &source) else { continue };
            if let (Some(&a), Some(&b)) = (index.get(folder), index.get(target.as_str())) {
                let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
                parent[ra] = rb;
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<&String>> = BTreeMap::new();
    for f in files {
        let i = index[onus_analysis::workspace::folder_of(f)];
        groups.entry(find(&mut parent, i)).or_default().push(f);
    }
    groups.into_values().collect()
}

/// One path of each folder (or template) of `paths`, callers before the modules they call (by the local
/// sources their texts write; a cycle in any order).
fn callers_first<'p>(paths: &[&'p str], texts: &BTreeMap<&str, Result<String, String>>) -> Vec<&'p str> {
    use onus_analysis::workspace::folder_of;
    let mut firsts: BTreeMap<&str, &'p str> = BTreeMap::new();
    let mut order_of_templates = Vec::new();
    for p in paths {
        if p.ends_with(".tf") || p.ends_with(".tf.json") || p.ends_with(".tfvars") {
            firsts.entry(folder_of(p)).or_insert(p);
        } else {
            order_of_templates.push(*p);
        }
    }
    let mut calls: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for p in paths {
        if let (true, Some(Ok(text))) = (p.ends_with(".tf"), texts.get(p)) {
            let folder = folder_of(p);
            let targets =
                local_sources(text).into_iter().filter_map(|s| onus_analysis::terraform::calls::join(folder, &s));
            calls.entry(folder).or_default().extend(targets);
        }
    }
    // Depth-first, each folder after the folders that call it: reversed post-order over "is called by".
    fn visit<'f>(f: &'f str, calls: &BTreeMap<&'f str, Vec<String>>, seen: &mut Vec<&'f str>, out: &mut Vec<&'f str>) {
        if seen.contains(&f) {
            return;
        }
        seen.push(f);
        for (caller, targets) in calls {
            if targets.iter().any(|t| t == f) {
                visit(caller, calls, seen, out);
            }
        }
        out.push(f);
    }
    let (mut seen, mut order) = (Vec::new(), Vec::new());
    for folder in firsts.keys() {
        visit(folder, &calls, &mut seen, &mut order);
    }
    let mut out: Vec<&'p str> = order.iter().filter_map(|f| firsts.get(f).copied()).collect();
    out.extend(order_of_templates);
    out
}

/// The relative paths written as `source = "./..."` or `"../..."` in a Terraform text.
fn local_sources(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim_start();
        let Some(rest) = line.strip_prefix("source") else { continue };
        let Some(rest) = rest.trim_start().strip_prefix('=') else { continue };
        let Some(rest) = rest.trim_start().strip_prefix('"') else { continue };
        let Some(end) = rest.find('"') else { continue };
        let source = &rest[..end];
        if source.starts_with("./") || source.starts_with("../") {
            out.push(source.to_string());
        }
    }
    out
}

/// Terraform files of `folder` that were not asked for, read as context (a module's other files, a called
/// module's files): `.tf`, `.tf.json`, `.tfvars`, regular files only.
fn read_folder(ws: &mut Workspace, folder: &str, skip: &std::collections::HashSet<&str>) {
    let dir = if folder.is_empty() { "." } else { folder };
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !(name.ends_with(".tf") || name.ends_with(".tf.json") || name.ends_with(".tfvars")) {
            continue;
        }
        let path = if folder.is_empty() { name } else { format!("{folder}/{name}") };
        if skip.contains(path.as_str()) || !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        if let Ok(text) = std::fs::read_to_string(entry.path()) {
            ws.add_disk_file(&path, &text);
        }
    }
}

/// A workspace for one part of the check: findings are printed, never applied (no suppression edits to
/// compute), and each module is analysed once.
fn cli_workspace(config: &Config, roots: Vec<String>) -> Workspace {
    let mut ws = Workspace::new(onus_analysis::catalog::rules());
    ws.set_rules(onus_analysis::org_policy::with_policies(onus_analysis::catalog::rules(), &config.policies));
    ws.analyse_each_module_once();
    ws.set_config(config.clone());
    ws.set_today(crate::today());
    ws.set_roots(roots);
    ws
}

/// Reads the folders of the modules the modules of `paths` call, to any depth (the workspace names only
/// folders inside its roots).
fn read_called_modules(ws: &mut Workspace, paths: &[impl AsRef<str>]) {
    for _ in 0..64 {
        // (Asked once per folder: its files share their module's calls.)
        let mut wanted = Vec::new();
        let mut asked = std::collections::HashSet::new();
        for path in paths.iter().map(AsRef::as_ref) {
            if asked.insert(onus_analysis::workspace::folder_of(path)) {
                wanted.extend(ws.wanted_folders(path));
            }
        }
        wanted.sort();
        wanted.dedup();
        let before = ws.paths().count();
        for folder in &wanted {
            read_folder(ws, folder, &std::collections::HashSet::new());
        }
        // Nothing new (a folder with no Terraform file is reported by the analysis, not asked for again).
        if ws.paths().count() == before {
            break;
        }
    }
}

fn analyse_component(
    files: &[&String],
    texts: &BTreeMap<&str, Result<String, String>>,
    checked: &std::collections::HashSet<&str>,
    config: &Config,
    setup: &Setup,
) -> Results {
    let mut ws = cli_workspace(config, setup.roots.clone());
    ws.set_variables(setup.variables.clone());
    let mut out = Results::default();
    let mut added = Vec::new();
    for path in files {
        match texts.get(path.as_str()) {
            Some(Ok(text)) if ws.add_disk_file(path, text) => added.push(path.as_str()),
            Some(Err(e)) => out.errors.push(e.clone()),
            _ => {}
        }
    }
    // Each module's other files, and the modules its calls name (to any depth), as context.
    let mut folders: Vec<String> = added.iter().map(|p| onus_analysis::workspace::folder_of(p).to_string()).collect();
    folders.sort();
    folders.dedup();
    for folder in &folders {
        read_folder(&mut ws, folder, checked);
        let manifest = format!("{}/.terraform/modules/modules.json", if folder.is_empty() { "." } else { folder });
        if let Ok(json) = std::fs::read_to_string(&manifest) {
            if let Err(e) = ws.set_module_manifest(folder, &json) {
                out.errors.push(format!("{manifest}: {e}"));
            }
        }
    }
    read_called_modules(&mut ws, &added);
    // Callers before the modules they call: a module's files are reported once, with what every caller's
    // calls found in them.
    for path in callers_first(&added, texts) {
        for (p, report) in ws.reports_of_module(path) {
            // Context files (not asked for) inform the analysis but are not reported.
            if !checked.contains(p.as_str()) {
                continue;
            }
            let Some(doc) = ws.document(&p) else { continue };
            if doc.kind().is_analysed() {
                out.understood.push(p.clone());
            }
            let path: std::sync::Arc<str> = p.as_str().into();
            let text = doc.text();
            let lines = text::LineIndex::new(&text);
            let place = |mut d: Diagnostic| {
                let has_fix = !d.fixes.is_empty();
                if setup.keep_fixes {
                    d.fixes.retain(|f| f.preferred);
                } else {
                    d.fixes = Default::default();
                }
                Report::at(path.clone(), &text, &lines, d, has_fix)
            };
            out.reports.extend(report.diagnostics.into_iter().map(place));
            out.suppressed.extend(report.suppressed.into_iter().map(place));
            let resources = ws.resources(&p);
            out.resource_paths.extend(std::iter::repeat_n(path.clone(), resources.len()));
            out.resource_types.extend(resources.into_iter().map(|r| r.ty));
        }
    }
    // Freeing a large module's model takes a while: on another thread, while the results are printed.
    std::thread::spawn(move || drop(ws));
    out
}
