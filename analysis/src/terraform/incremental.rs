//! The analysis of a module kept between analyses: a keystroke reruns only what read what it changed.
//!
//! A rule first runs over the whole module, recording what it read ([`Dep`]: the blocks of a kind or type,
//! variables, locals, policy documents). The next analysis knows what changed: the blocks a reading gave a new
//! identity ([`BlockId`]: an edited block is new, a moved one is not), the blocks gone, the values of variables
//! and policy documents, and each edited file's style (which fixes are written in). A rule that read none of it
//! keeps its findings, moved with the blocks they are about.
//!
//! A rule whose run over the whole module read something that changed runs from then on one block at a time
//! (its *subjects*, [`Subjects::One`]): each run is kept with what it read, so a keystroke in one database
//! reruns the database rules on that database, not on all of them. Which blocks a rule checks, a probe says
//! ([`Subjects::Probe`]), kept with what it read too.
//!
//! Runs read memos (indexes, locals) by name. A memo that read something that changed may have changed: the
//! first pass reruns what read the changes themselves (computing such memos again on the way), and a second
//! pass reruns the readers of the memos whose values' fingerprints differ, or that were not computed again and
//! read something that changed. Memos that read nothing that changed are carried to the next analysis, as long
//! as every block kept is where it was (they hold blocks by position). A memo may be read entry by entry
//! ([`super::Module::keyed_memo`]): its entries are kept, and when it changes only the readers of the entries
//! that differ run again.
//!
//! The result equals an analysis afresh: `analysis/tests/incremental_analysis.rs` holds the two equal over
//! the corpus after random edits, and the workspace's property tests after random edit sequences; every rule's
//! tests check that its runs block by block find what its run over the whole module finds.

use std::collections::{HashMap, HashSet};

use super::check::{Resource, Selector, Subjects, TfContext};
use super::chunked::BlockId;
use super::model::Block;
use super::reads::{entry_reader, memo_entry, Dep};
use super::Module;
use crate::fast_hash::{FastMap, FastSet};
use crate::finding::Finding;
use crate::rule::Rule;
use crate::text::TextRange;
use crate::value::Value;

type IdMap<V> = FastMap<BlockId, V>;

/// A rule that finds more than this in one module (a generated file with a public bucket in every block) is
/// not kept: copying its findings at every analysis would cost more than finding them (an editor is shown
/// 5,000 diagnostics per file at most anyway).
const MAX_KEPT_FINDINGS: usize = 5_000;

/// A finding kept from an earlier run, with the block it lies in.
struct Kept {
    finding: Finding,
    path: String,
    /// The top-level block every range of the finding lies in (none: the run is not movable), where it started
    /// then, and its index in its file then.
    anchor: Option<BlockId>,
    at: usize,
    index: usize,
}

/// One rule's last run: its findings and what it read. A run some finding of which does not lie in one block
/// (it spans blocks, or its fix edits another block) cannot be moved block by block: it runs at every analysis.
struct Run {
    kept: Vec<Kept>,
    /// What it read, as [`Dep::fingerprint`]s (kept for every rule of every module open: small matters).
    deps: Box<[u64]>,
    movable: bool,
    /// It found more than [`MAX_KEPT_FINDINGS`]: nothing is kept, and it runs over the whole module each time.
    too_many: bool,
}

/// A file as the last analysis saw it: its blocks' identities and what each defines for others.
struct FileState {
    /// The reading last seen ([`super::TfFile::stamp`]).
    stamp: u64,
    ids: Vec<BlockId>,
    /// What each block defines, as fingerprints.
    defines: Vec<Box<[u64]>>,
    style: (&'static str, String),
    /// A `.tfvars` file: its values are variables'.
    vars: bool,
}

/// A file read again: its blocks before (identities) and now, and how many at its start and end
/// kept their identities.
struct Edited<'m> {
    old_ids: Vec<BlockId>,
    prefix: usize,
    suffix: usize,
    /// The blocks between those kept at the start and the end, by identity: where each is now.
    between: IdMap<usize>,
    file: &'m super::TfFile,
}

impl Edited<'_> {
    /// The index and start now of the block `anchor`, which was the `i`th (`None`: it is gone).
    fn locate(&self, anchor: BlockId, i: usize) -> Option<(usize, usize)> {
        let now = self.index_of(anchor, i)?;
        Some((now, self.file.blocks[now].range.start))
    }

    /// The index now of the block `anchor`, which was the `i`th (`None`: it is gone).
    fn index_of(&self, anchor: BlockId, i: usize) -> Option<usize> {
        let i = match self.old_ids.get(i) {
            Some(&id) if id == anchor => i,
            _ => self.old_ids.iter().position(|&id| id == anchor)?,
        };
        self.index_now(anchor, i)
    }

    fn index_now(&self, anchor: BlockId, i: usize) -> Option<usize> {
        let (old_len, new_len) = (self.old_ids.len(), self.file.block_ids.len());
        if i < self.prefix {
            Some(i)
        } else if i >= old_len - self.suffix {
            Some(i + new_len - old_len)
        } else {
            // (Between the edits: kept only if the reading moved it there.)
            self.between.get(&anchor).copied()
        }
    }
}

/// How a rule's findings are kept.
enum RuleRuns {
    /// One run over the whole module (the first analysis: the cheapest to make).
    Whole(Run),
    /// One run per block the rule checks, from the first time something the whole run read changed. Boxed:
    /// most rules of most modules keep their whole run, and a slot per rule of every module open is sized by
    /// the larger variant.
    BySubject(Box<SubjectRuns>),
}

