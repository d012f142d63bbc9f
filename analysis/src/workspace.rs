//! The analysis API: a set of documents (open in an editor, or read from disk by the caller) and the
//! diagnostics of each. The server and the CLI drive it; it does no I/O itself.
//!
//! Terraform analyses a module (a folder) at once: every `.tf`/`.tfvars` of the folder, open buffers
//! overriding disk, so references across files resolve and a change in one file updates its siblings.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::eval::CfnScope;
use crate::cloudformation::suppress as cfn_suppress;
use crate::cloudformation::Template;
use crate::config::Config;
use crate::document::{Cancelled, Document, Parsers};
use crate::finding::{fold_overlaps, Also, Finding};
use crate::fix::{Fix, Fixes};
use crate::rule::{Rule, Rules, Severity};
use crate::suppress;
use crate::syntax_errors::syntax_errors;
use crate::terraform::incremental::ModuleAnalysis;
use crate::terraform::{Module, TfFile};
use crate::text::{PositionEncoding, Range, TextRange};

/// What onus tells a person about a place in a file.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub range: TextRange,
    pub severity: Severity,
    /// The rule id, or `syntax-error` / `file-too-large` / `nesting-too-deep`.
    pub code: &'static str,
    pub message: std::sync::Arc<str>,
    pub rule: Option<&'static Rule>,
    /// The resource the finding is about, for suppressions and the code lens.
    pub resource: Option<TextRange>,
    pub fixes: Fixes,
    /// Findings of broader rules about the same problem, folded into this one (see [`crate::rule::Overlap`]).
    pub also: Vec<Also>,
}

/// Everything the analysis says about one file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FileReport {
    /// What to show: syntax errors, findings, notes about suppression comments.
    pub diagnostics: Vec<Diagnostic>,
    /// Findings silenced by a suppression comment.
    pub suppressed: Vec<Diagnostic>,
}

/// A resource of a file (a top-level `resource` block, a registry module call, a template's resource), for the
/// responsibility lens: see [`Workspace::resources`].
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceInfo {
    pub ty: String,
    pub header: TextRange,
    pub range: TextRange,
}

impl Diagnostic {
    fn from_finding(f: Finding) -> Diagnostic {
        Diagnostic {
            range: f.range,
            severity: f.rule.severity,
            code: f.rule.id,
            message: f.message,
            rule: Some(f.rule),
            resource: Some(f.resource),
            fixes: f.fixes,
            also: Vec::new(),
        }
    }

    /// A syntax error, or a part of a file not analysed.
    fn problem(p: &crate::terraform::chunked::Problem) -> Diagnostic {
        Diagnostic { severity: Severity::Error, ..Diagnostic::note(p.range, p.code, p.message.clone()) }
    }

    fn note(range: TextRange, code: &'static str, message: String) -> Diagnostic {
        Diagnostic {
            range,
            severity: Severity::Hint,
            code,
            message: message.into(),
            rule: None,
            resource: None,
            fixes: Fixes::default(),
            also: Vec::new(),
        }
    }
}

struct Entry {
    doc: Document,
    /// Open in the editor: the disk's copy is ignored until it closes.
    open: bool,
    /// Bumped on every edit; the cached model belongs to one revision.
    revision: u64,
    model: Option<(u64, Arc<TfFile>)>,
    template: Option<(u64, Arc<Template>)>,
    /// The diagnostics of the file alone (syntax errors, size), per revision: they outlive the tree.
    syntax: Option<(u64, Vec<Diagnostic>)>,
}

/// How many documents keep their tree between analyses: the ones edited or opened last. The others free it
/// (it is rebuilt on their next edit), so a workspace with every file open stays small.
const HOT_TREES: usize = 16;

/// Why a change was not applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeError {
    UnknownDocument,
    /// The change's version is not newer than the document's.
    StaleVersion {
        have: i32,
        got: i32,
    },
}

pub struct Workspace {
    /// The rules it runs.
    rules: Rules,
    /// The order of a file's diagnostics, with the ranks of the rules' ids.
    order: order::DiagnosticOrder,
    parsers: Parsers,
    entries: BTreeMap<String, Entry>,
    /// The paths of the entries by folder: a module's files found without a scan of every entry (once per
    /// module of a workspace, that was quadratic in its folders).
    by_folder: std::collections::HashMap<String, std::collections::BTreeSet<String>>,
    /// The documents edited or opened last, most recent at the back (see [`HOT_TREES`]).
    hot: std::collections::VecDeque<String>,
    config: Config,
    baseline: Option<(crate::baseline::Baseline, String)>,
    today: Option<crate::date::Date>,
    /// Each module's analysis, kept between analyses by folder (see [`crate::terraform::incremental`]).
    analyses: std::collections::HashMap<String, ModuleAnalysis>,
    /// Modules are analysed once each (the CLI): no analysis is kept.
    once: bool,
    /// The folders the workspace is: module sources outside them are not followed.
    roots: Vec<String>,
    /// `.terraform/modules/modules.json` of root modules, by folder: where `terraform init` put each call's module.
    manifests: std::collections::HashMap<String, crate::fast_hash::FastMap<String, String>>,
    /// Values of root modules' variables given from outside (`--var-file`, `--var`, the editor's `varFiles`).
    outside: crate::fast_hash::FastMap<String, crate::value::Value>,
    /// The module folders each analysed folder calls (see [`Workspace::related_folders`]).
    called: std::collections::HashMap<String, Vec<String>>,
    /// Runs of module instances, by instance (module, root and call chain), with the fingerprint of the files and
    /// arguments each was run with.
    instance_runs: std::collections::HashMap<u64, (u64, Arc<calls::InstanceRun>)>,
    /// What each module folder finds on its own.
    own: std::collections::HashMap<String, Arc<calls::Own>>,
    /// Diagnostics callers' instances found in module files, by the module file's path, with the caller's folder.
    instance_diagnostics: std::collections::HashMap<String, Vec<(String, Diagnostic)>>,
}

