//! Reading a Terraform file (`.tf`, `.tfvars`) chunk by chunk, each chunk from a top-level block header at the
//! start of a line to the next.
//!
//! A keystroke changes one chunk: the others keep their model from the previous reading (moved, not rebuilt),
//! so what a keystroke costs grows with the block it is in, not with the file. A chunk is read by the direct
//! reader; one it declines (a syntax error, mostly) is parsed alone by tree-sitter, whose error recovery then
//! stays inside that block: a `{` typed or deleted in one resource no longer swallows the resources after it,
//! and tree-sitter-hcl's slow reparse of a broken file (~100 ms for 5,000 lines) becomes a parse of one block.
//!
//! Splitting is lexical (headers such as `resource "a" "b" {` at column 0, outside heredocs and block
//! comments), so it can be wrong: a nested block written at column 0 splits its parent. The first part is then
//! unfinished (the reader runs out of text in it): such a chunk is retried joined with the chunks after it
//! ([`MAX_JOIN`]), then the whole text is read once, before tree-sitter is asked. The reading of a text is a
//! function of the text alone: reusing a chunk's previous model gives what reading it afresh gives
//! (`analysis/tests/hcl_reading.rs`, the incremental property test and the hcl fuzzer hold the two equal).

use std::collections::HashMap;

use super::direct::{self, HclFile};
use super::model::{Attribute, Block, Comment};
use crate::document::{Parsers, MAX_TREE_DEPTH};
use crate::file_kind::Syntax;
use crate::text::TextRange;

/// The keywords of Terraform's top-level blocks: a line starting with one followed by labels and `{` starts a
/// chunk.
const TOP_LEVEL: [&str; 12] = [
    "resource",
    "data",
    "module",
    "variable",
    "output",
    "locals",
    "provider",
    "terraform",
    "moved",
    "import",
    "removed",
    "check",
];

/// How many following chunks a chunk that does not read is joined with (a nested block split from its parent).
const MAX_JOIN: usize = 4;

/// Blocks that do not parse beyond this many in a file are not parsed (a file that broken is being generated,
/// not edited, and each costs a tree-sitter parse): only the first ones are analysed and reported.
pub const MAX_BROKEN_CHUNKS: usize = crate::syntax_errors::MAX_SYNTAX_ERRORS;

/// A chunk larger than this that does not read directly is not parsed by tree-sitter (seconds, and ~80 bytes
/// of memory per byte): it is reported, where the direct reader stopped.
pub const MAX_TREE_PARSED_BYTES: usize = 2 * 1024 * 1024;

/// Something wrong with a part of the file, as a diagnostic: `syntax-error`, `nesting-too-deep`, `file-too-large`.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub range: TextRange,
    pub code: &'static str,
    pub message: String,
}

/// A run of chunks read together: where it is, how it was read, and how many of the file's blocks, attributes,
/// comments and problems are its own (they are stored in file order).
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub range: TextRange,
    /// Where the chunks after the first start, relative to the group's start (a group of joined chunks).
    joints: Vec<usize>,
    /// Read by the direct reader (only such groups are reused: a group tree-sitter read depends on whether
    /// joining it with the next chunks reads, so it is always redone).
    direct: bool,
    counts: [usize; 4],
    /// The hash of the group's text, to find it again in the next reading.
    hash: u64,
}

/// The identity of a top-level block across readings: a block moved from the previous reading keeps it, a block
/// read anew gets a fresh one. The analysis keeps what it derived from a block under its identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlockId(u64);

