//! The analysis of a module kept between analyses: a keystroke reruns only the rules that read what it changed.
//!
//! Each rule's run over the module records what it read ([`Dep`]: the blocks of a kind or type, variables,
//! locals, policy documents). The next analysis knows what changed: the blocks a reading gave a new identity
//! ([`BlockId`]: an edited block is new, a moved one is not), the blocks gone, the values of variables and
//! policy documents, and each edited file's style (which fixes are written in). A rule that read none of it
//! keeps its findings, moved with the blocks they are about; the others run again.
//!
//! The result equals an analysis afresh: `analysis/tests/incremental_analysis.rs` holds the two equal over
//! the corpus after random edits, and the workspace's property tests after random edit sequences.

use std::collections::{HashMap, HashSet};

use super::check::TfContext;
use super::chunked::BlockId;
use super::model::Block;
use super::reads::Dep;
use super::Module;
use crate::fast_hash::{FastMap, FastSet};
use crate::finding::Finding;
use crate::rules::Rule;
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
    /// The top-level block every range of the finding lies in (none: the run is not movable), and where it
    /// started then.
    anchor: Option<BlockId>,
    at: usize,
}

/// One rule's last run: its findings and what it read. A run some finding of which does not lie in one block
/// (it spans blocks, or its fix edits another block) cannot be moved block by block: it runs at every analysis.
struct Run {
    kept: Vec<Kept>,
    /// What it read, as [`Dep::fingerprint`]s (kept for every rule of every module open: small matters).
    deps: Box<[u64]>,
    movable: bool,
}

/// A file as the last analysis saw it: its blocks' identities and what each defines for others.
struct FileState {
    /// The reading last seen ([`super::TfFile::stamp`]).
    stamp: u64,
    ids: Vec<BlockId>,
    /// Where each block starts.
    starts: Vec<usize>,
    /// What each block defines, as fingerprints.
    defines: Vec<Box<[u64]>>,
    style: (&'static str, String),
}

/// A file read again: its blocks before (identities and starts) and now, and how many at its start and end
/// kept their identities.
struct Edited<'m> {
    old_ids: Vec<BlockId>,
    old_starts: Vec<usize>,
    prefix: usize,
    suffix: usize,
    /// The blocks between those kept at the start and the end, by identity: where each is now.
    between: IdMap<usize>,
    file: &'m super::TfFile,
}

impl Edited<'_> {
    /// Where the block `anchor`, which started at `at`, starts now (`None`: it is gone).
    fn start_of(&self, anchor: BlockId, at: usize) -> Option<usize> {
        let i = match self.old_starts.binary_search(&at) {
            Ok(i) if self.old_ids[i] == anchor => i,
            _ => self.old_ids.iter().position(|&id| id == anchor)?,
        };
        let (old_len, new_len) = (self.old_ids.len(), self.file.block_ids.len());
        let now = if i < self.prefix {
            i
        } else if i >= old_len - self.suffix {
            i + new_len - old_len
        } else {
            // (Between the edits: kept only if the reading moved it there.)
            *self.between.get(&anchor)?
        };
        Some(self.file.blocks[now].range.start)
    }
}

/// The kept analysis of one module (a folder), for one set of enabled rules.
pub struct ModuleAnalysis {
    rules: Vec<&'static Rule>,
    runs: Vec<Option<Run>>,
    files: HashMap<String, FileState>,
    variables: HashMap<String, Value>,
    policy_documents: HashMap<String, Value>,
}

/// What a block defines for others to read: its kind and type, and the names of the `locals` it declares.
/// (Variables and policy documents are compared by value: a variable's new description changes nothing.)
fn defines(block: &Block) -> Box<[u64]> {
    let mut out = vec![Dep::Kind(&block.kind).fingerprint()];
    if let Some(ty) = block.label(0) {
        out.push(Dep::Type(&block.kind, ty).fingerprint());
    }
    if block.kind == "locals" {
        out.extend(block.attributes.iter().map(|a| Dep::Local(&a.name).fingerprint()));
    }
    out.into()
}

