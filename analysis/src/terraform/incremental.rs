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
    /// What each block defines, as fingerprints.
    defines: Vec<Box<[u64]>>,
    style: (&'static str, String),
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
        // Where the blocks of the files that changed start now.
        let mut starts: IdMap<usize> = IdMap::default();
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
            // The blocks kept keep what they define; the new ones define theirs, and what they define changed.
            let mut before: IdMap<Box<[u64]>> = IdMap::default();
            if let Some(old) = self.files.remove(&file.path) {
                before = old.ids.into_iter().zip(old.defines).collect();
            }
            let mut defines = Vec::with_capacity(file.blocks.len());
            for (id, block) in file.block_ids.iter().zip(&file.blocks) {
                starts.insert(*id, block.range.start);
                match before.remove(id) {
                    Some(kept) => defines.push(kept),
                    None => {
                        let new = self::defines(block);
                        changed.extend(new.iter());
                        defines.push(new);
                    }
                }
            }
            for (id, old) in before {
                gone.insert(id);
                changed.extend(old.iter());
            }
            let state = FileState { stamp: file.stamp, ids: file.block_ids.clone(), defines, style };
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
            let stale = match &self.runs[rule] {
                None => true,
                Some(run) => {
                    restyled
                        || !run.movable
                        || run.deps.iter().any(|d| changed.contains(d))
                        || run.kept.iter().any(|k| k.anchor.is_some_and(|a| gone.contains(&a)))
                }
            };
            if stale {
                self.runs[rule] = Some(self.run(module, rule));
            }
            let run = self.runs[rule].as_mut().expect("run above");
            for kept in &mut run.kept {
                if let Some(&start) = kept.anchor.and_then(|a| starts.get(&a)) {
                    let delta = start as isize - kept.at as isize;
                    if delta != 0 {
                        kept.finding.shift(delta);
                        kept.at = start;
                    }
                }
                let file = file_index[kept.path.as_str()];
                out.push(Finding { file, ..kept.finding.clone() });
            }
        }
        out
    }

    fn run(&self, module: &Module, rule: usize) -> Run {
        let check = self.rules[rule].terraform.expect("Terraform rules only");
        let mut findings = Vec::new();
        let ((), deps) = module.reads().frame(|| check(&mut TfContext::new(module, self.rules[rule], &mut findings)));
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
        Run { kept, deps: deps.into(), movable }
    }
}