/// A rule's runs block by block.
struct SubjectRuns {
    /// Which blocks the rule checks, and what the probe that said so read.
    selectors: Vec<Selector>,
    probe_deps: Box<[u64]>,
    runs: IdMap<SubjectRun>,
    /// Which subjects' runs read a dependency. The entries of runs made again stay until there are too many
    /// ([`SubjectRuns::compact`]); a subject found here is checked against its run's dependencies.
    readers: FastMap<u64, Vec<BlockId>>,
    readers_len: usize,
    /// How many dependencies the runs kept read, together (against which `readers_len` is compared).
    deps_len: usize,
    /// The subjects run in this analysis (the second pass of [`ModuleAnalysis::analyse`] does not run them
    /// again).
    ran: FastSet<BlockId>,
    /// The subjects whose runs found something (what is moved and reported at each analysis).
    with_findings: FastSet<BlockId>,
    /// The subjects whose runs are not movable: made again at every analysis.
    volatile: FastSet<BlockId>,
}

/// A rule's run on one block: the run, and where the block was.
struct SubjectRun {
    run: Run,
    path: String,
    index: usize,
}

/// The kept analysis of one module (a folder), for one set of enabled rules.
pub struct ModuleAnalysis {
    rules: Vec<&'static Rule>,
    runs: Vec<Option<RuleRuns>>,
    files: HashMap<String, FileState>,
    variables: HashMap<String, Value>,
    policy_documents: HashMap<String, Value>,
    /// The outputs of the module's calls, as the last analysis saw them.
    module_outputs: HashMap<String, Value>,
    /// What each memo (an index, a local's value, a policy; see [`super::reads::Reads::memo`]) read when last
    /// computed, and, for each dependency, the memos that read it (entries of memos computed again stay: checked
    /// on use).
    memos: FastMap<u64, Box<[u64]>>,
    memo_readers: FastMap<u64, Vec<u64>>,
    memo_readers_len: usize,
    /// How many dependencies the memos kept read, together (against which `memo_readers_len` is compared).
    memo_deps_len: usize,
    /// The fingerprint of each memo's value when last computed (see [`super::reads::Reads::memo_values`]).
    memo_values: FastMap<u64, u64>,
    /// The value of each memo read entry by entry when last computed (see [`super::Module::keyed_memo`]).
    memo_entries: FastMap<u64, super::reads::Entries>,
    /// The memos of the last analysis that may serve the next (see [`Module::take_memos`]), and the files it
    /// was of, in order.
    carried: FastMap<u64, super::LastingMemo>,
    paths: Vec<String>,
    /// Every rule runs block by block from the start (what the rules' tests check).
    by_subject: bool,
    /// How many rule runs (over the module, or on one block) the last analysis made.
    runs_made: std::cell::Cell<usize>,
    /// How many findings the last analysis gave: the next one's list is sized to it at once (growing a list of
    /// a dense file's thousands of findings by doubling copied it over and over, a sixth of a 20k-line keystroke).
    findings_len: usize,
}

/// What a block defines for others to read: its kind and type, and the names of the `locals` it declares.
/// (Variables and policy documents are compared by value: a variable's new description changes nothing.)
fn defines(block: &Block) -> Box<[u64]> {
    let mut out = vec![Dep::Kind(&block.kind).fingerprint()];
    if let Some(ty) = block.label(0) {
        out.push(Dep::Type(&block.kind, ty).fingerprint());
    }
    if let ("resource" | "data", Some(ty), Some(name)) = (block.kind.as_str(), block.label(0), block.label(1)) {
        out.push(Dep::Address(&block.kind, ty, name).fingerprint());
    }
    if block.kind == "locals" {
        out.extend(block.attributes.iter().map(|a| Dep::Local(&a.name).fingerprint()));
    }
    if let ("variable", Some(name)) = (block.kind.as_str(), block.label(0)) {
        out.push(variable_block(name));
    }
    out.into()
}

/// A mark of a `variable` block named `name` among what it defines (no run reads it: it tells which variables'
/// values to compare when variable blocks are replaced).
fn variable_block(name: &str) -> u64 {
    super::reads::fingerprint(&("variable block", name))
}

/// The names whose values differ between `old` and `new`, as dependencies; `old` becomes `new`.
fn changed_values<V: std::borrow::Borrow<Value>>(
    old: &mut HashMap<String, Value>,
    new: &FastMap<&str, V>,
    dep: fn(&str) -> Dep,
    changed: &mut FastSet<u64>,
) {
    let same = |name: &str, value: &V| old.get(name) == Some(value.borrow());
    let differs = old.len() != new.len() || new.iter().any(|(name, value)| !same(name, value));
    if !differs {
        return;
    }
    let fingerprint = |name: &str| dep(name).fingerprint();
    changed.extend(new.iter().filter(|(n, v)| !same(n, v)).map(|(n, _)| fingerprint(n)));
    changed.extend(old.keys().filter(|n| !new.contains_key(n.as_str())).map(|n| fingerprint(n)));
    *old = new.iter().map(|(n, v)| (n.to_string(), v.borrow().clone())).collect();
}