mod calls;
mod order;
mod plan;

/// The folder of a path: the module a Terraform file belongs to.
pub fn folder_of(path: &str) -> &str {
    match path.rfind(['/', '\\']) {
        Some(i) => &path[..i],
        None => "",
    }
}

impl Workspace {
    /// A workspace running `rules` (the whole catalog: [`crate::catalog::rules`]).
    pub fn new(rules: Rules) -> Workspace {
        Workspace {
            rules,
            order: order::DiagnosticOrder::new(rules),
            parsers: Parsers::default(),
            entries: BTreeMap::new(),
            by_folder: Default::default(),
            hot: Default::default(),
            config: Config::default(),
            baseline: None,
            today: None,
            analyses: Default::default(),
            once: false,
            roots: Vec::new(),
            manifests: Default::default(),
            outside: Default::default(),
            called: Default::default(),
            instance_runs: Default::default(),
            own: Default::default(),
            instance_diagnostics: Default::default(),
        }
    }

    /// The workspace's folders: module sources are followed inside them only.
    pub fn set_roots(&mut self, roots: Vec<String>) {
        self.roots = roots.into_iter().map(|r| r.trim_end_matches(['/', '\\']).to_string()).collect();
    }

    /// The `.terraform/modules/modules.json` of the root module in `folder` (after `terraform init`): the
    /// folders of its registry and git modules. Returns the problem when the text is not such a manifest.
    pub fn set_module_manifest(&mut self, folder: &str, json: &str) -> Result<(), String> {
        let dirs = crate::terraform::calls::manifest_dirs(json)?;
        self.manifests.insert(folder.to_string(), dirs);
        self.analyses.remove(folder);
        Ok(())
    }

    /// Values of root modules' variables given from outside (`--var-file`, `--var`, the editor's `varFiles`),
    /// applied after the modules' own tfvars files, as Terraform applies them.
    pub fn set_variables(&mut self, values: crate::fast_hash::FastMap<String, crate::value::Value>) {
        self.outside = values;
        self.analyses.clear();
    }

    /// The rules it runs.
    pub fn rules(&self) -> Rules {
        self.rules
    }

    /// What day it is, for rules keyed by AWS's support dates (the caller reads the clock).
    pub fn set_today(&mut self, today: crate::date::Date) {
        // (A server says so before each analysis: the kept analyses hold until the day changes.)
        if self.today != Some(today) {
            self.today = Some(today);
            self.analyses.clear();
        }
    }

    /// Each module will be analysed once (the CLI): the rules run over the whole module in one pass, and
    /// nothing is kept for a next analysis.
    pub fn analyse_each_module_once(&mut self) {
        self.once = true;
        self.analyses.clear();
    }

    /// The rules to run (the catalog's, with the organisation's policies: [`crate::org_policy::with_policies`]).
    pub fn set_rules(&mut self, rules: Rules) {
        self.rules = rules;
        self.order = order::DiagnosticOrder::new(rules);
        self.analyses.clear();
    }

    /// The baseline the editor honours (`baseline = "..."` in `.onus.toml`), and the folder its paths are relative
    /// to: the findings it holds are shown as hints.
    pub fn set_baseline(&mut self, baseline: Option<(crate::baseline::Baseline, String)>) {
        self.baseline = baseline;
    }

