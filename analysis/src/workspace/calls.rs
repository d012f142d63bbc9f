//! Module calls in the workspace: every `module` block whose source is a local folder of the workspace (or a
//! module `terraform init` downloaded, listed in `.terraform/modules/modules.json`) is analysed as an instance
//! of that module with its caller's arguments (and each instance of a call with `count` or `for_each`), to any
//! depth; the module's outputs flow back to the caller.
//!
//! A finding an instance has and the module alone does not (an argument caused it) is reported twice: in the
//! module's file, at the resource, naming the call chain (`module.site.aws_s3_bucket.this`), and at the call,
//! on the argument, with the fix written there when the module's fix replaces exactly that `var.x`. A finding
//! the module has on its own is reported once, in the module, as when its folder is opened alone.
//!
//! Sources outside the workspace, folders with no Terraform file, and cycles are diagnostics on the `source`
//! line; nothing outside the workspace is read (the caller reads only the folders [`Workspace::wanted_folders`]
//! names, all inside its roots).

use std::collections::HashMap;
use std::sync::Arc;

use super::{folder_of, Diagnostic, Workspace};
use crate::finding::Finding;
use crate::fix::{Edit, Fix};
use crate::rule::Severity;
use crate::terraform::calls::{self, Source};
use crate::terraform::check::{run_rule, Subjects};
use crate::terraform::expand::{Expanded, Expansions};
use crate::terraform::model::Block;
use crate::terraform::reads::Dep;
use crate::terraform::{edit, Given, Module, TfFile};
use crate::text::TextRange;
use crate::value::Value;

/// How deep calls are followed (a chain of local modules deeper than this is not a real configuration).
const MAX_DEPTH: usize = 16;

/// A finding of a module instance, in one of its files (or a file of a module it calls in turn).
#[derive(Clone, Debug)]
pub(crate) struct InstanceFinding {
    pub path: String,
    /// The calls below the instance that lead to the file (`["inner"]` for a finding in a module the instance
    /// calls); empty for the instance's own files.
    pub below: Vec<String>,
    pub finding: Finding,
}

/// One analysis of a module with given arguments.
#[derive(Debug)]
pub(crate) struct InstanceRun {
    pub findings: Vec<InstanceFinding>,
    pub outputs: Value,
    /// Diagnostics about the module's own calls (missing folders, cycles), by path.
    pub notes: Vec<(String, Diagnostic)>,
    /// The stamps of the files of every module folder the run read (its own and those it calls, to any depth):
    /// a kept run is reused only while they are the same.
    pub read: Vec<(String, Vec<u64>)>,
}

/// What the calls of a module gave: per call, its instances' runs; the diagnostics about calls.
#[derive(Default)]
pub(crate) struct Calls {
    pub calls: Vec<CallRun>,
    pub notes: Vec<(String, Diagnostic)>,
}

/// The runs of one call's instances.
pub(crate) struct CallRun {
    /// The caller's file (its path) and the call block's range and header.
    pub path: String,
    pub range: TextRange,
    pub header: TextRange,
    pub name: String,
    /// Each instance: its suffix (`[0]`, `["a"]`, none for a call without `count`/`for_each`), its arguments,
    /// with the range of each argument in the caller, and its run.
    pub instances: Vec<(Option<String>, Vec<Argument>, Arc<InstanceRun>)>,
}

/// An argument of a call: its name, the range of `name = value` and of the value, in the caller.
type Argument = (String, TextRange, TextRange);

/// What a module folder finds on its own (see [`Workspace::own`]).
pub(crate) struct Own {
    stamps: Vec<u64>,
    /// Rule, path, range, message.
    findings: std::collections::HashSet<(&'static str, String, TextRange, Arc<str>)>,
    /// What each rule's run read, by rule id.
    reads: crate::fast_hash::FastMap<&'static str, crate::fast_hash::FastSet<u64>>,
    variables: HashMap<String, Value>,
}

/// A note (a diagnostic that is not a rule's finding) about a call.
fn note(range: TextRange, severity: Severity, code: &'static str, message: String) -> Diagnostic {
    Diagnostic { severity, ..Diagnostic::note(range, code, message) }
}

impl Workspace {
    /// The folders of the modules the module holding `path` calls, to any depth, that the workspace has no
    /// file of yet: the caller reads their Terraform files (all inside the workspace's roots) before analysing.
    pub fn wanted_folders(&mut self, path: &str) -> Vec<String> {
        let mut wanted = Vec::new();
        let mut seen = vec![folder_of(path).to_string()];
        let mut queue = vec![(folder_of(path).to_string(), folder_of(path).to_string(), String::new())];
        while let Some((folder, root, key)) = queue.pop() {
            for (model, i) in self.call_blocks(&folder) {
                let block = &model.blocks[i];
                let name = block.label(0).unwrap_or("").to_string();
                let key = if key.is_empty() { name } else { format!("{key}.{name}") };
                let Some(Ok(target)) = self.resolve(&folder, &root, &key, block) else { continue };
                if seen.contains(&target) {
                    continue;
                }
                seen.push(target.clone());
                if !self.has_terraform_files(&target) {
                    wanted.push(target.clone());
                }
                queue.push((target, root.clone(), key));
            }
        }
        wanted
    }