/// The index of the block of `file`'s blocks (sorted, disjoint) that holds all of `ranges`. A block holds the
/// rest of its last line too, through the line break: its chunk does, up to the next header at the start of a
/// line, so an edit there reads the block again (a fix that deletes the block's lines moves with it).
fn block_holding(file: &super::TfFile, ranges: &[TextRange]) -> Option<usize> {
    let first = ranges.first()?;
    let i = file.blocks.partition_point(|b| b.range.end < first.start);
    let block = file.blocks.get(i)?;
    let rest = file.source.get(block.range.end..).unwrap_or("");
    let end = block.range.end + rest.find('\n').map_or(rest.len(), |n| n + 1);
    ranges.iter().all(|r| block.range.start <= r.start && r.end <= end).then_some(i)
}

impl ModuleAnalysis {
    /// An analysis that runs `rules` (their Terraform matchers).
    pub fn new(rules: impl IntoIterator<Item = &'static Rule>) -> ModuleAnalysis {
        let rules: Vec<&'static Rule> = rules.into_iter().filter(|r| r.matcher.has_terraform()).collect();
        ModuleAnalysis {
            runs: rules.iter().map(|_| None).collect(),
            rules,
            files: HashMap::new(),
            variables: HashMap::new(),
            policy_documents: HashMap::new(),
            module_outputs: HashMap::new(),
            memos: FastMap::default(),
            memo_readers: FastMap::default(),
            memo_readers_len: 0,
            memo_deps_len: 0,
            memo_values: FastMap::default(),
            memo_entries: FastMap::default(),
            carried: FastMap::default(),
            paths: Vec::new(),
            by_subject: false,
            runs_made: Default::default(),
            findings_len: 0,
        }
    }

    /// How many rule runs (over the whole module, or on one block) the last analysis made: what a keystroke
    /// cost, in runs.
    pub fn runs_made(&self) -> usize {
        self.runs_made.get()
    }

    /// An analysis whose rules run block by block from the first analysis on (rather than once over the whole
    /// module first): what every rule's tests compare with its run over the whole module.
    pub fn by_subject(rules: impl IntoIterator<Item = &'static Rule>) -> ModuleAnalysis {
        ModuleAnalysis { by_subject: true, ..ModuleAnalysis::new(rules) }
    }

    /// The findings of every rule on `module`, in rule order.
    pub fn analyse(&mut self, module: &Module) -> Vec<Finding> {
        self.runs_made.set(0);
        let mut files = self.compare_files(module);
        self.compare_values(module, &mut files);
        let FileChanges { changed, gone, edited, new_blocks, restyled, layout_kept, .. } = files;

        // The memos that read something that changed may have changed: those computed again in the first pass
        // (by the runs made again, or a probe) and found equal (by their values' fingerprints) did not, and
        // their readers need not run again; the readers of the others run in a second pass.
        let suspect = self.memos_reading(&changed);
        let suspect_readers: FastSet<u64> = suspect.iter().map(|&m| entry_reader(m)).collect();
        // The memos carried from the last analysis that read nothing that changed serve this one as they are.
        let carried = std::mem::take(&mut self.carried);
        // (Those that read something that changed are given to the builds that update their last value, which go
        // by the blocks' identities: the blocks may have moved.)
        let (rebuilt, kept): (Vec<_>, Vec<_>) = carried.into_iter().partition(|(name, _)| suspect.contains(name));
        if layout_kept {
            module.give_memos(kept);
        }
        module.give_previous(rebuilt);

        // The first pass: rerun what read what changed (or whose findings lie in a block gone); move the rest.
        let file_index: FastMap<&str, usize> =
            module.files.iter().enumerate().map(|(i, f)| (f.path.as_str(), i)).collect();
        let what = Changes {
            changed: &changed,
            suspect: &suspect,
            suspect_readers: &suspect_readers,
            gone: &gone,
            edited: &edited,
            new_blocks: &new_blocks,
            file_index,
        };
        let mut unkept: Vec<Vec<Finding>> = vec![Vec::new(); self.rules.len()];
        for (rule, unkept) in unkept.iter_mut().enumerate() {
            let runs = match self.runs[rule].take() {
                Some(RuleRuns::BySubject(mut runs)) if !restyled => {
                    runs.update(self, module, rule, &what);
                    RuleRuns::BySubject(runs)
                }
                Some(RuleRuns::Whole(mut run)) if !restyled => {
                    match run.moved(&what) {
                        Some(moved) => {
                            run.move_to(moved);
                            RuleRuns::Whole(run)
                        }
                        // Something the run over the whole module read changed: from now on, block by block
                        // (unless it finds too many to keep).
                        None if !run.too_many => RuleRuns::BySubject(SubjectRuns::start(self, module, rule)),
                        None => self.whole(module, rule, unkept),
                    }
                }
                None if self.by_subject => RuleRuns::BySubject(SubjectRuns::start(self, module, rule)),
                // The first analysis, or a file's style changed (rare: every rule runs over the whole module).
                _ => self.whole(module, rule, unkept),
            };
            self.runs[rule] = Some(runs);
        }

        // The memos that may have changed and that the first pass did not compute: one run that read each is made
        // again (computing the memo on the way), so that the memo's new value says whether its other readers must
        // run again. (Otherwise all of them did: every security group's run, at a keystroke in a bucket, for an
        // index of the references of the module that the keystroke left as it was.)
        self.compute_suspects(module, &suspect, &what);

        // The second pass: the memos that did change, and the runs that read them.
        let memos_changed = self.memos_changed(module, &suspect, &changed);
        if !memos_changed.is_empty() {
            for (rule, unkept) in unkept.iter_mut().enumerate() {
                match self.runs[rule].take().expect("made above") {
                    RuleRuns::BySubject(mut runs) => {
                        runs.rerun_readers(self, module, rule, &memos_changed, &what);
                        self.runs[rule] = Some(RuleRuns::BySubject(runs));
                    }
                    RuleRuns::Whole(run) if run.deps.iter().any(|d| memos_changed.contains(d)) => {
                        let runs = if run.too_many {
                            unkept.clear();
                            self.whole(module, rule, unkept)
                        } else {
                            RuleRuns::BySubject(SubjectRuns::start(self, module, rule))
                        };
                        self.runs[rule] = Some(runs);
                    }
                    runs => self.runs[rule] = Some(runs),
                }
            }
        }

        let mut out = Vec::with_capacity(self.findings_len + self.findings_len / 8);
        for (rule, unkept) in unkept.into_iter().enumerate() {
            out.extend(unkept);
            match self.runs[rule].as_ref().expect("made above") {
                RuleRuns::Whole(run) => out.extend(run.findings(&what.file_index)),
                RuleRuns::BySubject(runs) => runs.findings(&what.file_index, &mut out),
            }
        }
        self.keep_memos(module);
        self.carried = module.take_memos();
        self.paths = module.files.iter().map(|f| f.path.clone()).collect();
        self.findings_len = out.len();
        out
    }