impl BlockId {
    /// An identity no block had before (unique in the process).
    pub fn fresh() -> BlockId {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        BlockId(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }
}

/// A reading: the model's parts in file order, its problems, and the groups they came from.
#[derive(Clone, Debug, Default)]
pub struct Reading {
    pub blocks: Vec<Block>,
    /// The identity of each block (parallel to `blocks`).
    pub ids: Vec<BlockId>,
    pub attributes: Vec<Attribute>,
    pub comments: Vec<Comment>,
    pub problems: Vec<Problem>,
    pub groups: Vec<Group>,
}

/// Readings are equal when they read the same model the same way; which identities their blocks carry is
/// bookkeeping (a reading after an edit and a fresh one differ there by design).
impl PartialEq for Reading {
    fn eq(&self, other: &Self) -> bool {
        (&self.blocks, &self.attributes, &self.comments, &self.problems, &self.groups)
            == (&other.blocks, &other.attributes, &other.comments, &other.problems, &other.groups)
    }
}

/// The start of every chunk of `text` (the first is 0).
pub fn chunk_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    let mut heredoc: Option<&str> = None;
    let mut in_comment = false;
    let mut line_start = 0;
    while line_start < bytes.len() {
        let line_end = text[line_start..].find('\n').map_or(bytes.len(), |i| line_start + i);
        let line = &text[line_start..line_end];
        if let Some(id) = heredoc {
            if line.trim() == id {
                heredoc = None;
            }
        } else if in_comment {
            if let Some(end) = line.find("*/") {
                (heredoc, in_comment) = scan_line(&line[end + 2..]);
            }
        } else {
            if line_start > 0 && is_header(line) {
                starts.push(line_start);
            }
            // Most lines open nothing: scan only those that might.
            if line.contains("<<") || line.contains("/*") {
                (heredoc, in_comment) = scan_line(line);
            }
        }
        line_start = line_end + 1;
    }
    starts
}

/// Whether a line is a top-level block header: `keyword`, labels, `{`.
fn is_header(line: &str) -> bool {
    if !line.starts_with(|c: char| "rdmvolptic".contains(c)) {
        return false;
    }
    TOP_LEVEL
        .iter()
        .any(|k| line.strip_prefix(k).is_some_and(|rest| rest.starts_with([' ', '\t', '"', '{']) && rest.contains('{')))
}

/// What a line leaves open for the next: a heredoc (its marker) or a block comment. Strings are single-line;
/// the scan is approximate (a `"` inside an interpolation's string) and errs towards fewer chunks.
fn scan_line(line: &str) -> (Option<&str>, bool) {
    let bytes = line.as_bytes();
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'#' if !in_string => return (None, false),
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return (None, false),
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'*') => match line[i + 2..].find("*/") {
                Some(end) => i += 2 + end + 1,
                None => return (None, true),
            },
            b'<' if !in_string && bytes.get(i + 1) == Some(&b'<') => {
                let rest = line[i + 2..].strip_prefix('-').unwrap_or(&line[i + 2..]);
                let id_len = rest.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-').count();
                if id_len > 0 && rest[id_len..].trim().is_empty() {
                    return (Some(&rest[..id_len]), false);
                }
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    (None, false)
}

/// Reads `text`, reusing the groups of `previous` (a reading of `previous_text`) whose text is unchanged.
pub fn read(text: &str, previous: Option<(&str, Reading)>, parsers: &mut Parsers) -> Reading {
    let starts = chunk_starts(text);
    let end_of = |i: usize| starts.get(i + 1).copied().unwrap_or(text.len());
    // Where chunks i+1..=j start within the group of chunks i..=j.
    let joints = |i: usize, j: usize| -> Vec<usize> { starts[i + 1..=j].iter().map(|s| s - starts[i]).collect() };
    let mut reuse = Reusable::new(previous);
    let mut out = Reading::default();
    let mut broken = 0;
    let mut whole_tried = false;
    let mut i = 0;
    while i < starts.len() {
        let start = starts[i];
        // A group of chunks i..=j that read directly before, with the same text and joints, reads so again.
        let reused = (i..starts.len().min(i + 1 + MAX_JOIN)).find_map(|j| {
            let joints = joints(i, j);
            let parts = reuse.take(&text[start..end_of(j)], &joints)?;
            Some((j, joints, parts))
        });
        if let Some((j, joints, parts)) = reused {
            out.push(text, TextRange::new(start, end_of(j)), joints, true, parts);
            i = j + 1;
            continue;
        }
        match direct::read_or_stop(&text[start..end_of(i)]) {
            Ok(file) => {
                out.push(text, TextRange::new(start, end_of(i)), Vec::new(), true, Parts::from(file));
                i += 1;
                continue;
            }
            Err(stop) => {
                // A split inside a construct leaves its first part unfinished: the reader runs out of text. Only
                // such a chunk is tried joined with the next ones, and, if that does not read, the whole text
                // is read once (a construct split more than `MAX_JOIN` times is still read as one).
                let chunk = &text[start..end_of(i)];
                let unfinished = stop >= chunk.len();
                let joined = (i + 1..starts.len().min(i + 1 + MAX_JOIN))
                    .filter(|_| unfinished)
                    .find_map(|j| Some((j, direct::read(&text[start..end_of(j)])?)));
                if let Some((j, file)) = joined {
                    out.push(text, TextRange::new(start, end_of(j)), joints(i, j), true, Parts::from(file));
                    i = j + 1;
                    continue;
                }
                if unfinished && !whole_tried && starts.len() > 1 {
                    whole_tried = true;
                    if let Some(file) = direct::read(text) {
                        let mut whole = Reading::default();
                        // (Fresh identities: the whole text was read anew.)
                        let all = joints(0, starts.len() - 1);
                        whole.push(text, TextRange::new(0, text.len()), all, true, Parts::from(file));
                        return whole;
                    }
                }
                broken += 1;
                let parts = if broken <= MAX_BROKEN_CHUNKS {
                    read_with_tree_sitter(chunk, stop, parsers)
                } else {
                    let message = format!(
                        "not analysed: more than {MAX_BROKEN_CHUNKS} blocks of this file do not parse; this one \
                         neither (reading stopped here)"
                    );
                    Parts::problem(TextRange::empty(stop), "syntax-error", message)
                };
                out.push(text, TextRange::new(start, end_of(i)), Vec::new(), false, parts);
                i += 1;
            }
        }
    }
    out
}