    /// The folders whose reports depend on the module of `path`: those that call it and those it calls, to any
    /// depth, as far as the workspace's analyses have seen them.
    pub fn related_folders(&self, path: &str) -> Vec<String> {
        let start = folder_of(path).to_string();
        let mut out: Vec<String> = Vec::new();
        let mut queue = vec![start.clone()];
        while let Some(folder) = queue.pop() {
            let children = self.called.get(&folder).into_iter().flatten();
            let callers = self.called.iter().filter(|(_, c)| c.contains(&folder)).map(|(f, _)| f);
            for f in children.chain(callers) {
                if *f != start && !out.contains(f) {
                    out.push(f.clone());
                    queue.push(f.clone());
                }
            }
        }
        out
    }

    /// Whether the module of folder `caller` calls that of folder `callee`, directly or through other modules,
    /// as far as the workspace's analyses have seen.
    pub fn calls_into(&self, caller: &str, callee: &str) -> bool {
        let mut seen: Vec<&str> = Vec::new();
        let mut queue = vec![caller];
        while let Some(folder) = queue.pop() {
            for child in self.called.get(folder).into_iter().flatten() {
                if child == callee {
                    return true;
                }
                if !seen.contains(&child.as_str()) {
                    seen.push(child);
                    queue.push(child);
                }
            }
        }
        false
    }

    fn has_terraform_files(&self, folder: &str) -> bool {
        self.entries_in(folder).any(|(_, e)| e.doc.kind().is_terraform())
    }

    /// The `module` blocks of a folder's Terraform files: each file's model and the block's index in it.
    fn call_blocks(&mut self, folder: &str) -> Vec<(Arc<TfFile>, usize)> {
        let paths = self.terraform_paths_in(folder);
        let mut out = Vec::new();
        for p in paths {
            if let Some(model) = self.model(&p) {
                out.extend(model.index.of_kind("module").iter().map(|&i| (model.clone(), i)));
            }
        }
        out
    }

    /// The folder a call's module is in: `Some(Ok(folder))`, `Some(Err(note))` when it cannot be followed (outside
    /// the workspace), `None` when onus does not follow such sources (a registry module not downloaded).
    fn resolve(&self, folder: &str, root: &str, key: &str, call: &Block) -> Option<Result<String, Diagnostic>> {
        let (source, range) = calls::source_of(call)?;
        let target = match source {
            Source::Local(rel) => calls::join(folder, &rel),
            // A downloaded module: `terraform init` wrote where.
            Source::Remote(_) => {
                let dir = self.manifests.get(root)?.get(key)?;
                calls::join(root, dir)
            }
        };
        // Without roots (the caller did not say what the workspace is), no source is followed.
        if self.roots.is_empty() {
            return None;
        }
        let inside = |t: &str| self.roots.iter().any(|r| calls::is_inside(t, r));
        Some(match target {
            Some(t) if inside(&t) => Ok(t),
            _ => {
                let written = call.attr("source").and_then(|a| a.expr.as_literal_str()).unwrap_or("");
                let message = format!("module source `{written}` is outside the workspace: onus does not read it");
                Err(note(range, Severity::Hint, "module-outside-workspace", message))
            }
        })
    }