    /// What changed in the files since the last analysis: blocks gone and new (and what they defined), the
    /// files read again, styles, and whether the blocks kept are where they were. The state kept of each file
    /// becomes this analysis's.
    fn compare_files<'m>(&mut self, module: &'m Module) -> FileChanges<'m> {
        let kind_variable = Dep::Kind("variable").fingerprint();
        let mut out = FileChanges {
            // (The same files in the same order; each file read again below must keep its blocks' places.)
            layout_kept: self.paths.len() == module.files.len()
                && self.paths.iter().zip(&module.files).all(|(p, f)| *p == f.path),
            ..FileChanges::default()
        };
        let paths: HashSet<&str> = module.files.iter().map(|f| f.path.as_str()).collect();
        self.files.retain(|path, state| {
            let kept = paths.contains(path.as_str());
            if !kept {
                out.vars_changed |= state.vars || state.defines.iter().any(|d| d.first() == Some(&kind_variable));
                out.changed.extend(state.defines.iter().flatten());
                out.gone.extend(&state.ids);
            }
            kept
        });
        for (file_index, file) in module.files.iter().enumerate() {
            let state = self.files.get(&file.path);
            if state.is_some_and(|s| s.stamp == file.stamp) {
                continue;
            }
            out.vars_changed |= file.kind == crate::file_kind::FileKind::TerraformVars;
            // Fixes are written in the file's style: a file whose style changed has every rule run again.
            let style = (crate::fix::line_ending(&file.source), file.indent_unit().to_string());
            out.restyled |= state.is_some_and(|s| s.style != style);
            let old = self.files.remove(&file.path).unwrap_or(FileState {
                stamp: 0,
                ids: Vec::new(),
                defines: Vec::new(),
                style: style.clone(),
                vars: false,
            });
            // A reading keeps the identities of the blocks before and after an edit: only those between differ.
            let (old_ids, new_ids) = (&old.ids, &file.block_ids);
            let (prefix, suffix) = super::chunked::kept_at_ends(old_ids, new_ids);
            let (old_end, new_end) = (old_ids.len() - suffix, new_ids.len() - suffix);
            let mut defines = old.defines;
            let mut between: IdMap<Box<[u64]>> =
                old_ids[prefix..old_end].iter().copied().zip(defines.drain(prefix..old_end)).collect();
            let mut new_between = Vec::with_capacity(new_end - prefix);
            out.layout_kept &= old_ids.len() == new_ids.len();
            for (j, (id, block)) in new_ids[prefix..new_end].iter().zip(&file.blocks[prefix..new_end]).enumerate() {
                match between.remove(id) {
                    Some(kept) => {
                        // (Moved among the blocks an edit replaced: no longer where it was.)
                        out.layout_kept = false;
                        new_between.push(kept);
                    }
                    None => {
                        out.new_blocks.push((file_index, prefix + j));
                        let new = self::defines(block);
                        out.changed.extend(new.iter());
                        new_between.push(new);
                    }
                }
            }
            for (id, old) in between {
                out.gone.insert(id);
                out.changed.extend(old.iter());
                if let [kind, _, mark] = old[..] {
                    if kind == kind_variable {
                        out.gone_variables.push(mark);
                    }
                }
            }
            defines.splice(prefix..prefix, new_between);
            let between = (prefix..new_end).map(|j| (file.block_ids[j], j)).collect();
            out.edited.insert(&file.path, Edited { old_ids: old.ids, prefix, suffix, between, file });
            let vars = file.kind == crate::file_kind::FileKind::TerraformVars;
            let state = FileState { stamp: file.stamp, ids: file.block_ids.clone(), defines, style, vars };
            self.files.insert(file.path.clone(), state);
        }
        out
    }

    /// Adds to what changed the variables and policy documents whose values changed. Variables change with a
    /// `variable` block (new or gone) or a `.tfvars` file: only then are they compared (there may be thousands),
    /// and, when the variable blocks new replaced blocks of the same names (a keystroke in one), only theirs.
    fn compare_values(&mut self, module: &Module, files: &mut FileChanges) {
        let changed = &mut files.changed;
        if files.vars_changed {
            changed_values(&mut self.variables, &module.scope.variables(), |n| Dep::Variable(n), changed);
        } else if changed.contains(&Dep::Kind("variable").fingerprint()) {
            let names: Vec<&str> = files
                .new_blocks
                .iter()
                .map(|&(file, i)| &module.files[file].blocks[i])
                .filter(|b| b.kind == "variable")
                .filter_map(|b| b.label(0))
                .collect();
            let mut new_marks: Vec<u64> = names.iter().map(|n| variable_block(n)).collect();
            new_marks.sort_unstable();
            files.gone_variables.sort_unstable();
            if new_marks == files.gone_variables {
                for name in names {
                    let now = module.scope.variable(name);
                    if self.variables.get(name) != now {
                        changed.insert(Dep::Variable(name).fingerprint());
                        match now {
                            Some(value) => self.variables.insert(name.to_string(), value.clone()),
                            None => self.variables.remove(name),
                        };
                    }
                }
            } else {
                // (A variable added, gone or renamed: all are compared.)
                changed_values(&mut self.variables, &module.scope.variables(), |n| Dep::Variable(n), changed);
            }
        }
        changed_values(&mut self.policy_documents, &module.scope.policy_documents, |n| Dep::PolicyDocument(n), changed);
        let outputs: FastMap<&str, &Value> = module.scope.module_outputs.iter().map(|(n, v)| (n.as_str(), v)).collect();
        changed_values(&mut self.module_outputs, &outputs, |n| Dep::Module(n), changed);
    }

    /// Of the memos `suspect` (they read something in `changed`), those that changed: computed again in this
    /// analysis to a value of another fingerprint, or not computed again and reading something that changed.
    /// For a memo read by entry, the entries that changed too (all its readers by entry, when the entries
    /// cannot be compared).
    fn memos_changed(&self, module: &Module, suspect: &FastSet<u64>, changed: &FastSet<u64>) -> FastSet<u64> {
        let mut out = self.memos_changed_whole(module, suspect, changed);
        let now = module.reads().memo_entries();
        let mut entries = Vec::new();
        for &memo in &out {
            match (now.get(&memo), self.memo_entries.get(&memo)) {
                (Some(now), Some(before)) => {
                    let differ = now.entry_keys().filter(|&k| now.entry_at(k) != before.entry_at(k));
                    let gone = before.entry_keys().filter(|&k| now.entry_at(k).is_none());
                    entries.extend(differ.chain(gone).map(|k| memo_entry(memo, k)));
                }
                _ => entries.push(entry_reader(memo)),
            }
        }
        out.extend(entries);
        out
    }

    /// The memos of [`ModuleAnalysis::memos_changed`], by name.
    fn memos_changed_whole(&self, module: &Module, suspect: &FastSet<u64>, changed: &FastSet<u64>) -> FastSet<u64> {
        let computed = module.reads().memo_values();
        let differs = |memo: u64| match (computed.get(&memo), self.memo_values.get(&memo)) {
            (Some(now), Some(before)) => now != before,
            (None, _) => false,
            (Some(_), None) => true,
        };
        let mut out: FastSet<u64> = suspect.iter().copied().filter(|&m| differs(m)).collect();
        let uncomputed: Vec<u64> = suspect.iter().copied().filter(|m| !computed.contains_key(m)).collect();
        loop {
            let reached: Vec<u64> = uncomputed
                .iter()
                .copied()
                .filter(|m| !out.contains(m))
                .filter(|m| self.memos[m].iter().any(|d| changed.contains(d) || out.contains(d)))
                .collect();
            if reached.is_empty() {
                return out;
            }
            out.extend(reached);
        }
    }

    /// Computes each memo of `suspect` not computed yet by running again one block's run that read it, if some
    /// rule has one (not yet run in this analysis).
    fn compute_suspects(&mut self, module: &Module, suspect: &FastSet<u64>, what: &Changes) {
        for &memo in suspect {
            for rule in 0..self.rules.len() {
                if module.reads().memo_values().contains_key(&memo) {
                    break;
                }
                let mut runs = match self.runs[rule].take() {
                    Some(RuleRuns::BySubject(runs)) => runs,
                    other => {
                        self.runs[rule] = other;
                        continue;
                    }
                };
                let mut reader = runs.readers_of(&FastSet::from_iter([memo, entry_reader(memo)]));
                reader.retain(|id| !runs.ran.contains(id));
                if let Some(&id) = reader.iter().next() {
                    for at in runs.take(FastSet::from_iter([id]), module, what) {
                        runs.run_on(self, module, rule, at);
                    }
                }
                self.runs[rule] = Some(RuleRuns::BySubject(runs));
            }
        }
    }

    /// The memos that read something in `changed`, and those that read them, and so on.
    fn memos_reading(&self, changed: &FastSet<u64>) -> FastSet<u64> {
        let mut out = FastSet::default();
        let mut work: Vec<u64> = changed.iter().copied().collect();
        while let Some(dep) = work.pop() {
            for memo in self.memo_readers.get(&dep).into_iter().flatten() {
                if !out.contains(memo) && self.memos.get(memo).is_some_and(|deps| deps.contains(&dep)) {
                    out.insert(*memo);
                    work.push(*memo);
                }
            }
        }
        out
    }

    /// Keeps what the memos computed in this analysis read (the others read what they read before).
    fn keep_memos(&mut self, module: &Module) {
        self.memo_values.extend(module.reads().memo_values().iter());
        self.memo_entries.extend(module.reads().take_memo_entries());
        for (&memo, deps) in module.reads().memo_deps().iter() {
            let mut deps = deps.clone();
            deps.sort_unstable();
            deps.dedup();
            if self.memos.get(&memo).is_some_and(|old| **old == *deps) {
                continue;
            }
            for &dep in &deps {
                self.memo_readers.entry(dep).or_default().push(memo);
            }
            self.memo_readers_len += deps.len();
            self.memo_deps_len += deps.len();
            if let Some(old) = self.memos.insert(memo, deps.into()) {
                self.memo_deps_len -= old.len();
            }
        }
        if self.memo_readers_len > READERS_SLACK * self.memo_deps_len + 1024 {
            self.memo_readers.clear();
            for (&memo, deps) in &self.memos {
                deps.iter().for_each(|&dep| self.memo_readers.entry(dep).or_default().push(memo));
            }
            self.memo_readers_len = self.memo_deps_len;
        }
    }

    /// A rule's run over the whole module; the findings not kept go to `out`.
    fn whole(&self, module: &Module, rule: usize, out: &mut Vec<Finding>) -> RuleRuns {
        let (run, unkept) = self.run(module, rule, Subjects::All);
        out.extend(unkept);
        RuleRuns::Whole(run)
    }

    /// Runs a rule on `subjects`; returns the run to keep, and the findings not kept (a run with more than
    /// [`MAX_KEPT_FINDINGS`] is made again at every analysis rather than copied).
    fn run(&self, module: &Module, rule: usize, subjects: Subjects) -> (Run, Vec<Finding>) {
        let rule = self.rules[rule];
        self.runs_made.set(self.runs_made.get() + 1);
        let mut findings = Vec::new();
        let ((), deps) = module.reads().frame(|| {
            super::check::run_rule(module, rule, &mut findings, subjects);
        });
        if findings.len() > MAX_KEPT_FINDINGS {
            return (Run { kept: Vec::new(), deps: deps.into(), movable: false, too_many: true }, findings);
        }
        let mut movable = true;
        let mut kept = Vec::with_capacity(findings.len());
        for finding in findings {
            let file = module.files[finding.file];
            let mut ranges = vec![finding.range, finding.resource];
            ranges.extend(finding.fixes.iter().flat_map(|f| &f.edits).map(|e| e.range));
            match block_holding(file, &ranges) {
                Some(i) => {
                    let (anchor, at) = (Some(file.block_ids[i]), file.blocks[i].range.start);
                    kept.push(Kept { finding, path: file.path.clone(), anchor, at, index: i });
                }
                None => {
                    movable = false;
                    kept.push(Kept { finding, path: file.path.clone(), anchor: None, at: 0, index: 0 });
                }
            }
        }
        (Run { kept, deps: deps.into(), movable, too_many: false }, Vec::new())
    }

    /// Which blocks a rule checks, and what finding that out read.
    fn probe(&self, module: &Module, rule: usize) -> (Vec<Selector>, Box<[u64]>) {
        let rule = self.rules[rule];
        let mut findings = Vec::new();
        let (selectors, deps) = module.reads().frame(|| {
            let mut ctx = TfContext::checking(module, rule, &mut findings, Subjects::Probe);
            rule.matcher.check_terraform(&mut ctx);
            ctx.into_selectors()
        });
        debug_assert!(findings.is_empty(), "{}: a probe found something", rule.id);
        (selectors, deps.into())
    }
}