    /// The `.onus.toml` in force.
    pub fn set_config(&mut self, config: Config) {
        self.config = config;
        self.analyses.clear();
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Opens a document in the editor (replacing any disk copy). Returns false if onus does not handle it.
    pub fn open(&mut self, path: &str, text: &str, version: i32) -> bool {
        self.touch(path);
        self.insert(path, text, version, true)
    }

    /// Marks `path` as being worked on: it keeps its tree.
    fn touch(&mut self, path: &str) {
        if self.hot.back().is_some_and(|p| p == path) {
            return;
        }
        self.hot.retain(|p| p != path);
        self.hot.push_back(path.to_string());
        if self.hot.len() > HOT_TREES {
            if let Some(cold) = self.hot.pop_front() {
                if let Some(entry) = self.entries.get_mut(&cold) {
                    entry.doc.release_tree();
                }
            }
        }
    }

    /// A file read from disk by the caller (a module's sibling, or a file given to the CLI). An open document
    /// of the same path is left alone.
    pub fn add_disk_file(&mut self, path: &str, text: &str) -> bool {
        if self.entries.get(path).is_some_and(|e| e.open) {
            return true;
        }
        self.insert(path, text, 0, false)
    }

    fn insert(&mut self, path: &str, text: &str, version: i32, open: bool) -> bool {
        let Some(doc) = Document::new(path, text, version) else { return false };
        let revision = self.entries.get(path).map_or(0, |e| e.revision + 1);
        self.entries.insert(path.to_string(), Entry { doc, open, revision, model: None, template: None, syntax: None });
        self.by_folder.entry(folder_of(path).to_string()).or_default().insert(path.to_string());
        true
    }

    /// The entries of the files directly in `folder`, by path.
    fn entries_in<'a>(&'a self, folder: &str) -> impl Iterator<Item = (&'a String, &'a Entry)> + 'a {
        let paths = self.by_folder.get(folder).into_iter().flatten();
        paths.filter_map(|p| self.entries.get_key_value(p))
    }

    /// The Terraform files directly in `folder` (`.tfvars` included), by path.
    fn terraform_paths_in(&self, folder: &str) -> Vec<String> {
        self.entries_in(folder).filter(|(_, e)| e.doc.kind().is_terraform()).map(|(p, _)| p.clone()).collect()
    }

    /// Closes an editor document. Its disk text (if the caller read it) takes its place for its siblings.
    pub fn close(&mut self, path: &str, disk_text: Option<&str>) {
        self.remove(path);
        if let Some(text) = disk_text {
            self.insert(path, text, 0, false);
        }
    }

    pub fn remove(&mut self, path: &str) {
        self.entries.remove(path);
        let folder = folder_of(path);
        if let Some(paths) = self.by_folder.get_mut(folder) {
            paths.remove(path);
            if paths.is_empty() {
                self.by_folder.remove(folder);
            }
        }
        // A module with no file left keeps no analysis.
        if !self.entries_in(folder).any(|(_, e)| e.doc.kind().is_terraform()) {
            self.analyses.remove(folder);
        }
    }

    pub fn is_open(&self, path: &str) -> bool {
        self.entries.get(path).is_some_and(|e| e.open)
    }

    pub fn document(&self, path: &str) -> Option<&Document> {
        self.entries.get(path).map(|e| &e.doc)
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// Applies the content changes of one `didChange`, in order, if `version` is newer than the document's.
    pub fn change(
        &mut self,
        path: &str,
        version: i32,
        changes: &[(Option<Range>, String)],
        encoding: PositionEncoding,
    ) -> Result<(), ChangeError> {
        if !self.entries.contains_key(path) {
            return Err(ChangeError::UnknownDocument);
        }
        self.touch(path);
        let entry = self.entries.get_mut(path).expect("checked");
        if version <= entry.doc.version() {
            return Err(ChangeError::StaleVersion { have: entry.doc.version(), got: version });
        }
        for (range, text) in changes {
            entry.doc.apply_change(*range, text, encoding);
        }
        entry.doc.set_version(version);
        entry.revision += 1;
        Ok(())
    }

    /// Parses `path` (incrementally). `cancelled` is polled during the parse.
    pub fn parse(&mut self, path: &str, cancelled: &mut dyn FnMut() -> bool) -> Result<(), Cancelled> {
        match self.entries.get_mut(path) {
            Some(entry) => entry.doc.parse(&mut self.parsers, cancelled),
            None => Ok(()),
        }
    }

    /// The Terraform files analysed together with `path` (its folder's), `path` included.
    pub fn module_of(&self, path: &str) -> Vec<String> {
        let Some(entry) = self.entries.get(path) else { return Vec::new() };
        if !entry.doc.kind().is_terraform() {
            return vec![path.to_string()];
        }
        self.terraform_paths_in(folder_of(path))
    }

    /// The model of a parsed Terraform file, built once per revision.
    fn model(&mut self, path: &str) -> Option<Arc<TfFile>> {
        let entry = self.entries.get_mut(path)?;
        if let Some((rev, model)) = &entry.model {
            if *rev == entry.revision && entry.doc.is_parsed() {
                return Some(model.clone());
            }
        }
        entry.doc.parse_fully(&mut self.parsers);
        // The previous model's unchanged chunks are moved into the new one, if nothing else holds it.
        let previous = entry.model.take().and_then(|(_, m)| Arc::try_unwrap(m).ok());
        let model = TfFile::read(&entry.doc, previous, &mut self.parsers);
        let model = Arc::new(model?);
        entry.model = Some((entry.revision, model.clone()));
        Some(model)
    }

    /// The model of a parsed CloudFormation template, built once per revision.
    fn template(&mut self, path: &str) -> Option<Arc<Template>> {
        let entry = self.entries.get_mut(path)?;
        if let Some((rev, t)) = &entry.template {
            if *rev == entry.revision && entry.doc.is_parsed() {
                return Some(t.clone());
            }
        }
        entry.doc.parse_fully(&mut self.parsers);
        let t = Arc::new(Template::from_document(&entry.doc)?);
        entry.template = Some((entry.revision, t.clone()));
        Some(t)
    }

    /// The reports of every file of the module (or template) that holds `path`, by path. Files are parsed to
    /// completion first. A Terraform module's calls of local modules are analysed too (see [`calls`]): its
    /// files get the findings its calls cause, and a module's files those its callers' calls cause.
    pub fn reports_of_module(&mut self, path: &str) -> BTreeMap<String, FileReport> {
        self.reports_of_folder(path, true)
    }

    fn reports_of_folder(&mut self, path: &str, with_calls: bool) -> BTreeMap<String, FileReport> {
        let paths: Vec<String> = self.module_of(path).into_iter().filter(|p| !self.config.is_excluded(p)).collect();
        let mut out: BTreeMap<String, FileReport> = BTreeMap::new();
        let mut models = Vec::new();
        for p in &paths {
            let entry = self.entries.get_mut(p).expect("listed by module_of");
            let syntax = match &entry.syntax {
                Some((rev, diags)) if *rev == entry.revision && entry.doc.is_parsed() => diags.clone(),
                _ => {
                    entry.doc.parse_fully(&mut self.parsers);
                    let diags = file_diagnostics(&entry.doc);
                    entry.syntax = Some((entry.revision, diags.clone()));
                    diags
                }
            };
            out.entry(p.clone()).or_default().diagnostics = syntax;
            if entry.doc.kind().is_terraform() {
                if let Some(model) = self.model(p) {
                    out.entry(p.clone()).or_default().diagnostics.extend(problem_diagnostics(&model.problems));
                    models.push((p.clone(), model));
                }
            } else if entry.doc.kind().is_cloudformation() {
                if let Some(t) = self.template(p) {
                    let report = out.entry(p.clone()).or_default();
                    let findings = check_template_at(&t, self.rules, &self.config, self.today);
                    let suppressions = cfn_suppress::suppressions(&t);
                    split_findings(findings, &suppressions, self.rules, report);
                }
            }
        }
        if !models.is_empty() {
            let expansions = crate::terraform::expand::Expansions::new();
            let outside = std::mem::take(&mut self.outside);
            let given = crate::terraform::Given::Root(&outside);
            let mut module = Module::given(models.iter().map(|(_, m)| m.as_ref()).collect(), &expansions, given);
            module.today = self.today;
            let folder = folder_of(path).to_string();
            let model_paths: Vec<String> = models.iter().map(|(p, _)| p.clone()).collect();
            let calls = if with_calls {
                Some(self.run_calls(&folder, &folder, "", &mut module, &model_paths, &mut vec![folder.clone()]))
            } else {
                None
            };
            let mut findings: Vec<Vec<Finding>> = vec![Vec::new(); models.len()];
            let all = if self.once {
                check_module(&module, self.rules, &self.config)
            } else {
                let config = &self.config;
                let enabled = || self.rules.all().iter().copied().filter(|r| config.is_enabled(r.id));
                // Out of the table while it runs: a rule that panics (the server carries on) leaves no half-updated
                // analysis behind, and the next one starts afresh.
                let folder = folder_of(path).to_string();
                let mut analysis = self.analyses.remove(&folder).unwrap_or_else(|| ModuleAnalysis::new(enabled()));
                let findings = analysis.analyse(&module);
                self.analyses.insert(folder, analysis);
                findings
            };
            if models.len() == 1 {
                findings[0] = all;
            } else {
                let mut counts = vec![0; models.len()];
                all.iter().for_each(|f| counts[f.file] += 1);
                findings.iter_mut().zip(counts).for_each(|(f, n)| f.reserve_exact(n));
                for finding in all {
                    findings[finding.file].push(finding);
                }
            }
            for ((path, model), findings) in models.iter().zip(findings) {
                let report = out.entry(path.clone()).or_default();
                apply_suppressions(model, findings, self.rules, report);
            }
            drop(module);
            self.outside = outside;
            if let Some(calls) = calls {
                let at_calls = self.report_calls(&folder, calls);
                let mut found: Vec<(String, Diagnostic)> = at_calls;
                // What callers' calls found in this module's files.
                for (p, _) in &models {
                    for (from, d) in self.instance_diagnostics.get(p).into_iter().flatten() {
                        if *from != folder {
                            found.push((p.clone(), d.clone()));
                        }
                    }
                }
                for (p, d) in found {
                    let Some((_, model)) = models.iter().find(|(m, _)| *m == p) else { continue };
                    let report = out.entry(p.clone()).or_default();
                    let silenced = d.rule.is_some_and(|rule| {
                        suppress::suppressions(model)
                            .iter()
                            .any(|s| s.silences_finding(rule, d.range.start, d.resource))
                    });
                    if silenced {
                        report.suppressed.push(d);
                    } else if !report.diagnostics.contains(&d) {
                        report.diagnostics.push(d);
                    }
                }
            }
        }
        // Trees of the files nobody is working on are freed; what was derived from them is cached.
        for p in &paths {
            if !self.hot.contains(p) {
                if let Some(entry) = self.entries.get_mut(p) {
                    entry.doc.release_tree();
                }
            }
        }
        for report in out.values_mut() {
            for d in report.diagnostics.iter_mut().chain(report.suppressed.iter_mut()) {
                d.severity = self.config.severity_of(d.code, d.severity);
            }
            // In one order whichever way they were found (a rule run over the whole module, or block by block).
            self.order.sort(&mut report.diagnostics);
            self.order.sort(&mut report.suppressed);
        }
        if let Some((baseline, root)) = &self.baseline {
            for (path, report) in out.iter_mut() {
                let Some(entry) = self.entries.get(path) else { continue };
                let text = entry.doc.text();
                let relative =
                    path.strip_prefix(root.trim_end_matches('/')).map_or(path.as_str(), |p| p.trim_start_matches('/'));
                let ids: Vec<crate::baseline::Identity> =
                    report.diagnostics.iter().map(|d| crate::baseline::Identity::of(relative, &text, d)).collect();
                for (d, held) in report.diagnostics.iter_mut().zip(baseline.covered(&ids)) {
                    if held && d.rule.is_some() {
                        d.severity = Severity::Hint;
                        d.message = format!("(in the baseline) {}", d.message).into();
                    }
                }
            }
        }
        out
    }

    /// The diagnostics of every file of the module that holds `path`, by path.
    pub fn diagnostics_of_module(&mut self, path: &str) -> BTreeMap<String, Vec<Diagnostic>> {
        self.reports_of_module(path).into_iter().map(|(p, r)| (p, r.diagnostics)).collect()
    }

    /// The diagnostics of one file.
    pub fn diagnostics(&mut self, path: &str) -> Vec<Diagnostic> {
        self.report(path).diagnostics
    }

    /// The report of one file.
    pub fn report(&mut self, path: &str) -> FileReport {
        self.reports_of_module(path).remove(path).unwrap_or_default()
    }

    /// How many rule runs the last analysis of the module of `path` made (`None` before its first, or with
    /// nothing kept between analyses): what a keystroke cost, in runs.
    pub fn runs_made(&self, path: &str) -> Option<usize> {
        self.analyses.get(folder_of(path)).map(ModuleAnalysis::runs_made)
    }

    /// The edit that writes a comment (Terraform) or `Metadata` entry (CloudFormation) suppressing `d`, a finding
    /// of the file at `path`, and the findings it carries. Made when asked (the editor's "Suppress" action), not
    /// at every analysis: most findings' edits are never shown. `None` for notes, `.tf.json` (JSON has no
    /// comments), and a resource whose metadata already has an onus entry.
    pub fn suppression_fix(&mut self, path: &str, d: &Diagnostic) -> Option<Fix> {
        let (rule, resource) = (d.rule?, d.resource?);
        let ids: Vec<&str> = std::iter::once(rule.id).chain(d.also.iter().map(|a| a.rule.id)).collect();
        let kind = self.entries.get(path)?.doc.kind();
        if kind.is_terraform() {
            let file = self.model(path)?;
            (file.kind != crate::file_kind::FileKind::TerraformJson)
                .then(|| suppress::suppress_fix(&file, &ids, resource))
        } else if kind.is_cloudformation() {
            let t = self.template(path)?;
            let res = t.resources().find(|r| r.entry.range == resource)?;
            cfn_suppress::suppress_fix(&t, res, &ids)
        } else {
            None
        }
    }

    /// The resources of one file, for the responsibility lens: asked for apart from the report, which a
    /// keystroke recomputes (listing them costs one string per resource of the file).
    pub fn resources(&mut self, path: &str) -> Vec<ResourceInfo> {
        let Some(kind) = self.entries.get(path).map(|e| e.doc.kind()) else { return Vec::new() };
        if kind.is_terraform() {
            self.model(path).map(|model| resources_of(&model)).unwrap_or_default()
        } else if kind.is_cloudformation() {
            let Some(t) = self.template(path) else { return Vec::new() };
            t.resources()
                .map(|r| ResourceInfo { ty: r.ty.to_string(), header: r.entry.key_range, range: r.entry.range })
                .collect()
        } else {
            Vec::new()
        }
    }
}