    /// Runs the calls of `module` (the module of `folder`, whose files are `paths`), setting its outputs in its
    /// scope: each call's instances, in an order where a call reading another's outputs comes after it.
    pub(crate) fn run_calls(
        &mut self,
        folder: &str,
        root: &str,
        key: &str,
        module: &mut Module,
        paths: &[String],
        visiting: &mut Vec<String>,
    ) -> Calls {
        let mut out = Calls::default();
        let mut called = Vec::new();
        // The calls, by name, in an order where a call reading `module.x` comes after `x`.
        let mut blocks: Vec<(usize, &Block)> = Vec::new();
        for (file, f) in module.files.iter().enumerate() {
            blocks.extend(f.index.of_kind("module").iter().map(|&i| (file, &f.blocks[i])));
        }
        let blocks = in_dependency_order(blocks);
        for (file, call) in blocks {
            let name = call.label(0).unwrap_or("").to_string();
            let call_key = if key.is_empty() { name.clone() } else { format!("{key}.{name}") };
            let target = match self.resolve(folder, root, &call_key, call) {
                None => continue,
                Some(Err(diagnostic)) => {
                    out.notes.push((paths[file].clone(), diagnostic));
                    continue;
                }
                Some(Ok(target)) => target,
            };
            let (_, source_range) = calls::source_of(call).expect("resolved");
            if visiting.contains(&target) || visiting.len() > MAX_DEPTH {
                let chain = visiting.iter().chain(std::iter::once(&target)).cloned().collect::<Vec<_>>().join(" → ");
                let message = format!("module cycle: {chain}; the call is not analysed");
                out.notes.push((paths[file].clone(), note(source_range, Severity::Error, "module-cycle", message)));
                continue;
            }
            // (Recorded even when missing: the caller is related to the folder, and is analysed again when
            // its files arrive.)
            called.push(target.clone());
            if !self.has_terraform_files(&target) {
                let written = call.attr("source").and_then(|a| a.expr.as_literal_str()).unwrap_or("");
                let message = format!("module source `{written}`: no Terraform file in `{target}`");
                out.notes.push((paths[file].clone(), note(source_range, Severity::Error, "module-not-found", message)));
                continue;
            }
            // Each instance of the call, with the arguments it gives.
            let instances: Vec<(Option<String>, &Block)> = match module.expander.block(&module.scope, call) {
                Expanded::One(b) => vec![(None, b)],
                Expanded::Instances(v, n) if n > 1 || v.len() != 1 => {
                    v.into_iter().map(|(k, b)| (Some(k.suffix()), b)).collect()
                }
                Expanded::Instances(v, _) => v.into_iter().map(|(_, b)| (None, b)).collect(),
            };
            let mut runs = Vec::new();
            let mut outputs = Vec::new();
            for (suffix, instance) in instances {
                let arguments = calls::arguments(module, instance);
                let ranges: Vec<Argument> = instance
                    .attributes
                    .iter()
                    .filter(|a| arguments.contains_key(&a.name))
                    .map(|a| (a.name.clone(), a.range, a.expr.range))
                    .collect();
                visiting.push(target.clone());
                let run = self.instance_run(&target, root, &call_key, arguments, visiting);
                visiting.pop();
                outputs.push((suffix.clone(), run.outputs.clone()));
                runs.push((suffix, ranges, run));
            }
            // What `module.<name>` is to the caller: the outputs, or a list or map of them.
            let value = match outputs.as_slice() {
                [(None, v)] => v.clone(),
                _ if call.attr("count").is_some() => Value::List(outputs.into_iter().map(|(_, v)| v).collect()),
                _ => Value::Map(
                    outputs
                        .into_iter()
                        .map(|(k, v)| {
                            let key = k.unwrap_or_default();
                            (key.trim_start_matches("[\"").trim_end_matches("\"]").to_string(), v)
                        })
                        .collect(),
                ),
            };
            module.scope.module_outputs.insert(name.clone(), value);
            module.scope.forget_local_values();
            out.calls.push(CallRun {
                path: paths[file].clone(),
                range: call.range,
                header: call.header,
                name,
                instances: runs,
            });
        }
        called.sort();
        called.dedup();
        self.called.insert(folder.to_string(), called);
        out
    }