/// What changed in a module's files since the last analysis (see [`ModuleAnalysis::compare_files`]).
#[derive(Default)]
struct FileChanges<'m> {
    /// What changed, as dependencies (what blocks new and gone defined; then the values that changed).
    changed: FastSet<u64>,
    gone: FastSet<BlockId>,
    /// The files read again, with their blocks before: where kept findings find their blocks.
    edited: FastMap<&'m str, Edited<'m>>,
    /// The blocks new since the last analysis: (file, index).
    new_blocks: Vec<(usize, usize)>,
    /// A file's style (which fixes are written in) changed.
    restyled: bool,
    /// A `.tfvars` file was read again, added or removed (or a file with variable blocks removed).
    vars_changed: bool,
    /// The variable blocks gone from the files read again (their marks, see [`variable_block`]).
    gone_variables: Vec<u64>,
    /// Every block kept is where it was: the same files in the same order and, in each file read again, the
    /// same number of blocks, none kept among those an edit replaced (what carried memos need: they hold
    /// blocks by position).
    layout_kept: bool,
}

/// What changed since the last analysis, as the rules' runs see it.
struct Changes<'a, 'm> {
    changed: &'a FastSet<u64>,
    /// The memos that read something that changed (see [`ModuleAnalysis::analyse`]), and the marks of their
    /// readers by entry.
    suspect: &'a FastSet<u64>,
    suspect_readers: &'a FastSet<u64>,
    gone: &'a FastSet<BlockId>,
    edited: &'a FastMap<&'m str, Edited<'m>>,
    /// The blocks new since the last analysis: (file, index).
    new_blocks: &'a [(usize, usize)],
    file_index: FastMap<&'m str, usize>,
}