/// The problems of a Terraform file's reading as diagnostics: as many syntax errors as a tree-sitter parse of
/// the file reports, at most (the first say enough), and a last one saying how many more there are.
fn problem_diagnostics(problems: &[crate::terraform::chunked::Problem]) -> Vec<Diagnostic> {
    const MAX: usize = crate::syntax_errors::MAX_SYNTAX_ERRORS;
    let mut out = Vec::new();
    // Syntax errors shown, then those not: how many, from where.
    let (mut shown, mut hidden, mut first_hidden) = (0, 0, None);
    for problem in problems {
        if problem.code == "syntax-error" && shown == MAX {
            hidden += 1;
            first_hidden = first_hidden.or(Some(problem.range.start));
            continue;
        }
        shown += usize::from(problem.code == "syntax-error");
        out.push(Diagnostic::problem(problem));
    }
    if let Some(first) = first_hidden {
        let message = format!(
            "{hidden} more syntax errors from here on, not shown; blocks that do not parse after the first {MAX} are \
             not analysed"
        );
        let range = TextRange::empty(first);
        out.push(Diagnostic::problem(&crate::terraform::chunked::Problem { range, code: "syntax-error", message }));
    }
    out
}

/// Splits a Terraform file's findings into shown and suppressed (see [`split_findings`]).
fn apply_suppressions(file: &TfFile, findings: Vec<Finding>, rules: Rules, report: &mut FileReport) {
    // Fixes write HCL: `.tf.json` (mostly generated) gets none (nor suppression edits: JSON has no comments).
    let findings = if file.kind == crate::file_kind::FileKind::TerraformJson {
        findings.into_iter().map(|f| Finding { fixes: Fixes::default(), ..f }).collect()
    } else {
        findings
    };
    split_findings(findings, &suppress::suppressions(file), rules, report);
}