    /// The run of the module in `folder` with `arguments` (kept while its files and the arguments are the same).
    fn instance_run(
        &mut self,
        folder: &str,
        root: &str,
        key: &str,
        arguments: crate::fast_hash::FastMap<String, Value>,
        visiting: &mut Vec<String>,
    ) -> Arc<InstanceRun> {
        let (paths, models) = self.instance_files(folder);
        let mut sorted: Vec<(&String, &Value)> = arguments.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(b.0));
        let stamps: Vec<u64> = models.iter().map(|m| m.stamp).collect();
        // Kept by what an instance is (the module, the call chain from the root, the arguments): a run over
        // newer files replaces it, so a keystroke in a module frees one stale run per instance, not thousands
        // at once when the bound is reached.
        let instance = crate::terraform::reads::fingerprint(&(folder, root, key, &sorted));
        let fingerprint = crate::terraform::reads::fingerprint(&(&stamps, format!("{:?}", self.today)));
        if let Some((kept, run)) = self.instance_runs.get(&instance).cloned() {
            // (Its own files are in the fingerprint; the modules it calls may have changed since.)
            if kept == fingerprint && run.read.iter().skip(1).all(|(f, stamps)| self.instance_stamps(f) == *stamps) {
                return run;
            }
        }
        let expansions = Expansions::new();
        let files: Vec<&TfFile> = models.iter().map(|m| m.as_ref()).collect();
        let mut module = Module::given(files, &expansions, Given::Call(&arguments));
        module.today = self.today;
        let calls = self.run_calls(folder, root, key, &mut module, &paths, visiting);
        // What differs from the module on its own: variables of other values, the calls' outputs.
        let own = self.own(folder);
        let mut differs: crate::fast_hash::FastSet<u64> = Default::default();
        let now = module.scope.variables();
        for (name, value) in &now {
            if own.variables.get(*name) != Some(*value) {
                differs.insert(Dep::Variable(name).fingerprint());
            }
        }
        differs.extend(
            own.variables.keys().filter(|n| !now.contains_key(n.as_str())).map(|n| Dep::Variable(n).fingerprint()),
        );
        differs.extend(module.scope.module_outputs.keys().map(|n| Dep::Module(n).fingerprint()));
        drop(now);
        let mut findings = Vec::new();
        for rule in self.rules.all().iter().filter(|r| self.config.is_enabled(r.id) && r.matcher.has_terraform()) {
            // A rule that read nothing that differs finds what the module finds alone: nothing of the instance's.
            let reads = own.reads.get(rule.id);
            if reads.is_some_and(|r| r.is_disjoint(&differs)) {
                continue;
            }
            run_rule(&module, rule, &mut findings, Subjects::All);
        }
        let mut run = InstanceRun {
            outputs: calls::outputs(&module),
            notes: calls.notes,
            findings: Vec::new(),
            read: vec![(folder.to_string(), stamps)],
        };
        run.findings.extend(findings.into_iter().map(|f| InstanceFinding {
            path: paths[f.file].clone(),
            below: Vec::new(),
            finding: f,
        }));
        for call in calls.calls {
            for (_, _, inner) in &call.instances {
                run.findings.extend(inner.findings.iter().map(|f| {
                    let mut below = vec![call.name.clone()];
                    below.extend(f.below.iter().cloned());
                    InstanceFinding { below, ..f.clone() }
                }));
                run.notes.extend(inner.notes.iter().cloned());
                for read in &inner.read {
                    if !run.read.iter().any(|(f, _)| *f == read.0) {
                        run.read.push(read.clone());
                    }
                }
            }
        }
        // (Called folders with no Terraform file yet are read too: the run is redone when files arrive there.)
        for target in self.called.get(folder).cloned().unwrap_or_default() {
            if !run.read.iter().any(|(f, _)| *f == target) {
                let stamps = self.instance_stamps(&target);
                run.read.push((target, stamps));
            }
        }
        let run = Arc::new(run);
        // (A workspace keeps a bounded number: a run per call instance of each open module.)
        if self.instance_runs.len() > 4096 {
            self.instance_runs.clear();
        }
        self.instance_runs.insert(instance, (fingerprint, run.clone()));
        run
    }

    /// The files of the module in `folder` an instance is made of (its `.tfvars` files are not: a caller gives
    /// the variables), with their models.
    fn instance_files(&mut self, folder: &str) -> (Vec<String>, Vec<Arc<TfFile>>) {
        self.folder_models(folder, false)
    }

    /// The Terraform files of `folder` the configuration does not exclude (its `.tfvars` files too when
    /// `tfvars`) that have a model, and the models, in the same order.
    fn folder_models(&mut self, folder: &str, tfvars: bool) -> (Vec<String>, Vec<Arc<TfFile>>) {
        let paths: Vec<String> = self
            .terraform_paths_in(folder)
            .into_iter()
            .filter(|p| tfvars || !p.ends_with(".tfvars"))
            .filter(|p| !self.config.is_excluded(p))
            .collect();
        let (mut with_models, mut models) = (Vec::new(), Vec::new());
        for p in paths {
            if let Some(m) = self.model(&p) {
                with_models.push(p);
                models.push(m);
            }
        }
        (with_models, models)
    }