impl Changes<'_, '_> {
    /// Where a kept finding's block is now, (index, start), given the edit of its file if it was read again
    /// (`None`: gone, or not to be found again).
    fn locate(&self, kept: &Kept, edited: Option<&Edited>) -> Option<(usize, usize)> {
        match (kept.anchor, edited) {
            (Some(anchor), Some(edit)) => edit.locate(anchor, kept.index),
            (Some(anchor), None) => (!self.gone.contains(&anchor)).then_some((kept.index, kept.at)),
            (None, _) => None,
        }
    }

    /// The edit of the file at `path`, if it was read again. (A keystroke edits one file: compared, not hashed,
    /// for each of the hundreds of runs kept.)
    fn edit_of(&self, path: &str) -> Option<&Edited<'_>> {
        match self.edited.len() {
            0 => None,
            1 => self.edited.iter().next().filter(|(p, _)| **p == path).map(|(_, e)| e),
            _ => self.edited.get(path),
        }
    }

    /// Where the blocks of kept findings are now (see [`Changes::locate`]), `None` if one is not found again. A
    /// run's findings mostly lie in one block (a block's run, always) and one file: each is looked for once.
    fn locate_all(&self, kept: &[Kept]) -> Option<Vec<(usize, usize)>> {
        let mut places = Vec::with_capacity(kept.len());
        let mut last: Option<(&Kept, (usize, usize))> = None;
        let mut edited: Option<(&str, Option<&Edited>)> = None;
        for k in kept {
            let place = match last {
                Some((prev, place))
                    if prev.anchor == k.anchor && (prev.index, prev.at) == (k.index, k.at) && prev.path == k.path =>
                {
                    place
                }
                _ => {
                    let edit = match edited {
                        Some((path, edit)) if path == k.path => edit,
                        _ => edited.insert((&k.path, self.edit_of(&k.path))).1,
                    };
                    self.locate(k, edit)?
                }
            };
            places.push(place);
            last = Some((k, place));
        }
        Some(places)
    }
}