/// Splits findings into shown and suppressed, folds the shown ones that report one problem (see
/// [`crate::rule::Overlap`]), and notes the onus suppressions that silence nothing or name no rule.
fn split_findings(
    findings: Vec<Finding>,
    suppressions: &[suppress::Suppression],
    rules: Rules,
    report: &mut FileReport,
) {
    let mut used = vec![false; suppressions.len()];
    let mut shown = Vec::with_capacity(findings.len());
    report.diagnostics.reserve(findings.len() + suppressions.len());
    for finding in findings {
        let by = suppressions
            .iter()
            .position(|s| s.silences_finding(finding.rule, finding.range.start, Some(finding.resource)));
        match by {
            Some(i) => {
                used[i] = true;
                report.suppressed.push(Diagnostic::from_finding(finding));
            }
            None => shown.push(finding),
        }
    }
    for (finding, also) in fold_overlaps(shown, rules.overlaps()) {
        let mut diagnostic = Diagnostic::from_finding(finding);
        diagnostic.severity = also.iter().map(|a| a.rule.severity).fold(diagnostic.severity, Severity::max);
        diagnostic.also = also;
        report.diagnostics.push(diagnostic);
    }
    for (s, used) in suppressions.iter().zip(used) {
        let unknown = s.unknown_ids(rules);
        if !unknown.is_empty() {
            let msg = format!("no onus rule `{}` (see `onus rules`)", unknown.join("`, `"));
            report.diagnostics.push(Diagnostic::note(s.comment, "unknown-rule", msg));
        } else if !used && matches!(s.matcher, suppress::Matcher::Onus(_)) {
            let msg = "this onus suppression silences nothing here".to_string();
            report.diagnostics.push(Diagnostic::note(s.comment, "unused-suppression", msg));
        }
    }
}

fn resources_of(file: &TfFile) -> Vec<ResourceInfo> {
    file.blocks
        .iter()
        .filter(|b| b.kind == "resource" || b.kind == "module")
        .filter_map(|b| {
            let ty = if b.kind == "module" { format!("module.{}", b.label(0)?) } else { b.label(0)?.to_string() };
            Some(ResourceInfo { ty, header: b.header, range: b.range })
        })
        .collect()
}