/// The names whose values differ between `old` and `new`, as dependencies; `old` becomes `new`.
fn changed_values(
    old: &mut HashMap<String, Value>,
    new: &FastMap<&str, Value>,
    dep: fn(&str) -> Dep,
    changed: &mut FastSet<u64>,
) {
    let differs = old.len() != new.len() || new.iter().any(|(name, value)| old.get(*name) != Some(value));
    if !differs {
        return;
    }
    let fingerprint = |name: &str| dep(name).fingerprint();
    changed.extend(new.iter().filter(|(n, v)| old.get(**n) != Some(*v)).map(|(n, _)| fingerprint(n)));
    changed.extend(old.keys().filter(|n| !new.contains_key(n.as_str())).map(|n| fingerprint(n)));
    *old = new.iter().map(|(n, v)| (n.to_string(), v.clone())).collect();
}

/// The index of the block of `blocks` (sorted, disjoint) that holds all of `ranges`.
fn block_holding(blocks: &[Block], ranges: &[TextRange]) -> Option<usize> {
    let first = ranges.first()?;
    let i = blocks.partition_point(|b| b.range.end < first.start);
    let block = blocks.get(i)?;
    ranges.iter().all(|r| block.range.start <= r.start && r.end <= block.range.end).then_some(i)
}

impl ModuleAnalysis {
    /// An analysis that runs `rules` (their Terraform matchers).
    pub fn new(rules: impl IntoIterator<Item = &'static Rule>) -> ModuleAnalysis {
        let rules: Vec<&'static Rule> = rules.into_iter().filter(|r| r.terraform.is_some()).collect();
        ModuleAnalysis {
            runs: rules.iter().map(|_| None).collect(),
            rules,
            files: HashMap::new(),
            variables: HashMap::new(),
            policy_documents: HashMap::new(),
        }
    }