impl Run {
    fn read_changed(&self, changed: &FastSet<u64>) -> bool {
        !self.movable || self.deps.iter().any(|d| changed.contains(d))
    }

    /// Where each kept finding's block is now, (index, start); `None` when the run must be made again (it read
    /// something that changed, or a block of its findings is gone).
    fn moved(&self, what: &Changes) -> Option<Vec<(usize, usize)>> {
        if self.read_changed(what.changed) {
            return None;
        }
        what.locate_all(&self.kept)
    }

    fn move_to(&mut self, places: Vec<(usize, usize)>) {
        for (kept, (index, start)) in self.kept.iter_mut().zip(places) {
            if start != kept.at {
                kept.finding.shift(start as isize - kept.at as isize);
                kept.at = start;
            }
            kept.index = index;
        }
    }

    fn findings<'a>(&'a self, file_index: &'a FastMap<&str, usize>) -> impl Iterator<Item = Finding> + 'a {
        // A run's findings lie mostly in one file: its index is looked up once.
        let mut last: Option<(&str, usize)> = None;
        self.kept.iter().map(move |k| {
            let file = match last {
                Some((path, file)) if path == k.path => file,
                _ => {
                    let file = file_index[k.path.as_str()];
                    last = Some((&k.path, file));
                    file
                }
            };
            Finding { file, ..k.finding.clone() }
        })
    }
}

fn matches(selectors: &[Selector], block: &Block) -> bool {
    selectors.iter().any(|(kind, ty)| *kind == block.kind && ty.as_deref().is_none_or(|ty| block.label(0) == Some(ty)))
}

/// Past this many reader entries per live one, the readers are listed again.
const READERS_SLACK: usize = 4;

impl SubjectRuns {
    /// A rule's runs on every block it checks.
    fn start(analysis: &ModuleAnalysis, module: &Module, rule: usize) -> Box<SubjectRuns> {
        let (selectors, probe_deps) = analysis.probe(module, rule);
        let mut runs = Box::new(SubjectRuns {
            selectors,
            probe_deps,
            runs: IdMap::default(),
            readers: FastMap::default(),
            readers_len: 0,
            deps_len: 0,
            ran: FastSet::default(),
            with_findings: FastSet::default(),
            volatile: FastSet::default(),
        });
        runs.run_all(analysis, module, rule);
        runs
    }

    /// Runs the rule on every block its selectors match.
    fn run_all(&mut self, analysis: &ModuleAnalysis, module: &Module, rule: usize) {
        for (file, f) in module.files.iter().enumerate() {
            for (i, block) in f.blocks.iter().enumerate() {
                if matches(&self.selectors, block) {
                    self.run_on(analysis, module, rule, (file, i));
                }
            }
        }
    }

    /// Runs the rule on the block `i` of file `file`, and keeps the run.
    fn run_on(&mut self, analysis: &ModuleAnalysis, module: &Module, rule: usize, (file, i): (usize, usize)) {
        let f = module.files[file];
        let subject = Resource { file, block: &f.blocks[i] };
        let (run, unkept) = analysis.run(module, rule, Subjects::One(subject));
        debug_assert!(unkept.is_empty(), "one block has more than {MAX_KEPT_FINDINGS} findings");
        let id = f.block_ids[i];
        for &dep in run.deps.iter() {
            self.readers.entry(dep).or_default().push(id);
        }
        self.readers_len += run.deps.len();
        self.deps_len += run.deps.len();
        self.ran.insert(id);
        let _ = if run.kept.is_empty() { self.with_findings.remove(&id) } else { self.with_findings.insert(id) };
        let _ = if run.movable { self.volatile.remove(&id) } else { self.volatile.insert(id) };
        self.runs.insert(id, SubjectRun { run, path: f.path.clone(), index: i });
    }

    fn forget(&mut self, id: BlockId) -> Option<SubjectRun> {
        let subject = self.runs.remove(&id)?;
        self.deps_len -= subject.run.deps.len();
        self.with_findings.remove(&id);
        self.volatile.remove(&id);
        Some(subject)
    }