/// Diagnostics that depend on the file alone: syntax errors, size.
fn file_diagnostics(doc: &Document) -> Vec<Diagnostic> {
    let plain = |range, code, message: String| Diagnostic {
        range,
        severity: Severity::Error,
        code,
        message: message.into(),
        rule: None,
        resource: None,
        fixes: Fixes::default(),
        also: Vec::new(),
    };
    if !doc.kind().is_analysed() {
        return Vec::new();
    }
    if doc.is_too_large() {
        let msg = format!(
            "file not analysed: {} bytes is more than onus parses ({} bytes)",
            doc.rope().len_bytes(),
            crate::document::MAX_PARSED_BYTES
        );
        return vec![plain(TextRange::empty(0), "file-too-large", msg)];
    }
    if doc.is_too_deep() {
        let msg = format!(
            "file not analysed: it nests deeper than onus analyses ({} syntax levels, or {} YAML indentation levels)",
            crate::document::MAX_TREE_DEPTH,
            crate::document::MAX_YAML_INDENT_LEVELS
        );
        return vec![plain(TextRange::empty(0), "nesting-too-deep", msg)];
    }
    let Some(tree) = doc.tree() else { return Vec::new() };
    syntax_errors(tree, doc.rope()).into_iter().map(|e| plain(e.range, "syntax-error", e.message)).collect()
}

/// Runs every enabled CloudFormation rule over a template.
pub fn check_template(t: &Template, rules: Rules, config: &Config) -> Vec<Finding> {
    check_template_at(t, rules, config, None)
}

/// Runs every enabled CloudFormation rule over a template, on the day `today` (date-keyed rules flag
/// nothing without it).
pub fn check_template_at(
    t: &Template,
    rules: Rules,
    config: &Config,
    today: Option<crate::date::Date>,
) -> Vec<Finding> {
    let scope = CfnScope::new(t);
    let mut findings = Vec::new();
    for rule in rules.all().iter().filter(|r| config.is_enabled(r.id)) {
        if rule.matcher.has_cloudformation() {
            rule.matcher.check_cloudformation(&mut CfnContext::new(t, &scope, rule, &mut findings).with_today(today));
        }
    }
    findings
}