/// One group's parts, with ranges relative to `at`: 0 for a chunk just read (its ranges are within it), the
/// group's former start for parts moved from the previous reading.
#[derive(Default)]
struct Parts {
    blocks: Vec<Block>,
    /// The blocks' identities, when moved from the previous reading (else fresh ones are given).
    ids: Vec<BlockId>,
    attributes: Vec<Attribute>,
    comments: Vec<Comment>,
    problems: Vec<Problem>,
    at: usize,
    /// The hash of the text, when known (parts moved from the previous reading).
    hash: Option<u64>,
}

impl Parts {
    /// A chunk not analysed, and why.
    fn problem(range: TextRange, code: &'static str, message: String) -> Parts {
        Parts { problems: vec![Problem { range, code, message }], ..Parts::default() }
    }
}

impl From<HclFile> for Parts {
    fn from(f: HclFile) -> Self {
        Parts { blocks: f.blocks, attributes: f.attributes, comments: f.comments, ..Parts::default() }
    }
}

impl Reading {
    fn push(&mut self, text: &str, range: TextRange, joints: Vec<usize>, direct: bool, mut parts: Parts) {
        // Only the parts after an edit move (those before it are where they were).
        let delta = range.start as isize - parts.at as isize;
        if delta != 0 {
            parts.blocks.iter_mut().for_each(|b| b.shift(delta));
            parts.attributes.iter_mut().for_each(|a| a.shift(delta));
            parts.comments.iter_mut().for_each(|c| c.shift(delta));
            for p in &mut parts.problems {
                p.range = TextRange::new(
                    p.range.start.saturating_add_signed(delta),
                    p.range.end.saturating_add_signed(delta),
                );
            }
        }
        let counts = [parts.blocks.len(), parts.attributes.len(), parts.comments.len(), parts.problems.len()];
        let hash = parts.hash.unwrap_or_else(|| hash(&text[range.start..range.end]));
        self.groups.push(Group { range, joints, direct, counts, hash });
        if parts.ids.len() == parts.blocks.len() {
            self.ids.extend(parts.ids);
        } else {
            self.ids.extend(parts.blocks.iter().map(|_| BlockId::fresh()));
        }
        self.blocks.extend(parts.blocks);
        self.attributes.extend(parts.attributes);
        self.comments.extend(parts.comments);
        self.problems.extend(parts.problems);
    }
}

/// A previous group: its text, its joints and its parts.
type Previous<'p> = (&'p str, Vec<usize>, Parts);

/// The previous reading's directly read groups, by the hash of their text, to move into the new reading.
struct Reusable<'p> {
    by_hash: HashMap<u64, Vec<Previous<'p>>>,
}