    /// Brings the runs up to date with `what` changed: runs again those on blocks new, on blocks whose runs
    /// read something that changed, and on blocks whose findings cannot be found again; moves the others'.
    /// The memos that may have changed are left to [`SubjectRuns::rerun_readers`] (but a probe that read one
    /// is made again: it computes the memo, whose new value then tells whether it changed).
    fn update(&mut self, analysis: &ModuleAnalysis, module: &Module, rule: usize, what: &Changes) {
        self.ran.clear();
        let probe_stale =
            |d: &u64| what.changed.contains(d) || what.suspect.contains(d) || what.suspect_readers.contains(d);
        if self.probe_deps.iter().any(probe_stale) {
            let (selectors, probe_deps) = analysis.probe(module, rule);
            self.probe_deps = probe_deps;
            if selectors != self.selectors {
                // It checks other blocks now: every run is made again.
                self.selectors = selectors;
                self.runs.clear();
                self.readers.clear();
                self.readers_len = 0;
                self.deps_len = 0;
                self.with_findings.clear();
                self.volatile.clear();
                return self.run_all(analysis, module, rule);
            }
        }
        for id in what.gone {
            self.forget(*id);
        }
        // The subjects to run again (by identity), and where they are now.
        let mut dirty = self.readers_of(what.changed);
        dirty.extend(self.volatile.iter().copied());
        // Findings move with their blocks; a run with a finding not found again is made again.
        let mut moves = Vec::new();
        for id in &self.with_findings {
            if dirty.contains(id) {
                continue;
            }
            let kept = &self.runs[id].run.kept;
            match what.locate_all(kept) {
                Some(places) if kept.iter().zip(&places).any(|(k, &p)| (k.index, k.at) != p) => {
                    moves.push((*id, places))
                }
                Some(_) => {}
                None => {
                    dirty.insert(*id);
                }
            }
        }
        for (id, places) in moves {
            self.runs.get_mut(&id).expect("a run with findings").run.move_to(places);
        }
        let mut again = self.take(dirty, module, what);
        for &(file, i) in what.new_blocks {
            if matches(&self.selectors, &module.files[file].blocks[i]) {
                again.push((file, i));
            }
        }
        for at in again {
            self.run_on(analysis, module, rule, at);
        }
        if self.readers_len > READERS_SLACK * self.deps_len + 1024 {
            self.compact();
        }
    }

    /// The subjects whose runs read one of `deps`.
    fn readers_of(&self, deps: &FastSet<u64>) -> FastSet<BlockId> {
        let mut out = FastSet::default();
        for dep in deps {
            let Some(readers) = self.readers.get(dep) else { continue };
            for id in readers {
                if self.runs.get(id).is_some_and(|r| r.run.deps.contains(dep)) {
                    out.insert(*id);
                }
            }
        }
        out
    }

    /// Runs again, on the blocks they were on, the runs that read one of the memos `changed` (and were not run
    /// in this analysis already).
    fn rerun_readers(
        &mut self,
        analysis: &ModuleAnalysis,
        module: &Module,
        rule: usize,
        changed: &FastSet<u64>,
        what: &Changes,
    ) {
        let mut dirty = self.readers_of(changed);
        dirty.retain(|id| !self.ran.contains(id));
        for at in self.take(dirty, module, what) {
            self.run_on(analysis, module, rule, at);
        }
    }

    /// Takes the runs of `dirty` out, and says where their blocks are now: (file, index).
    fn take(&mut self, dirty: FastSet<BlockId>, module: &Module, what: &Changes) -> Vec<(usize, usize)> {
        let mut again: Vec<(usize, usize)> = Vec::with_capacity(dirty.len());
        for id in dirty {
            let subject = self.forget(id).expect("a kept run");
            let Some(&file) = what.file_index.get(subject.path.as_str()) else { continue };
            let index = match what.edited.get(subject.path.as_str()) {
                Some(edit) => edit.index_of(id, subject.index),
                None => Some(subject.index),
            };
            // Where the block was at its run may be stale (an earlier edit moved it): then it is looked for. (A
            // block not found again is gone, or new: new blocks are run below.)
            let ids = &module.files[file].block_ids;
            let at = index.filter(|&i| ids.get(i) == Some(&id)).or_else(|| ids.iter().position(|&b| b == id));
            if let Some(i) = at {
                again.push((file, i));
            }
        }
        again
    }

    /// Lists the readers again from the runs kept.
    fn compact(&mut self) {
        self.readers.clear();
        self.readers_len = 0;
        for (id, subject) in &self.runs {
            for &dep in subject.run.deps.iter() {
                self.readers.entry(dep).or_default().push(*id);
            }
            self.readers_len += subject.run.deps.len();
        }
    }

    /// The findings of every run, by file and position.
    fn findings(&self, file_index: &FastMap<&str, usize>, out: &mut Vec<Finding>) {
        let start = out.len();
        for id in &self.with_findings {
            out.extend(self.runs[id].run.findings(file_index));
        }
        // (By cached keys: a finding is large, and this sorts every kept finding of the rule at each analysis.)
        out[start..].sort_by_cached_key(|f| (f.file, f.range.start, f.range.end));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A slot is kept for every Terraform rule of every module open (229 modules by ~400 rules in the real
    /// corpus): sized by its largest variant, it was 22 MB of the server's memory before the block-by-block runs
    /// were boxed.
    #[test]
    fn a_rules_slot_stays_small() {
        assert!(std::mem::size_of::<Option<RuleRuns>>() <= 48, "{}", std::mem::size_of::<Option<RuleRuns>>());
    }
}
