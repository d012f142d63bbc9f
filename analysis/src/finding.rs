//! A finding: a rule's verdict on one place of one file.

use crate::fix::Fixes;
use crate::rule::{Overlap, Rule};
use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub rule: &'static Rule,
    /// Index of the file in the module (or template) that was checked.
    pub file: usize,
    /// The offending attribute, or the resource's header when the attribute is missing.
    pub range: TextRange,
    /// The whole resource (or top-level block) the finding is about.
    pub resource: TextRange,
    pub message: std::sync::Arc<str>,
    pub fixes: Fixes,
    /// The instance of a resource with `count` or `for_each` the finding was found on, until the findings of
    /// every instance are merged (see [`crate::terraform::check::merge_instances`]).
    pub instance: Option<Instanced>,
}

/// Which instance of how many, of which address.
#[derive(Clone, Debug, PartialEq)]
pub struct Instanced {
    /// `[0]`, `["web"]`.
    pub suffix: String,
    pub total: usize,
    /// The block's address without the instance (`aws_s3_bucket.this`).
    pub address: String,
}

impl Finding {
    /// Moves the finding and its fixes by `delta` bytes, with the block they are about.
    pub fn shift(&mut self, delta: isize) {
        self.range = self.range.shifted(delta);
        self.resource = self.resource.shifted(delta);
        if delta != 0 && !self.fixes.is_empty() {
            for edit in self.fixes.make_mut().iter_mut().flat_map(|f| &mut f.edits) {
                edit.range = edit.range.shifted(delta);
            }
        }
    }
}

/// A finding folded into a more specific one about the same problem (see [`Overlap`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Also {
    pub rule: &'static Rule,
    pub range: TextRange,
    pub message: std::sync::Arc<str>,
}

/// Folds the findings that report one problem (see [`Overlap`]): each group keeps its most specific finding,
/// which carries the others as related information (its fixes answer the problem; theirs stay with their
/// rules, shown when the carrier is suppressed or turned off). A group without a finding of one of the
/// overlap's carriers is not folded. Findings of no overlap, and groups of one, come back as they were, in
/// their order.
pub fn fold_overlaps(findings: Vec<Finding>, overlaps: &[Overlap]) -> Vec<(Finding, Vec<Also>)> {
    if overlaps.is_empty() {
        return findings.into_iter().map(|f| (f, Vec::new())).collect();
    }
    type Key = (usize, usize, usize, usize, Option<(usize, usize)>);
    // Each overlapping rule's family and rank, looked up once per finding (the first family that names it wins):
    // a scan of every family's ids for each of a dense file's thousand findings showed in keystroke profiles.
    let mut ranks: crate::fast_hash::FastMap<&str, (usize, usize)> = Default::default();
    for (family, o) in overlaps.iter().enumerate() {
        for (rank, id) in o.rules.iter().enumerate() {
            ranks.entry(*id).or_insert((family, rank));
        }
    }
    let key_of = |f: &Finding| -> Option<(Key, usize)> {
        let &(family, rank) = ranks.get(f.rule.id)?;
        let place = overlaps[family].same_place.then_some((f.range.start, f.range.end));
        Some(((family, f.file, f.resource.start, f.resource.end, place), rank))
    };
    let keys: Vec<Option<(Key, usize)>> = findings.iter().map(key_of).collect();
    // The finding each group keeps: its most specific, the first of those.
    let mut kept: crate::fast_hash::FastMap<Key, (usize, usize)> = Default::default();
    for (i, k) in keys.iter().enumerate() {
        let Some((key, rank)) = k else { continue };
        kept.entry(*key)
            .and_modify(|best| {
                if *rank < best.1 {
                    *best = (i, *rank)
                }
            })
            .or_insert((i, *rank));
    }
    let mut out: Vec<(Finding, Vec<Also>)> = Vec::with_capacity(findings.len());
    let mut slot: Vec<Option<usize>> = vec![None; findings.len()];
    let mut folded: Vec<(usize, usize, Finding)> = Vec::new();
    for (i, f) in findings.into_iter().enumerate() {
        match &keys[i] {
            Some((key, rank)) if kept.get(key).is_some_and(|k| k.0 != i && k.1 < overlaps[key.0].carriers) => {
                folded.push((kept[key].0, *rank, f))
            }
            _ => {
                slot[i] = Some(out.len());
                out.push((f, Vec::new()));
            }
        }
    }
    // Carried in the overlap's order, most specific first, whatever order the rules ran in.
    folded.sort_by_key(|(into, rank, _)| (*into, *rank));
    for (into, _, f) in folded {
        let Some(at) = slot[into] else { continue };
        out[at].1.push(Also { rule: f.rule, range: f.range, message: f.message });
    }
    out
}