    fn instance_stamps(&mut self, folder: &str) -> Vec<u64> {
        self.instance_files(folder).1.iter().map(|m| m.stamp).collect()
    }

    /// What a module's folder finds on its own (as when it is opened alone: a root module, its tfvars
    /// loaded), with what each rule's run read and the variables' values it judged with: an instance reruns only
    /// the rules that read a variable whose value differs in it (the others find what the module finds alone).
    fn own(&mut self, folder: &str) -> Arc<Own> {
        let (paths, models) = self.folder_models(folder, true);
        let stamps: Vec<u64> = models.iter().map(|m| m.stamp).collect();
        if let Some(own) = self.own.get(folder) {
            if own.stamps == stamps {
                return own.clone();
            }
        }
        let expansions = Expansions::new();
        let mut module = Module::new(models.iter().map(|m| m.as_ref()).collect(), &expansions);
        module.today = self.today;
        let mut findings = Vec::new();
        let mut reads = crate::fast_hash::FastMap::default();
        for rule in self.rules.all().iter().filter(|r| self.config.is_enabled(r.id) && r.matcher.has_terraform()) {
            let ((), deps) = module.reads().frame(|| run_rule(&module, rule, &mut findings, Subjects::All));
            reads.insert(rule.id, deps);
        }
        // What each run read, through the memos it read (a local reading a variable, an index).
        let memos = module.reads().memo_deps();
        let expand = |deps: Vec<u64>| {
            let mut out: crate::fast_hash::FastSet<u64> = Default::default();
            let mut stack = deps;
            while let Some(d) = stack.pop() {
                if out.insert(d) {
                    stack.extend(memos.get(&d).into_iter().flatten());
                }
            }
            out
        };
        let reads = reads.into_iter().map(|(id, deps)| (id, expand(deps))).collect();
        drop(memos);
        let variables = module.scope.variables().into_iter().map(|(n, v)| (n.to_string(), v.clone())).collect();
        let found = findings.into_iter().map(|f| (f.rule.id, paths[f.file].clone(), f.range, f.message)).collect();
        let own = Arc::new(Own { stamps, findings: found, reads, variables });
        self.own.insert(folder.to_string(), own.clone());
        own
    }

    /// Turns the runs of a module's calls into diagnostics: at each call (in the caller's files), and in the
    /// called modules' files (kept for when those files are reported: [`Workspace::instance_diagnostics`]).
    pub(crate) fn report_calls(&mut self, caller: &str, calls: Calls) -> Vec<(String, Diagnostic)> {
        let mut at_calls: Vec<(String, Diagnostic)> = calls.notes;
        let mut in_modules: HashMap<String, Vec<Diagnostic>> = HashMap::new();
        for call in calls.calls {
            for (suffix, arguments, run) in &call.instances {
                let chain = format!("module.{}{}", call.name, suffix.as_deref().unwrap_or(""));
                // Diagnostics about the module's own calls go to its files.
                for (path, d) in &run.notes {
                    in_modules.entry(path.clone()).or_default().push(d.clone());
                }
                for f in &run.findings {
                    let folder = folder_of(&f.path).to_string();
                    let own = self.own(&folder);
                    let key = (f.finding.rule.id, f.path.clone(), f.finding.range, f.finding.message.clone());
                    if own.findings.contains(&key) {
                        continue;
                    }
                    let mut full = chain.clone();
                    for b in &f.below {
                        full.push_str(&format!(".module.{b}"));
                    }
                    let message: Arc<str> = chained(&f.finding.message, &full).into();
                    // In the module's file, at the resource.
                    let mut in_module = Diagnostic::from_finding(f.finding.clone());
                    in_module.message = message.clone();
                    in_module.fixes.clear();
                    in_modules.entry(f.path.clone()).or_default().push(in_module);
                    // At the call, on the arguments that decide it (or on the call).
                    let variables = self.variables_deciding(caller, &call, f);
                    let given: Vec<&Argument> =
                        arguments.iter().filter(|(name, ..)| variables.contains(name)).collect();
                    let fix =
                        if f.below.is_empty() { self.fix_at_call(&f.path, &f.finding, &call, arguments) } else { None };
                    let mut place = |range: TextRange| {
                        let mut d = Diagnostic::from_finding(f.finding.clone());
                        d.range = range;
                        d.message = message.clone();
                        d.resource = Some(call.range);
                        d.fixes = fix.clone().into_iter().collect();
                        at_calls.push((call.path.clone(), d));
                    };
                    if given.is_empty() {
                        place(call.header);
                    } else {
                        for (_, range, _) in given {
                            place(*range);
                        }
                    }
                }
            }
        }
        // Each module file keeps what this caller found in it.
        for diagnostics in self.instance_diagnostics.values_mut() {
            diagnostics.retain(|(from, _)| from != caller);
        }
        for (path, diagnostics) in in_modules {
            let kept = self.instance_diagnostics.entry(path).or_default();
            kept.extend(diagnostics.into_iter().map(|d| (caller.to_string(), d)));
        }
        at_calls
            .sort_by(|a, b| (a.0.as_str(), a.1.range.start, a.1.code).cmp(&(b.0.as_str(), b.1.range.start, b.1.code)));
        at_calls.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
        at_calls
    }