    /// The findings of every rule on `module`, in rule order.
    pub fn analyse(&mut self, module: &Module) -> Vec<Finding> {
        // What changed: the blocks gone and new, by file; the files gone; the values.
        let mut changed: FastSet<u64> = FastSet::default();
        let mut gone: FastSet<BlockId> = FastSet::default();
        // The files read again, with their blocks before: where kept findings find their blocks.
        let mut edited: FastMap<&str, Edited> = FastMap::default();
        let mut restyled = false;
        let paths: HashSet<&str> = module.files.iter().map(|f| f.path.as_str()).collect();
        self.files.retain(|path, state| {
            let kept = paths.contains(path.as_str());
            if !kept {
                changed.extend(state.defines.iter().flatten());
                gone.extend(&state.ids);
            }
            kept
        });
        for file in &module.files {
            let state = self.files.get(&file.path);
            if state.is_some_and(|s| s.stamp == file.stamp) {
                continue;
            }
            // Fixes are written in the file's style: a file whose style changed has every rule run again.
            let style = (crate::fix::line_ending(&file.source), crate::fix::indent_unit(&file.source));
            restyled |= state.is_some_and(|s| s.style != style);
            let old = self.files.remove(&file.path).unwrap_or(FileState {
                stamp: 0,
                ids: Vec::new(),
                starts: Vec::new(),
                defines: Vec::new(),
                style: style.clone(),
            });
            // A reading keeps the identities of the blocks before and after an edit: only those between differ.
            let (old_ids, new_ids) = (&old.ids, &file.block_ids);
            let prefix = old_ids.iter().zip(new_ids).take_while(|(a, b)| a == b).count();
            let most = old_ids.len().min(new_ids.len()) - prefix;
            let suffix = old_ids.iter().rev().zip(new_ids.iter().rev()).take(most).take_while(|(a, b)| a == b).count();
            let (old_end, new_end) = (old_ids.len() - suffix, new_ids.len() - suffix);
            let mut defines = old.defines;
            let mut between: IdMap<Box<[u64]>> =
                old_ids[prefix..old_end].iter().copied().zip(defines.drain(prefix..old_end)).collect();
            let mut new_between = Vec::with_capacity(new_end - prefix);
            for (id, block) in new_ids[prefix..new_end].iter().zip(&file.blocks[prefix..new_end]) {
                match between.remove(id) {
                    Some(kept) => new_between.push(kept),
                    None => {
                        let new = self::defines(block);
                        changed.extend(new.iter());
                        new_between.push(new);
                    }
                }
            }
            for (id, old) in between {
                gone.insert(id);
                changed.extend(old.iter());
            }
            defines.splice(prefix..prefix, new_between);
            let starts = file.blocks.iter().map(|b| b.range.start).collect();
            let between = (prefix..new_end).map(|j| (file.block_ids[j], j)).collect();
            edited
                .insert(&file.path, Edited { old_ids: old.ids, old_starts: old.starts, prefix, suffix, between, file });
            let state = FileState { stamp: file.stamp, ids: file.block_ids.clone(), starts, defines, style };
            self.files.insert(file.path.clone(), state);
        }
        changed_values(&mut self.variables, &module.scope.variables, |n| Dep::Variable(n), &mut changed);
        changed_values(
            &mut self.policy_documents,
            &module.scope.policy_documents,
            |n| Dep::PolicyDocument(n),
            &mut changed,
        );

        // Rerun the rules that read what changed (or whose findings lie in a block gone); move the others'.
        let mut out = Vec::new();
        let file_index: HashMap<&str, usize> =
            module.files.iter().enumerate().map(|(i, f)| (f.path.as_str(), i)).collect();
        for rule in 0..self.rules.len() {
            let read_changed = |run: &Run| restyled || !run.movable || run.deps.iter().any(|d| changed.contains(d));
            // Where each kept finding's block is now (`None`: gone, or not to be found again), for a run that
            // read nothing that changed.
            let moved: Option<Vec<Option<usize>>> =
                self.runs[rule].as_ref().filter(|run| !read_changed(run)).map(|run| {
                    run.kept
                        .iter()
                        .map(|k| match (k.anchor, edited.get(k.path.as_str())) {
                            (Some(anchor), Some(edit)) => edit.start_of(anchor, k.at),
                            (Some(anchor), None) => (!gone.contains(&anchor)).then_some(k.at),
                            (None, _) => None,
                        })
                        .collect()
                });
            let stale = moved.as_ref().is_none_or(|moved| moved.contains(&None));
            if stale {
                let (run, unkept) = self.run(module, rule);
                self.runs[rule] = Some(run);
                out.extend(unkept);
            } else if let (Some(run), Some(moved)) = (self.runs[rule].as_mut(), moved) {
                for (kept, start) in run.kept.iter_mut().zip(moved) {
                    let start = start.expect("not stale: every block found");
                    if start != kept.at {
                        kept.finding.shift(start as isize - kept.at as isize);
                        kept.at = start;
                    }
                }
            }
            let run = self.runs[rule].as_ref().expect("run above");
            out.extend(run.kept.iter().map(|k| Finding { file: file_index[k.path.as_str()], ..k.finding.clone() }));
        }
        out
    }

    /// Runs a rule; returns the run to keep, and the findings not kept (a run with more than
    /// [`MAX_KEPT_FINDINGS`] is made again at every analysis rather than copied).
    fn run(&self, module: &Module, rule: usize) -> (Run, Vec<Finding>) {
        let check = self.rules[rule].terraform.expect("Terraform rules only");
        let mut findings = Vec::new();
        let ((), deps) = module.reads().frame(|| check(&mut TfContext::new(module, self.rules[rule], &mut findings)));
        if findings.len() > MAX_KEPT_FINDINGS {
            return (Run { kept: Vec::new(), deps: deps.into(), movable: false }, findings);
        }
        let mut movable = true;
        let mut kept = Vec::with_capacity(findings.len());
        for finding in findings {
            let file = module.files[finding.file];
            let mut ranges = vec![finding.range, finding.resource];
            ranges.extend(finding.fixes.iter().flat_map(|f| &f.edits).map(|e| e.range));
            match block_holding(&file.blocks, &ranges) {
                Some(i) => {
                    let (anchor, at) = (Some(file.block_ids[i]), file.blocks[i].range.start);
                    kept.push(Kept { finding, path: file.path.clone(), anchor, at });
                }
                None => {
                    movable = false;
                    kept.push(Kept { finding, path: file.path.clone(), anchor: None, at: 0 });
                }
            }
        }
        (Run { kept, deps: deps.into(), movable }, Vec::new())
    }
}