/// A fast hash of a chunk's text (FxHash's mixing, 8 bytes at a time): every keystroke hashes the whole file,
/// and equal hashes are confirmed by comparing the texts.
fn hash(text: &str) -> u64 {
    let mix = |h: u64, word: u64| (h.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    let mut words = text.as_bytes().chunks_exact(8);
    let mut h =
        words.by_ref().fold(text.len() as u64, |h, w| mix(h, u64::from_le_bytes(w.try_into().expect("8 bytes"))));
    for &b in words.remainder() {
        h = mix(h, u64::from(b));
    }
    h
}

impl<'p> Reusable<'p> {
    fn new(previous: Option<(&'p str, Reading)>) -> Self {
        let mut by_hash: HashMap<u64, Vec<_>> = HashMap::new();
        let Some((text, reading)) = previous else { return Reusable { by_hash } };
        let mut blocks = reading.blocks.into_iter();
        let mut ids = reading.ids.into_iter();
        let mut attributes = reading.attributes.into_iter();
        let mut comments = reading.comments.into_iter();
        let mut problems = reading.problems.into_iter();
        for g in reading.groups {
            let [nb, na, nc, np] = g.counts;
            let parts = Parts {
                blocks: blocks.by_ref().take(nb).collect(),
                ids: ids.by_ref().take(nb).collect(),
                attributes: attributes.by_ref().take(na).collect(),
                comments: comments.by_ref().take(nc).collect(),
                problems: problems.by_ref().take(np).collect(),
                at: g.range.start,
                hash: Some(g.hash),
            };
            let Some(group_text) = text.get(g.range.start..g.range.end).filter(|_| g.direct) else { continue };
            by_hash.entry(g.hash).or_default().push((group_text, g.joints, parts));
        }
        Reusable { by_hash }
    }

    /// The parts of a previous group with this text and these joints, moved out.
    fn take(&mut self, text: &str, joints: &[usize]) -> Option<Parts> {
        if self.by_hash.is_empty() {
            return None;
        }
        let same = self.by_hash.get_mut(&hash(text))?;
        let i = same.iter().position(|(t, j, _)| *t == text && j == joints)?;
        Some(same.swap_remove(i).2)
    }
}

/// A chunk the direct reader stopped in (at `stop`): tree-sitter parses it alone.
fn read_with_tree_sitter(chunk: &str, stop: usize, parsers: &mut Parsers) -> Parts {
    if chunk.len() > MAX_TREE_PARSED_BYTES {
        let message = format!(
            "not analysed: this part of the file is over {} MiB and does not read as valid HCL, and reading \
             stopped here (a syntax error, or a construct only a full parse reads)",
            MAX_TREE_PARSED_BYTES >> 20
        );
        return Parts::problem(TextRange::empty(stop), "file-too-large", message);
    }
    let Some(tree) = parsers.get(Syntax::Hcl).parse(chunk, None) else { return Parts::default() };
    if crate::document::tree_depth_exceeds(&tree, MAX_TREE_DEPTH) {
        let message =
            format!("not analysed: this block nests deeper than onus analyses ({MAX_TREE_DEPTH} syntax levels)");
        return Parts::problem(TextRange::empty(0), "nesting-too-deep", message);
    }
    let rope = ropey::Rope::from_str(chunk);
    let problems = crate::syntax_errors::syntax_errors(&tree, &rope)
        .into_iter()
        .map(|e| Problem { range: e.range, code: "syntax-error", message: e.message })
        .collect();
    let HclFile { blocks, attributes, comments } = super::read_tree(chunk, &tree);
    Parts { blocks, attributes, comments, problems, ..Parts::default() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_moved_by_a_new_reading_keep_their_identity_and_edited_ones_get_a_new_one() {
        let mut parsers = Parsers::new();
        let text = "resource \"a\" \"x\" {\n  v = 1\n}\n\nresource \"b\" \"y\" {\n  v = 2\n}\n\nvariable \"z\" {}\n";
        let first = read(text, None, &mut parsers);
        assert_eq!(first.ids.len(), 3);
        let edited = text.replace("v = 2", "v = 22");
        let second = read(&edited, Some((text, first.clone())), &mut parsers);
        assert_eq!(second.ids[0], first.ids[0]);
        assert_eq!(second.ids[2], first.ids[2]);
        assert_ne!(second.ids[1], first.ids[1]);
        // A block inserted gets an identity no block had.
        let inserted = edited.replacen("\n\nvariable", "\n\nvariable \"n\" {}\n\nvariable", 1);
        let third = read(&inserted, Some((&edited, second.clone())), &mut parsers);
        assert_eq!((third.ids[0], third.ids[1], third.ids[3]), (second.ids[0], second.ids[1], second.ids[2]));
        assert!(!first.ids.contains(&third.ids[2]) && !second.ids.contains(&third.ids[2]));
    }
}