    /// The variables of the called module (the instance's arguments) that decide a finding of the instance: those
    /// the finding's attribute reads, followed back through the calls below the instance when the finding is in a
    /// module it calls (`module "store" { acl = var.acl }` makes the inner `var.acl` the instance's `acl`).
    fn variables_deciding(&mut self, caller: &str, call: &CallRun, f: &InstanceFinding) -> Vec<String> {
        let Some(model) = self.model(&f.path) else { return Vec::new() };
        let mut variables = calls::variables_at(&model, f.finding.range);
        if f.below.is_empty() {
            return variables;
        }
        // The call blocks from the instance down to the finding's module.
        let Some(block) = self.model(&call.path).and_then(|m| m.blocks.iter().find(|b| b.range == call.range).cloned())
        else {
            return Vec::new();
        };
        let mut key = call.name.clone();
        let Some(Ok(mut folder)) = self.resolve(folder_of(&call.path), caller, &key, &block) else { return Vec::new() };
        let mut chain: Vec<Block> = Vec::new();
        for name in &f.below {
            let calls = self.call_blocks(&folder);
            let Some(block) = calls.iter().map(|(m, i)| &m.blocks[*i]).find(|b| b.label(0) == Some(name)).cloned()
            else {
                return Vec::new();
            };
            key = format!("{key}.{name}");
            let Some(Ok(next)) = self.resolve(&folder, caller, &key, &block) else { return Vec::new() };
            chain.push(block);
            folder = next;
        }
        for block in chain.iter().rev() {
            let read = block
                .attributes
                .iter()
                .filter(|a| variables.contains(&a.name))
                .flat_map(|a| calls::variables_in(&a.expr));
            let mut next: Vec<String> = read.collect();
            next.sort();
            next.dedup();
            variables = next;
        }
        variables
    }

    /// The fix of a module's finding, written at the call: when the module's fix replaces exactly a `var.x`
    /// that the call sets (or could set), the call's argument is set instead.
    fn fix_at_call(
        &mut self,
        module_path: &str,
        finding: &Finding,
        call: &CallRun,
        arguments: &[Argument],
    ) -> Option<Fix> {
        let fix = finding.fixes.first()?;
        let [edit] = fix.edits.as_slice() else { return None };
        let model = self.model(module_path)?;
        let variable = find_expr(&model.blocks, edit.range).and_then(calls::plain_variable)?.to_string();
        let caller = self.model(&call.path)?;
        let block = caller.blocks.iter().find(|b| b.range == call.range)?;
        let edit = match arguments.iter().find(|(name, ..)| *name == variable) {
            Some((_, _, expr)) => Edit { range: *expr, text: edit.text.clone() },
            None => edit::set_attribute(&caller, block, &variable, &edit.text),
        };
        let title = format!("{} (at the call: `{variable}`)", fix.title);
        Some(Fix { title, edits: vec![edit], preferred: fix.preferred })
    }
}

/// The expression at exactly `range` in `blocks`.
fn find_expr(blocks: &[Block], range: TextRange) -> Option<&crate::terraform::model::Expr> {
    for b in blocks {
        if b.range.start > range.start || range.end > b.range.end {
            continue;
        }
        if let Some(a) = b.attributes.iter().find(|a| a.expr.range == range) {
            return Some(&a.expr);
        }
        if let Some(e) = find_expr(&b.blocks, range) {
            return Some(e);
        }
    }
    None
}

/// A module's message with the call chain before the resource's address (`module.site.aws_s3_bucket.this`).
fn chained(message: &str, chain: &str) -> String {
    match message.strip_prefix('`') {
        Some(rest) => format!("`{chain}.{rest}"),
        None => format!("`{chain}`: {message}"),
    }
}