/// Runs every enabled Terraform rule over a module.
pub fn check_module(module: &Module, rules: Rules, config: &Config) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in rules.all().iter().filter(|r| config.is_enabled(r.id)) {
        if rule.matcher.has_terraform() {
            crate::terraform::check::run_rule(module, rule, &mut findings, crate::terraform::check::Subjects::All);
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workspace where only the rules these tests are about run: the catalog grows, and these tests are
    /// about the workspace, not about the other rules.
    fn workspace() -> Workspace {
        let mut config = Config::default();
        config.disabled = crate::catalog::all()
            .iter()
            .filter(|r| !["s3-public-acl", "s3-public-write-acl", "rds-storage-unencrypted"].contains(&r.id))
            .map(|r| r.id.to_string())
            .collect();
        let mut ws = Workspace::new(crate::catalog::rules());
        ws.set_config(config);
        ws
    }

    #[test]
    fn findings_follow_edits_and_versions() {
        let mut ws = workspace();
        assert!(ws.open("/m/main.tf", "resource \"aws_s3_bucket\" \"b\" {\n  acl = \"private\"\n}\n", 1));
        assert!(ws.diagnostics("/m/main.tf").is_empty());
        let r = Range { start: crate::text::Position::new(1, 9), end: crate::text::Position::new(1, 16) };
        ws.change("/m/main.tf", 2, &[(Some(r), "public-read".into())], PositionEncoding::Utf16).unwrap();
        let diags = ws.diagnostics("/m/main.tf");
        assert_eq!(diags.iter().map(|d| d.code).collect::<Vec<_>>(), ["s3-public-acl"]);
        assert_eq!(
            ws.change("/m/main.tf", 2, &[(None, String::new())], PositionEncoding::Utf16),
            Err(ChangeError::StaleVersion { have: 2, got: 2 })
        );
    }

    #[test]
    fn suppression_comments_silence_findings_and_unused_ones_are_noted() {
        let mut ws = workspace();
        let text = "# onus:ignore:s3-public-acl the site is public\nresource \"aws_s3_bucket\" \"a\" {\n  acl = \"public-read\"\n}\n\nresource \"aws_s3_bucket\" \"b\" {\n  #checkov:skip=CKV_AWS_20:reviewed\n  acl = \"public-read\"\n}\n\n# onus:ignore:s3-public-acl\nresource \"aws_s3_bucket\" \"c\" {\n  acl = \"private\"\n}\n# onus:ignore:no-such-rule\nresource \"aws_s3_bucket\" \"d\" {\n  acl = \"public-read-write\"\n}\n";
        ws.open("/s/main.tf", text, 1);
        let report = ws.report("/s/main.tf");
        assert_eq!(report.suppressed.len(), 2);
        let codes: Vec<_> = report.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["unused-suppression", "unknown-rule", "s3-public-write-acl"]);
        // The finding on `d` offers a suppression that works.
        let fix = ws.suppression_fix("/s/main.tf", &report.diagnostics[2]).unwrap();
        ws.open("/s/main.tf", &fix.apply(text), 2);
        assert!(ws.report("/s/main.tf").diagnostics.iter().all(|d| d.code != "s3-public-write-acl"));
    }

    /// One problem, one finding: where several rules report it, the most specific carries the others; each rule
    /// stays separately suppressible, and a group with no carrier is not folded.
    #[test]
    fn findings_of_one_problem_fold_into_the_most_specific() {
        let only = ["sg-ssh-open-to-world", "sg-sensitive-port-open-to-world", "sg-ingress-open-to-world"];
        let only = only.iter().chain(&["s3-public-acl", "s3-pab-block-public-acls", "s3-pab-ignore-public-acls"]);
        let only: Vec<&str> = only.copied().collect();
        let mut config = Config::default();
        config.disabled =
            crate::catalog::all().iter().filter(|r| !only.contains(&r.id)).map(|r| r.id.to_string()).collect();
        let mut ws = Workspace::new(crate::catalog::rules());
        ws.set_config(config);
        let text = r#"resource "aws_security_group" "web" {
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_s3_bucket" "site" {
  acl = "public-read"
}

"#;
        ws.open("/f/main.tf", text, 1);
        let diags = ws.diagnostics("/f/main.tf");
        let shown: Vec<(&str, Vec<&str>)> =
            diags.iter().map(|d| (d.code, d.also.iter().map(|a| a.rule.id).collect())).collect();
        assert!(
            shown.contains(&(
                "sg-ssh-open-to-world",
                vec!["sg-sensitive-port-open-to-world", "sg-ingress-open-to-world"]
            )),
            "{shown:?}"
        );
        assert!(shown.iter().all(|(code, _)| !code.starts_with("sg-") || *code == "sg-ssh-open-to-world"), "{shown:?}");
        // The same in a template; without a public ACL, the access block's settings are problems of their own.
        let template = |acl: &str| {
            format!("Resources:\n  Site:\n    Type: AWS::S3::Bucket\n    Properties:\n{acl}      PublicAccessBlockConfiguration:\n        BlockPublicAcls: false\n        IgnorePublicAcls: false\n")
        };
        ws.open("/f/site.yaml", &template("      AccessControl: PublicRead\n"), 1);
        let shown: Vec<(&str, Vec<&str>)> = ws
            .diagnostics("/f/site.yaml")
            .iter()
            .map(|d| (d.code, d.also.iter().map(|a| a.rule.id).collect()))
            .collect();
        assert_eq!(shown, [("s3-public-acl", vec!["s3-pab-block-public-acls", "s3-pab-ignore-public-acls"])]);
        ws.open("/f/site.yaml", &template(""), 2);
        let shown: Vec<(&str, usize)> = ws.diagnostics("/f/site.yaml").iter().map(|d| (d.code, d.also.len())).collect();
        assert_eq!(shown, [("s3-pab-block-public-acls", 0), ("s3-pab-ignore-public-acls", 0)]);
        // Suppressing the carrier's group silences all of it; suppressing the carrier alone shows the others.
        let ssh = diags.iter().find(|d| d.code == "sg-ssh-open-to-world").unwrap();
        let fixed = ws.suppression_fix("/f/main.tf", ssh).unwrap().apply(text);
        ws.open("/f/main.tf", &fixed, 2);
        assert!(ws.diagnostics("/f/main.tf").iter().all(|d| !d.code.starts_with("sg-")));
        let only_ssh = text.replace(
            "resource \"aws_security_group\"",
            "# onus:ignore:sg-ssh-open-to-world\nresource \"aws_security_group\"",
        );
        ws.open("/f/main.tf", &only_ssh, 3);
        let diags = ws.diagnostics("/f/main.tf");
        let sg: Vec<(&str, usize)> =
            diags.iter().filter(|d| d.code.starts_with("sg-")).map(|d| (d.code, d.also.len())).collect();
        assert_eq!(sg, [("sg-sensitive-port-open-to-world", 1)]);
    }

    #[test]
    fn hover_and_code_lens_show_the_duties() {
        let mut ws = workspace();
        ws.open("/h/main.tf", "resource \"aws_s3_bucket\" \"b\" {\n  acl = \"public-read\"\n}\n", 1);
        let report = ws.report("/h/main.tf");
        let resources = ws.resources("/h/main.tf");
        let lens = crate::lens::code_lens(ws.rules(), &resources[0], &report).unwrap();
        assert!(lens.starts_with("onus: 1 of "), "{lens}");
        let (_, on_type) = crate::lens::hover(ws.rules(), &report, &resources, 12).unwrap();
        assert!(
            on_type.contains("abstracted service") && on_type.contains("✗ open, found: S3 bucket ACL"),
            "{on_type}"
        );
        // A duty met reads as met: the problem its rule looks for is not there.
        assert!(on_type.contains("✓ met, not found: "), "{on_type}");
        // An instance's guest OS is the customer's: EC2 is an infrastructure service.
        ws.open("/h/vm.tf", "resource \"aws_instance\" \"vm\" {\n  ami = \"ami-1\"\n}\n", 1);
        let (vm_report, vm) = (ws.report("/h/vm.tf"), ws.resources("/h/vm.tf"));
        let (_, on_vm) = crate::lens::hover(ws.rules(), &vm_report, &vm, 12).unwrap();
        assert!(
            on_vm.contains("EC2, an infrastructure service") && on_vm.contains("guest operating system"),
            "{on_vm}"
        );
        let (_, on_finding) = crate::lens::hover(ws.rules(), &report, &resources, 40).unwrap();
        assert!(on_finding.contains("data-sharing") && on_finding.contains("quick-fix"), "{on_finding}");
    }

    #[test]
    fn terraform_json_is_analysed_like_hcl() {
        let mut ws = workspace();
        ws.add_disk_file("/j/variables.tf", "variable \"acl\" {\n  default = \"public-read\"\n}\n");
        let json = r#"{"resource": {"aws_s3_bucket": {"a": {"acl": "${var.acl}"}, "b": [{"acl": "private"}]},
            "aws_db_instance": {"db": {"engine": "mysql", "storage_encrypted": false}}}}"#;
        ws.open("/j/main.tf.json", json, 1);
        let diags = ws.diagnostics("/j/main.tf.json");
        let codes: Vec<_> = diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["s3-public-acl", "rds-storage-unencrypted"]);
        assert_eq!(&json[diags[0].range.start..diags[0].range.end], "\"acl\": \"${var.acl}\"");
        assert!(diags.iter().all(|d| d.fixes.is_empty() && ws.suppression_fix("/j/main.tf.json", d).is_none()));
        // A finding about what a resource leaves out points at the resource's name, not at `"resource"`.
        ws.open("/j/main.tf.json", r#"{"resource": {"aws_db_instance": {"db": {"engine": "mysql"}}}}"#, 2);
        let diags = ws.diagnostics("/j/main.tf.json");
        let unencrypted = diags.iter().find(|d| d.code == "rds-storage-unencrypted").unwrap();
        assert_eq!(unencrypted.range, TextRange::new(34, 38), "the key \"db\"");
    }

    #[test]
    fn cloudformation_templates_get_findings_metadata_suppressions_and_lens() {
        let mut ws = workspace();
        let yaml = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Open:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n  Reviewed:\n    Type: AWS::S3::Bucket\n    Metadata:\n      onus:\n        ignore: [s3-public-acl]\n    Properties:\n      AccessControl: PublicRead\n  Stale:\n    Type: AWS::S3::Bucket\n    Metadata:\n      checkov:\n        skip:\n          - id: CKV_AWS_20\n      onus:\n        ignore: [s3-public-acl]\n";
        ws.open("/c/template.yaml", yaml, 1);
        let report = ws.report("/c/template.yaml");
        let codes: Vec<_> = report.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["s3-public-acl", "unused-suppression"]);
        assert_eq!(report.suppressed.len(), 1);
        let resources = ws.resources("/c/template.yaml");
        assert_eq!(resources.len(), 3);
        assert!(crate::lens::code_lens(ws.rules(), &resources[0], &report).unwrap().contains("open"));
        // The suppression edit writes Metadata in the template's style, and it works.
        let fix = ws.suppression_fix("/c/template.yaml", &report.diagnostics[0]).unwrap();
        ws.open("/c/template.yaml", &fix.apply(yaml), 2);
        let report = ws.report("/c/template.yaml");
        assert!(report.diagnostics.iter().all(|d| d.code != "s3-public-acl" && d.code != "syntax-error"), "{report:?}");
        assert_eq!(report.suppressed.len(), 2);
    }

    #[test]
    fn only_the_documents_being_worked_on_keep_their_trees() {
        let mut ws = workspace();
        // (Terraform keeps no tree at all: templates do.)
        let bucket = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n";
        for i in 0..HOT_TREES + 4 {
            ws.open(&format!("/t{i}/t.yaml"), bucket, 1);
            ws.diagnostics(&format!("/t{i}/t.yaml"));
        }
        let with_trees = ws.entries.values().filter(|e| e.doc.has_tree()).count();
        assert_eq!(with_trees, HOT_TREES);
        // A cold document still reports, from its caches, and an edit to it works from a full parse.
        assert_eq!(ws.diagnostics("/t0/t.yaml").iter().map(|d| d.code).collect::<Vec<_>>(), ["s3-public-acl"]);
        let r = Range { start: crate::text::Position::new(5, 21), end: crate::text::Position::new(5, 31) };
        ws.change("/t0/t.yaml", 2, &[(Some(r), "Private".into())], PositionEncoding::Utf16).unwrap();
        assert!(ws.diagnostics("/t0/t.yaml").iter().all(|d| d.code != "s3-public-acl"));
    }

    #[test]
    fn a_module_keeps_its_analysis_until_the_day_or_the_configuration_changes() {
        let mut ws = workspace();
        let day = crate::date::Date::new(2026, 11, 29);
        ws.set_today(day);
        ws.open("/k/main.tf", "resource \"aws_s3_bucket\" \"b\" {\n  acl = \"public-read\"\n}\n", 1);
        assert_eq!(ws.diagnostics("/k/main.tf").len(), 1);
        assert_eq!(ws.analyses.len(), 1);
        // A server says what day it is before every analysis.
        ws.set_today(day);
        assert_eq!(ws.analyses.len(), 1);
        ws.set_today(crate::date::Date::new(2026, 11, 30));
        assert!(ws.analyses.is_empty());
        assert_eq!(ws.diagnostics("/k/main.tf").len(), 1);
        ws.set_config(ws.config().clone());
        assert!(ws.analyses.is_empty());
        ws.close("/k/main.tf", None);
        ws.diagnostics("/k/main.tf");
        assert!(ws.analyses.is_empty(), "a module with no file left keeps no analysis");
    }

    #[test]
    fn variables_resolve_across_the_files_of_a_module() {
        let mut ws = workspace();
        ws.open("/m/main.tf", "resource \"aws_s3_bucket\" \"b\" {\n  acl = var.acl\n}\n", 1);
        ws.add_disk_file("/m/variables.tf", "variable \"acl\" {\n  default = \"private\"\n}\n");
        assert!(ws.diagnostics("/m/main.tf").is_empty());
        ws.add_disk_file("/m/terraform.tfvars", "acl = \"public-read-write\"\n");
        assert_eq!(ws.diagnostics("/m/main.tf").len(), 1);
        // `*.auto.tfvars` override `terraform.tfvars`, whatever their names sort as.
        ws.add_disk_file("/m/a.auto.tfvars", "acl = \"private\"\n");
        assert!(ws.diagnostics("/m/main.tf").is_empty());
        ws.add_disk_file("/m/b.auto.tfvars", "acl = \"public-read\"\n");
        assert_eq!(ws.diagnostics("/m/main.tf").len(), 1);
        // Another folder is another module.
        ws.open("/other/main.tf", "resource \"aws_s3_bucket\" \"b\" {\n  acl = var.acl\n}\n", 1);
        assert!(ws.diagnostics("/other/main.tf").is_empty());
    }
}