/// Calls in an order where one reading `module.x` comes after the call `x` (a cycle keeps file order).
fn in_dependency_order(blocks: Vec<(usize, &Block)>) -> Vec<(usize, &Block)> {
    let names: Vec<&str> = blocks.iter().map(|(_, b)| b.label(0).unwrap_or("")).collect();
    let reads: Vec<Vec<String>> = blocks.iter().map(|(_, b)| calls::modules_read(b)).collect();
    let mut done = vec![false; blocks.len()];
    let mut out = Vec::with_capacity(blocks.len());
    while out.len() < blocks.len() {
        let before = out.len();
        for i in 0..blocks.len() {
            if done[i] {
                continue;
            }
            let ready = reads[i].iter().all(|r| names.iter().enumerate().all(|(j, n)| n != r || done[j] || j == i));
            if ready {
                done[i] = true;
                out.push(blocks[i]);
            }
        }
        if out.len() == before {
            // A cycle: the rest in file order.
            for i in 0..blocks.len() {
                if !done[i] {
                    done[i] = true;
                    out.push(blocks[i]);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::workspace::Workspace;

    /// A workspace at `/w` running only the rules these tests are about.
    fn workspace() -> Workspace {
        let mut config = crate::config::Config::default();
        config.disabled = crate::catalog::all()
            .iter()
            .filter(|r| !["s3-public-acl", "rds-storage-unencrypted"].contains(&r.id))
            .map(|r| r.id.to_string())
            .collect();
        let mut ws = Workspace::new(crate::catalog::rules());
        ws.set_config(config);
        ws.set_roots(vec!["/w".into()]);
        ws
    }

    const BUCKET: &str = "variable \"acl\" {\n  default = \"private\"\n}\nresource \"aws_s3_bucket\" \"this\" {\n  acl = var.acl\n}\noutput \"acl\" {\n  value = var.acl\n}\n";

    fn codes_and_lines(ws: &mut Workspace, path: &str) -> Vec<(String, usize, String)> {
        let text = ws.document(path).unwrap().text();
        ws.diagnostics(path)
            .into_iter()
            .map(|d| (d.code.to_string(), text[..d.range.start].matches('\n').count() + 1, d.message.to_string()))
            .collect()
    }

    #[test]
    fn a_call_s_arguments_are_judged_in_the_module_and_at_the_call() {
        let mut ws = workspace();
        ws.add_disk_file("/w/modules/bucket/main.tf", BUCKET);
        let root = "module \"site\" {\n  source = \"./modules/bucket\"\n  acl    = \"public-read\"\n}\nmodule \"private\" {\n  source = \"./modules/bucket\"\n}\n";
        ws.open("/w/main.tf", root, 1);
        let at_call = codes_and_lines(&mut ws, "/w/main.tf");
        assert_eq!(at_call.len(), 1, "{at_call:#?}");
        assert_eq!((at_call[0].0.as_str(), at_call[0].1), ("s3-public-acl", 3));
        assert!(at_call[0].2.starts_with("`module.site.aws_s3_bucket.this`"), "{}", at_call[0].2);
        // The fix is written at the call, on the argument.
        let report = ws.report("/w/main.tf");
        let fixed = report.diagnostics[0].fixes[0].apply(root);
        assert!(fixed.contains("acl    = \"private\""), "{fixed}");
        // In the module's file, at the resource, naming the call.
        let in_module = codes_and_lines(&mut ws, "/w/modules/bucket/main.tf");
        assert_eq!(in_module.len(), 1, "{in_module:#?}");
        assert_eq!(in_module[0].1, 5);
        assert!(in_module[0].2.starts_with("`module.site.aws_s3_bucket.this`"));
        // The fixed call: nothing left.
        ws.open("/w/main.tf", &fixed, 2);
        assert!(ws.diagnostics("/w/main.tf").is_empty());
        assert!(ws.diagnostics("/w/modules/bucket/main.tf").is_empty());
    }

    #[test]
    fn calls_with_count_for_each_nesting_and_outputs() {
        let mut ws = workspace();
        ws.add_disk_file("/w/modules/bucket/main.tf", BUCKET);
        ws.add_disk_file(
            "/w/modules/site/main.tf",
            "variable \"acl\" {}\nmodule \"inner\" {\n  source = \"../bucket\"\n  acl    = var.acl\n}\noutput \"acl\" {\n  value = module.inner.acl\n}\n",
        );
        let root = "module \"none\" {\n  source = \"./modules/bucket\"\n  count  = 0\n  acl    = \"public-read\"\n}\nmodule \"each\" {\n  source   = \"./modules/bucket\"\n  for_each = { a = \"public-read\", b = \"private\" }\n  acl      = each.value\n}\nmodule \"deep\" {\n  source = \"./modules/site\"\n  acl    = \"public-read\"\n}\nresource \"aws_s3_bucket\" \"from_output\" {\n  acl = module.deep.acl\n}\n";
        ws.open("/w/main.tf", root, 1);
        let found = codes_and_lines(&mut ws, "/w/main.tf");
        let lines: Vec<usize> = found.iter().map(|f| f.1).collect();
        // `each["a"]` on its argument; `deep` (two levels down) on its argument too, followed back through the
        // inner call's `acl = var.acl`; the output flows back to line 16.
        assert_eq!(lines, [9, 13, 16], "{found:#?}");
        assert!(found[0].2.starts_with("`module.each[\"a\"].aws_s3_bucket.this`"), "{}", found[0].2);
        assert!(found[1].2.starts_with("`module.deep.module.inner.aws_s3_bucket.this`"), "{}", found[1].2);
        let in_bucket = codes_and_lines(&mut ws, "/w/modules/bucket/main.tf");
        assert_eq!(in_bucket.len(), 2, "{in_bucket:#?}");
    }

    #[test]
    fn a_change_two_calls_down_reaches_the_root() {
        let mut ws = workspace();
        ws.add_disk_file("/w/modules/bucket/main.tf", BUCKET);
        ws.add_disk_file(
            "/w/modules/site/main.tf",
            "variable \"acl\" {}\nmodule \"inner\" {\n  source = \"../bucket\"\n  acl    = var.acl\n}\n",
        );
        ws.add_disk_file(
            "/w/modules/late/main.tf",
            "module \"inner\" {\n  source = \"../later\"\n  acl    = \"public-read\"\n}\n",
        );
        let root = "module \"deep\" {\n  source = \"./modules/site\"\n  acl    = \"public-read\"\n}\nmodule \"late\" {\n  source = \"./modules/late\"\n}\n";
        ws.open("/w/main.tf", root, 1);
        let lines = |ws: &mut Workspace| codes_and_lines(ws, "/w/main.tf").into_iter().map(|f| f.1).collect::<Vec<_>>();
        assert_eq!(lines(&mut ws), [3], "{:#?}", codes_and_lines(&mut ws, "/w/main.tf"));
        // The bucket two calls down stops reading the argument: the root's finding goes (the middle module's
        // kept run is not reused).
        ws.add_disk_file("/w/modules/bucket/main.tf", &BUCKET.replace("acl = var.acl", "acl = \"private\""));
        assert_eq!(lines(&mut ws), Vec::<usize>::new());
        // A folder missing two calls down, then written: what the middle call gives it reaches the root's call.
        ws.add_disk_file("/w/modules/later/main.tf", BUCKET);
        let found = codes_and_lines(&mut ws, "/w/main.tf");
        assert_eq!(found.iter().map(|f| f.1).collect::<Vec<_>>(), [5], "{found:#?}");
        assert!(found[0].2.starts_with("`module.late.module.inner.aws_s3_bucket.this`"), "{}", found[0].2);
    }

    #[test]
    fn sources_outside_missing_and_cycles_are_diagnostics() {
        let mut ws = workspace();
        ws.add_disk_file("/w/a/main.tf", "module \"b\" {\n  source = \"../b\"\n}\n");
        ws.add_disk_file("/w/b/main.tf", "module \"a\" {\n  source = \"../a\"\n}\n");
        let root = "module \"out\" {\n  source = \"../../etc\"\n}\nmodule \"gone\" {\n  source = \"./nowhere\"\n}\nmodule \"a\" {\n  source = \"./a\"\n}\nmodule \"registry\" {\n  source = \"terraform-aws-modules/s3-bucket/aws\"\n}\n";
        ws.open("/w/main.tf", root, 1);
        let found = codes_and_lines(&mut ws, "/w/main.tf");
        let codes: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(codes, ["module-outside-workspace", "module-not-found"], "{found:#?}");
        // The cycle a → b → a, found from here, is a diagnostic on b's call of a.
        let in_b = codes_and_lines(&mut ws, "/w/b/main.tf");
        assert_eq!(in_b.iter().map(|f| (f.0.as_str(), f.1)).collect::<Vec<_>>(), [("module-cycle", 2)], "{in_b:#?}");
        assert_eq!(ws.wanted_folders("/w/main.tf"), ["/w/nowhere"]);
    }
}
