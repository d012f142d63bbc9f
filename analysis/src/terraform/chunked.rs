//! Reading a Terraform file (`.tf`, `.tfvars`) chunk by chunk, each chunk from a top-level block header at the
//! start of a line to the next.
//!
//! A chunk is read by the direct reader; one it declines (a syntax error, mostly) is parsed alone by tree-sitter,
//! whose error recovery then stays inside that block: a `{` typed or deleted in one resource no longer swallows
//! the resources after it, and tree-sitter-hcl's slow reparse of a broken file (~100 ms for 5,000 lines) becomes
//! a parse of one block.
//!
//! Splitting is lexical (headers such as `resource "a" "b" {` at column 0, outside heredocs and block
//! comments), so it can be wrong: a nested block written at column 0 splits its parent. The first part is then
//! unfinished (the reader runs out of text in it): such a chunk is retried joined with the chunks after it
//! ([`MAX_JOIN`]), then the whole text is read once, before tree-sitter is asked.
//!
//! A reading after an edit costs what the edit touches. The previous and the new text differ in one run of
//! bytes, between a common prefix and a common suffix (compared at memcmp speed; [`Change::apply`] also edits
//! the previous text into the new one in place, from the document's rope). The chunk starts before the
//! change are the previous ones; the new text is scanned for headers from the last of them only until a header
//! in the unchanged suffix that was a chunk start before: the scanner has nothing open there in either text, so
//! the chunk starts after it are the previous ones, shifted. The previous groups before the change stay in
//! place, untouched; those after it stay in the previous reading's vectors too, their ranges shifted in place
//! (with the comparison, what grows with the file); the groups read in between are spliced in. A group
//! is kept or moved only where a fresh reading reads the same chunks the same way (see
//! [`Moved::move_group`]), so the reading of a text is a function of the text alone
//! (`analysis/tests/hcl_reading.rs`, the incremental property test and the hcl fuzzer hold a reading after edits
//! equal to a fresh one). Kept and moved blocks keep their [`BlockId`].

use super::direct::{self, HclFile};
use super::model::{Attribute, Block, Comment, Expr, ExprKind};
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

/// A run of chunks read together: where it is, how it was read, and which of the file's blocks, attributes,
/// comments and problems are its own (they are stored in file order).
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub range: TextRange,
    /// Where the chunks after the first start, relative to the group's start (a group of joined chunks).
    joints: Vec<usize>,
    /// Read by the direct reader (else tree-sitter read it, or it was not analysed: it counts towards
    /// [`MAX_BROKEN_CHUNKS`]).
    direct: bool,
    /// Its reading depended on text beyond its own: it is the whole text read at once, or its chunk ran out of
    /// text, so the chunks after it and the whole text were tried with it. Such a group is read again.
    read_beyond: bool,
    /// Counted from the file's start through this group (so that an edit finds what it keeps by a binary
    /// search); its own parts run from the previous group's `parts_end` to its own.
    through: Tally,
}

/// What the groups from the file's start through one hold: where their blocks, attributes, comments and
/// problems end in the reading's vectors, and how many were not read directly and read beyond their text.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Tally {
    parts_end: [usize; 4],
    broken: usize,
    read_beyond: usize,
}

impl Tally {
    /// Counted through the group before `groups[i]` (nothing before the first).
    fn before(groups: &[Group], i: usize) -> Tally {
        i.checked_sub(1).map_or(Tally::default(), |k| groups[k].through)
    }

    /// This tally of groups that come after those tallied in `from`, recounted as coming after those in `to`.
    fn rebased(self, from: Tally, to: Tally) -> Tally {
        Tally {
            parts_end: std::array::from_fn(|k| self.parts_end[k] - from.parts_end[k] + to.parts_end[k]),
            broken: self.broken - from.broken + to.broken,
            read_beyond: self.read_beyond - from.read_beyond + to.read_beyond,
        }
    }
}

impl Group {
    /// Where its chunks start.
    fn chunk_starts(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(self.range.start).chain(self.joints.iter().map(|j| self.range.start + j))
    }
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

/// How many blocks at the start and at the end of `new` kept their identities from `old` (the two never
/// overlap): a reading after an edit keeps those before and after it, and only the blocks between differ.
pub fn kept_at_ends(old: &[BlockId], new: &[BlockId]) -> (usize, usize) {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let most = old.len().min(new.len()) - prefix;
    let suffix = old.iter().rev().zip(new.iter().rev()).take(most).take_while(|(a, b)| a == b).count();
    (prefix, suffix)
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
    let mut starts = vec![0];
    scan_headers(text, 0, |start| {
        starts.push(start);
        true
    });
    starts
}

/// Calls `header` with the start of each top-level block header line of `text` from `from` on (0 excepted: the
/// first chunk starts there anyway), until it returns false. `from` is a line start where no heredoc or block
/// comment is open: 0, or a chunk start.
fn scan_headers(text: &str, from: usize, mut header: impl FnMut(usize) -> bool) {
    let bytes = text.as_bytes();
    let mut heredoc: Option<&str> = None;
    let mut in_comment = false;
    let mut line_start = from;
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
            if line_start > 0 && is_header(line) && !header(line_start) {
                return;
            }
            // Most lines open nothing: scan only those that might.
            if line.contains("<<") || line.contains("/*") {
                (heredoc, in_comment) = scan_line(line);
            }
        }
        line_start = line_end + 1;
    }
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

/// Reads `text`. With `previous` (a reading of `previous_text`), only what the edit between the two texts
/// touches is read: the groups before it are kept in place and those after it moved, where a fresh reading would
/// read them the same.
pub fn read(text: &str, previous: Option<(&str, Reading)>, parsers: &mut Parsers) -> Reading {
    match previous {
        Some((old_text, old)) => read_changed(text, Change::between(old_text, text), old, parsers),
        None => match read_chunks(text, &chunk_starts(text), 0, None, parsers) {
            Chunks::Groups(reading) | Chunks::Whole(reading) => reading,
        },
    }
}

/// Reads `text`, which `change` made from the text `previous` is a reading of (as [`read`]).
pub fn read_changed(text: &str, change: Change, old: Reading, parsers: &mut Parsers) -> Reading {
    if change.old_len == 0 || old.groups.is_empty() {
        return read(text, None, parsers);
    }
    if change.prefix == change.old_len && change.old_len == text.len() {
        return old;
    }
    let rescan = Rescan::new(text, &old.groups, &change);
    let alignment = rescan.alignment;
    // The groups before the change read the same afresh (same chunks, same text, the same groups before them):
    // they stay where they are, untouched. The first whose reading looked beyond its text is read again.
    let kept = old.groups.partition_point(|g| alignment.ends_unchanged(g.range.end));
    let kept = kept.min(old.groups.partition_point(|g| g.through.read_beyond == 0));
    let starts = rescan.starts(&old.groups, kept);
    let broken = Tally::before(&old.groups, kept).broken;
    let mut moved = Moved { next: kept, rest: None, alignment, old };
    match read_chunks(text, &starts, broken, Some(&mut moved), parsers) {
        Chunks::Whole(whole) => whole,
        Chunks::Groups(read) => moved.assemble(kept, read),
    }
}

/// What reading chunks gave.
enum Chunks {
    /// The groups read (and moved) from the first chunk read on.
    Groups(Reading),
    /// The whole text, read at once.
    Whole(Reading),
}

/// Reads the chunks of `text` that start at `starts` (all of them from some chunk on, after groups of which
/// `broken` were not read directly), moving from `moved` the previous groups a fresh reading reads the same.
fn read_chunks(
    text: &str,
    starts: &[usize],
    mut broken: usize,
    mut moved: Option<&mut Moved>,
    parsers: &mut Parsers,
) -> Chunks {
    let mut out = Reading::default();
    let end_of = |i: usize| starts.get(i + 1).copied().unwrap_or(text.len());
    // Where chunks i+1..=j start within the group of chunks i..=j.
    let joints = |i: usize, j: usize| -> Vec<usize> { starts[i + 1..=j].iter().map(|s| s - starts[i]).collect() };
    // (The groups before `starts` never tried the whole text: that marks a group `read_beyond`, never kept.)
    let mut whole_tried = false;
    // More than one chunk: some before `starts`, or more than one in it.
    let chunked = starts[0] > 0 || starts.len() > 1;
    let mut i = 0;
    while i < starts.len() {
        let start = starts[i];
        match moved.as_mut().and_then(|m| m.move_group(start, broken, &mut out)) {
            Some(Move::Group { chunks, direct }) => {
                broken += usize::from(!direct);
                i += chunks;
                continue;
            }
            Some(Move::Rest) => break,
            None => {}
        }
        match direct::read_or_stop(&text[start..end_of(i)]) {
            Ok(file) => {
                out.push(TextRange::new(start, end_of(i)), Vec::new(), true, false, Parts::from(file));
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
                    out.push(TextRange::new(start, end_of(j)), joints(i, j), true, false, Parts::from(file));
                    i = j + 1;
                    continue;
                }
                if unfinished && !whole_tried && chunked {
                    whole_tried = true;
                    if let Some(file) = direct::read(text) {
                        let mut whole = Reading::default();
                        // (Fresh identities: the whole text was read anew.)
                        let all =
                            if starts[0] == 0 { joints(0, starts.len() - 1) } else { chunk_starts(text)[1..].to_vec() };
                        whole.push(TextRange::new(0, text.len()), all, true, true, Parts::from(file));
                        return Chunks::Whole(whole);
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
                out.push(TextRange::new(start, end_of(i)), Vec::new(), false, unfinished, parts);
                i += 1;
            }
        }
    }
    Chunks::Groups(out)
}

/// A chunk's parts as just read, with ranges relative to the chunk.
#[derive(Default)]
struct Parts {
    blocks: Vec<Block>,
    attributes: Vec<Attribute>,
    comments: Vec<Comment>,
    problems: Vec<Problem>,
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

impl Problem {
    fn shift(&mut self, delta: isize) {
        self.range =
            TextRange::new(self.range.start.saturating_add_signed(delta), self.range.end.saturating_add_signed(delta));
    }
}

impl Reading {
    /// Appends a group just read (its blocks get fresh identities).
    fn push(&mut self, range: TextRange, joints: Vec<usize>, direct: bool, read_beyond: bool, mut parts: Parts) {
        let delta = range.start as isize;
        if delta != 0 {
            parts.blocks.iter_mut().for_each(|b| b.shift(delta));
            parts.attributes.iter_mut().for_each(|a| a.shift(delta));
            parts.comments.iter_mut().for_each(|c| c.shift(delta));
            parts.problems.iter_mut().for_each(|p| p.shift(delta));
        }
        self.ids.extend(parts.blocks.iter().map(|_| BlockId::fresh()));
        self.blocks.extend(parts.blocks);
        self.attributes.extend(parts.attributes);
        self.comments.extend(parts.comments);
        self.problems.extend(parts.problems);
        self.close_group(range, joints, direct, read_beyond);
    }

    /// Appends the group whose parts were just appended.
    fn close_group(&mut self, range: TextRange, joints: Vec<usize>, direct: bool, read_beyond: bool) {
        let before = Tally::before(&self.groups, self.groups.len());
        let through = Tally {
            parts_end: [self.blocks.len(), self.attributes.len(), self.comments.len(), self.problems.len()],
            broken: before.broken + usize::from(!direct),
            read_beyond: before.read_beyond + usize::from(read_beyond),
        };
        self.groups.push(Group { range, joints, direct, read_beyond, through });
    }
}

/// How a text was edited into another: one run of bytes changed between a common prefix and a common suffix
/// (which do not overlap in either text, and end and start at character boundaries).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change {
    prefix: usize,
    suffix: usize,
    old_len: usize,
    /// The text removed or the text inserted holds a line break.
    breaks: bool,
}

impl Change {
    /// The change from `old` to `new`.
    pub fn between(old: &str, new: &str) -> Change {
        let (old_bytes, new_bytes) = (old.as_bytes(), new.as_bytes());
        let prefix = common_prefix(old_bytes, new_bytes);
        let suffix = common_suffix(&old_bytes[prefix..], &new_bytes[prefix..]);
        let mut change =
            Change { prefix, suffix, old_len: old.len(), breaks: false }
                .placed(old, new.len(), |at, bytes| new.as_bytes()[at..].starts_with(bytes));
        let removed = &old_bytes[change.prefix..change.old_len - change.suffix];
        let inserted = &new_bytes[change.prefix..new.len() - change.suffix];
        change.breaks = removed.contains(&b'\n') || inserted.contains(&b'\n');
        change
    }

    /// Whether the text the change leaves has the same lines, each indented as before: the change holds no line
    /// break and starts after its line's first character that is not a blank. (What keeps a file's indentation
    /// unit, [`crate::fix::indent_unit`], found again only when an edit may change it.)
    pub fn keeps_indentation(&self, new: &str) -> bool {
        let line_start = new[..self.prefix].rfind('\n').map_or(0, |i| i + 1);
        !self.breaks && new.as_bytes()[line_start..self.prefix].iter().any(|b| !matches!(b, b' ' | b'\t'))
    }

    /// Edits `old` in place into the text of `new`, and returns the change: only the run that differs is
    /// copied from the rope (and the text after it moved), where making a string of the rope copies it all.
    pub fn apply(old: &mut String, new: &ropey::Rope) -> Change {
        let (old_bytes, new_len) = (old.as_bytes(), new.len_bytes());
        let shortest = old_bytes.len().min(new_len);
        let mut prefix = 0;
        for chunk in new.chunks().map(str::as_bytes) {
            let part = &chunk[..chunk.len().min(shortest - prefix)];
            let old_part = &old_bytes[prefix..prefix + part.len()];
            // (Mostly the same: one comparison per chunk.)
            let same = if part == old_part { part.len() } else { common_prefix(part, old_part) };
            prefix += same;
            if same < chunk.len() {
                break;
            }
        }
        let mut suffix = 0;
        let (mut chunks, ..) = new.chunks_at_byte(new_len);
        while let Some(chunk) = chunks.prev().map(str::as_bytes) {
            let part = &chunk[chunk.len() - chunk.len().min(shortest - prefix - suffix)..];
            let end = old_bytes.len() - suffix;
            let old_part = &old_bytes[end - part.len()..end];
            let same = if part == old_part { part.len() } else { common_suffix(part, old_part) };
            suffix += same;
            if same < chunk.len() {
                break;
            }
        }
        let mut change =
            Change { prefix, suffix, old_len: old.len(), breaks: false }.placed(old, new_len, |at, bytes| {
                let (mut chunks, chunk_start, ..) = new.chunks_at_byte(at);
                let mut skip = at - chunk_start;
                let mut rest = bytes;
                while let (false, Some(chunk)) = (rest.is_empty(), chunks.next()) {
                    let part = &chunk.as_bytes()[skip..];
                    let n = part.len().min(rest.len());
                    if part[..n] != rest[..n] {
                        return false;
                    }
                    (skip, rest) = (0, &rest[n..]);
                }
                rest.is_empty()
            });
        let changed = new.byte_slice(change.prefix..new_len - change.suffix);
        let mut changed_text = String::with_capacity(changed.len_bytes());
        changed.chunks().for_each(|c| changed_text.push_str(c));
        let removed = &old.as_bytes()[change.prefix..change.old_len - change.suffix];
        change.breaks = removed.contains(&b'\n') || changed_text.contains('\n');
        old.replace_range(change.prefix..change.old_len - change.suffix, &changed_text);
        change
    }

    /// The change placed where it reads best: at character boundaries, and, for text inserted or deleted where
    /// the text before it repeats its end (a block inserted before one whose header starts the same), at its
    /// line's start if it can be, so that the line before it is in the prefix and the line after it, a header, in
    /// the suffix. `new_has(at, bytes)`: whether the new text has `bytes` at `at`.
    fn placed(mut self, old: &str, new_len: usize, new_has: impl Fn(usize, &[u8]) -> bool) -> Change {
        // (The prefix and the suffix are the same bytes in both texts: a boundary in one is one in the other.)
        while !old.is_char_boundary(self.prefix) {
            self.prefix -= 1;
        }
        while !old.is_char_boundary(self.old_len - self.suffix) {
            self.suffix -= 1;
        }
        let line_start = old[..self.prefix].rfind('\n').map_or(0, |i| i + 1);
        let repeated = &old.as_bytes()[line_start..self.prefix];
        let pure = self.prefix + self.suffix == self.old_len.min(new_len);
        let slides = match new_len.checked_sub(self.old_len) {
            Some(0) => false,
            // Inserted: the new text repeats the line's start where the insertion ends.
            Some(inserted) => pure && new_has(line_start + inserted, repeated),
            // Deleted: the old text did.
            None => pure && old.as_bytes()[line_start + self.old_len - new_len..].starts_with(repeated),
        };
        if slides {
            self.suffix += self.prefix - line_start;
            self.prefix = line_start;
        }
        self
    }
}

/// The length of the common prefix of `a` and `b`: compared a page at a time (memcmp), then closer in the page
/// that differs.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut same = 0;
    for step in [4096, 64] {
        while same + step <= n && a[same..same + step] == b[same..same + step] {
            same += step;
        }
    }
    same + a[same..n].iter().zip(&b[same..n]).take_while(|(x, y)| x == y).count()
}

/// The length of the common suffix of `a` and `b` (as [`common_prefix`], from the end).
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let (a, b) = (&a[a.len() - n..], &b[b.len() - n..]);
    let mut same = 0;
    for step in [4096, 64] {
        while same + step <= n && a[n - same - step..n - same] == b[n - same - step..n - same] {
            same += step;
        }
    }
    same + a[..n - same].iter().rev().zip(b[..n - same].iter().rev()).take_while(|(x, y)| x == y).count()
}

/// Where the chunks of the new text are those of the previous one.
#[derive(Clone, Copy)]
struct Alignment {
    /// The new text was scanned for headers from this previous chunk start, the last at or before the change;
    /// every previous chunk start before it is one of the new text.
    rescanned_from: usize,
    /// Whether `rescanned_from` is still a chunk start (its line may be the changed one).
    rescanned_from_starts: bool,
    /// From this position of the new text on (a chunk start in the unchanged suffix), the chunk starts and the
    /// text are the previous ones shifted by `delta`.
    synced_from: Option<usize>,
    /// The new text's length minus the previous one's.
    delta: isize,
}

impl Alignment {
    /// Whether a previous group before the change that ends at `end` ends where a chunk of the new text ends (its
    /// text and chunk starts being then unchanged too).
    fn ends_unchanged(&self, end: usize) -> bool {
        end < self.rescanned_from || (end == self.rescanned_from && self.rescanned_from_starts)
    }
}

/// The chunk starts of the new text around the change, found from the previous ones (those of the previous
/// reading's groups): the new text is scanned only from the last previous start at or before the change to the
/// first header after it that was a previous start (shifted) in the unchanged suffix. The scanner's state is the
/// same in both texts at such a start (nothing open: it was found as a header), and what follows is the same
/// text, so the starts after it are the previous ones shifted.
struct Rescan {
    /// The chunk starts found by scanning, from `alignment.rescanned_from` to the synced one.
    starts: Vec<usize>,
    /// The previous group with the chunk `alignment.rescanned_from`.
    first: usize,
    /// The previous group with the chunk `alignment.synced_from`, and where that chunk started.
    synced: Option<(usize, usize)>,
    alignment: Alignment,
}

impl Rescan {
    fn new(text: &str, groups: &[Group], change: &Change) -> Rescan {
        let first = groups.partition_point(|g| g.range.start <= change.prefix) - 1;
        let rescanned_from = groups[first].chunk_starts().take_while(|&s| s <= change.prefix).last().unwrap_or(0);
        let mut starts = Vec::new();
        if rescanned_from == 0 {
            starts.push(0);
        }
        let suffix_start = text.len() - change.suffix;
        let mut synced = None;
        scan_headers(text, rescanned_from, |start| {
            // A header line wholly in the unchanged suffix, at a previous chunk start.
            if start >= suffix_start {
                let old_start = start + change.old_len - text.len();
                if let Some(g) = group_starting_chunk(groups, old_start) {
                    synced = Some((start, old_start, g));
                    return false;
                }
            }
            starts.push(start);
            true
        });
        let alignment = Alignment {
            rescanned_from,
            rescanned_from_starts: starts.first() == Some(&rescanned_from),
            synced_from: synced.map(|(start, ..)| start),
            delta: text.len() as isize - change.old_len as isize,
        };
        Rescan { starts, first, synced: synced.map(|(_, old_start, g)| (g, old_start)), alignment }
    }

    /// The chunk starts of the new text from the start of the previous group `from` on (one before the change).
    fn starts(self, groups: &[Group], from: usize) -> Vec<usize> {
        let rescanned_from = self.alignment.rescanned_from;
        let mut starts: Vec<usize> = groups[from..=self.first]
            .iter()
            .flat_map(Group::chunk_starts)
            .take_while(|&s| s < rescanned_from)
            .collect();
        starts.extend(self.starts);
        if let Some((g, old_start)) = self.synced {
            let delta = self.alignment.delta;
            starts.extend(
                groups[g..]
                    .iter()
                    .flat_map(Group::chunk_starts)
                    .skip_while(|&s| s < old_start)
                    .map(|s| s.wrapping_add_signed(delta)),
            );
        }
        starts
    }
}

/// The index of the group with a chunk starting at `at`, if there is one.
fn group_starting_chunk(groups: &[Group], at: usize) -> Option<usize> {
    let g = groups.partition_point(|g| g.range.start <= at).checked_sub(1)?;
    let offset = at - groups[g].range.start;
    (offset == 0 || groups[g].joints.binary_search(&offset).is_ok()).then_some(g)
}

/// The previous reading, from which the new one takes its groups: those before the change stay in place; of
/// the others, those a fresh reading reads the same are moved, their ranges shifted, and the rest dropped.
struct Moved {
    old: Reading,
    /// The next previous group (those before it are moved or dropped).
    next: usize,
    /// Every previous group from this one on is moved, shifted by this much.
    rest: Option<(usize, isize)>,
    alignment: Alignment,
}

/// A previous group moved into the new reading.
enum Move {
    /// One group, of `chunks` chunks, read directly or not.
    Group { chunks: usize, direct: bool },
    /// Every group left: nothing remains to read.
    Rest,
}

impl Moved {
    /// Moves into `out` the previous group a fresh reading reads at `start` (a chunk start of the new text,
    /// after `broken` groups not read directly), if there is one.
    ///
    /// That is a previous group starting at the same chunk (the same one before the change, shifted after it),
    /// with the same text and the same chunks, whose reading depended on nothing else: not on the text after it
    /// (`read_beyond`), nor, for a group the direct reader declined, on which side of [`MAX_BROKEN_CHUNKS`] the
    /// groups before it put it. After the change, where every group left reads directly, all of them are moved:
    /// they stay in the previous reading's vectors, which the new reading is assembled in.
    fn move_group(&mut self, start: usize, broken: usize, out: &mut Reading) -> Option<Move> {
        let a = self.alignment;
        let (old_start, delta) = if start < a.rescanned_from {
            (start, 0)
        } else if a.synced_from.is_some_and(|s| start >= s) {
            (start.checked_add_signed(-a.delta)?, a.delta)
        } else {
            return None;
        };
        // The previous groups before it are not in the new reading.
        let groups = &self.old.groups;
        self.next += groups[self.next..].partition_point(|g| g.range.start < old_start);
        let g = groups.get(self.next).filter(|g| g.range.start == old_start)?;
        let before = Tally::before(groups, self.next);
        let same_chunks = start >= a.rescanned_from || a.ends_unchanged(g.range.end);
        let same_limit = g.direct || (before.broken < MAX_BROKEN_CHUNKS) == (broken < MAX_BROKEN_CHUNKS);
        if g.read_beyond || !same_chunks || !same_limit {
            return None;
        }
        let all = groups.last().map_or(before, |g| g.through);
        if start >= a.rescanned_from && (all.broken, all.read_beyond) == (before.broken, before.read_beyond) {
            self.rest = Some((self.next, delta));
            return Some(Move::Rest);
        }
        // Its parts are taken out of the previous reading (which keeps empty ones, dropped when it is assembled).
        let [blocks, attributes, comments, problems] =
            std::array::from_fn(|k| before.parts_end[k]..g.through.parts_end[k]);
        let old = &mut self.old;
        out.ids.extend_from_slice(&old.ids[blocks.clone()]);
        out.blocks.extend(old.blocks[blocks].iter_mut().map(|b| shifted(std::mem::replace(b, empty_block()), delta)));
        out.attributes.extend(old.attributes[attributes].iter_mut().map(|a| {
            let mut a = std::mem::replace(a, empty_attribute());
            a.shift(delta);
            a
        }));
        out.comments.extend(old.comments[comments].iter_mut().map(|c| {
            let mut c = std::mem::replace(c, Comment { range: TextRange::empty(0), text: String::new() });
            c.shift(delta);
            c
        }));
        out.problems.extend(old.problems[problems].iter_mut().map(|p| {
            let mut p = std::mem::replace(p, Problem { range: TextRange::empty(0), code: "", message: String::new() });
            p.shift(delta);
            p
        }));
        let g = &mut old.groups[self.next];
        let range = TextRange::new(g.range.start.wrapping_add_signed(delta), g.range.end.wrapping_add_signed(delta));
        let (joints, direct) = (std::mem::take(&mut g.joints), g.direct);
        let chunks = 1 + joints.len();
        out.close_group(range, joints, direct, false);
        self.next += 1;
        Some(Move::Group { chunks, direct })
    }

    /// The new reading: the previous groups kept (the first `kept`), then those `read` (and moved one by one)
    /// after them, then the rest moved, shifted in place. A keystroke that leaves as many blocks as it found
    /// moves nothing in memory.
    fn assemble(self, kept: usize, mut read: Reading) -> Reading {
        let Moved { mut old, rest, .. } = self;
        let kept_through = Tally::before(&old.groups, kept);
        read.groups.iter_mut().for_each(|g| g.through = g.through.rebased(Tally::default(), kept_through));
        let read_through = read.groups.last().map_or(kept_through, |g| g.through);
        let (rest, delta) = rest.unwrap_or((old.groups.len(), 0));
        let rest_from = Tally::before(&old.groups, rest);
        let [blocks, attributes, comments, problems] =
            std::array::from_fn(|k| kept_through.parts_end[k]..rest_from.parts_end[k]);
        let read_groups = read.groups.len();
        old.ids.splice(blocks.clone(), read.ids);
        old.blocks.splice(blocks, read.blocks);
        old.attributes.splice(attributes, read.attributes);
        old.comments.splice(comments, read.comments);
        old.problems.splice(problems, read.problems);
        old.groups.splice(kept..rest, read.groups);
        let [blocks, attributes, comments, problems] = read_through.parts_end;
        if delta != 0 {
            old.blocks[blocks..].iter_mut().for_each(|b| b.shift(delta));
            old.attributes[attributes..].iter_mut().for_each(|a| a.shift(delta));
            old.comments[comments..].iter_mut().for_each(|c| c.shift(delta));
            old.problems[problems..].iter_mut().for_each(|p| p.shift(delta));
        }
        for g in &mut old.groups[kept + read_groups..] {
            g.range = TextRange::new(g.range.start.wrapping_add_signed(delta), g.range.end.wrapping_add_signed(delta));
            g.through = g.through.rebased(rest_from, read_through);
        }
        old
    }
}

/// `block` shifted by `delta`.
fn shifted(mut block: Block, delta: isize) -> Block {
    block.shift(delta);
    block
}

/// What a block moved out of the previous reading leaves there (it allocates nothing).
fn empty_block() -> Block {
    let range = TextRange::empty(0);
    let (attributes, blocks) = (Vec::new(), Vec::new());
    Block {
        kind: String::new(),
        labels: Vec::new(),
        range,
        header: range,
        open_brace_end: 0,
        close_brace_start: 0,
        attributes,
        blocks,
    }
}

/// What an attribute moved out of the previous reading leaves there.
fn empty_attribute() -> Attribute {
    let range = TextRange::empty(0);
    Attribute { name: String::new(), name_range: range, range, expr: Expr { range, kind: ExprKind::Null } }
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
    Parts { blocks, attributes, comments, problems }
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

    /// Reads `new` from `old`'s reading, checks that a fresh reading reads the same, and returns the reading.
    fn reread(old: &str, reading: &Reading, new: &str, parsers: &mut Parsers) -> Reading {
        let updated = read(new, Some((old, reading.clone())), parsers);
        assert_eq!(updated, read(new, None, parsers), "{old:?}\n->\n{new:?}");
        assert_eq!(updated.ids.len(), updated.blocks.len());
        updated
    }

    const THREE: &str =
        "resource \"a\" \"x\" {\n  v = 1\n}\n\nresource \"b\" \"y\" {\n  v = 2\n}\n\nvariable \"z\" {}\n";

    #[test]
    fn an_edit_in_the_first_or_the_last_block_reads_only_that_block() {
        let mut parsers = Parsers::new();
        let first = read(THREE, None, &mut parsers);
        let edited = THREE.replace("v = 1", "v = 11");
        let second = reread(THREE, &first, &edited, &mut parsers);
        assert_ne!(second.ids[0], first.ids[0]);
        assert_eq!(second.ids[1..], first.ids[1..]);
        let appended = format!("{edited}output \"o\" {{}}\n");
        let third = reread(&edited, &second, &appended, &mut parsers);
        assert_eq!(third.ids[..2], second.ids[..2]);
        // The last chunk is read again: it runs to the end of the text.
        assert!(!second.ids.contains(&third.ids[2]) && !second.ids.contains(&third.ids[3]));
    }

    #[test]
    fn a_block_comment_or_a_heredoc_opened_makes_the_rest_one_chunk_until_closed() {
        let mut parsers = Parsers::new();
        let first = read(THREE, None, &mut parsers);
        for opener in ["/*\n", "x = <<EOF\n"] {
            let at = THREE.find("  v = 2").unwrap();
            let opened = format!("{}{opener}{}", &THREE[..at], &THREE[at..]);
            let second = reread(THREE, &first, &opened, &mut parsers);
            assert_eq!(second.ids[0], first.ids[0]);
            assert_eq!(second.groups.len(), 2, "{opener:?}");
            let closed = reread(&opened, &second, THREE, &mut parsers);
            assert_eq!(closed.ids[0], first.ids[0]);
            assert_eq!(closed.groups.len(), 3);
        }
    }

    #[test]
    fn a_header_deleted_or_typed_merges_or_splits_chunks() {
        let mut parsers = Parsers::new();
        let first = read(THREE, None, &mut parsers);
        // The header of `b` deleted: its body joins `a`'s chunk (which no longer reads directly).
        let deleted = THREE.replace("resource \"b\" \"y\" {\n", "");
        let second = reread(THREE, &first, &deleted, &mut parsers);
        assert_eq!(second.groups.len(), 2);
        assert_eq!(second.ids.last(), first.ids.last());
        // Its brace deleted: the line is no header any more.
        let unbraced = THREE.replace("\"y\" {", "\"y\" ");
        let third = reread(THREE, &first, &unbraced, &mut parsers);
        assert_eq!(third.ids.last(), first.ids.last());
        // Typed again.
        let typed = reread(&unbraced, &third, THREE, &mut parsers);
        assert_eq!(typed.ids.last(), first.ids.last());
        assert_eq!(typed.groups.len(), 3);
    }

    #[test]
    fn a_group_that_read_beyond_its_text_is_read_again_after_an_edit_after_it() {
        let mut parsers = Parsers::new();
        // `a` runs out of text: joined with `b` it still does, and so does the whole text.
        let text = "resource \"a\" \"x\" {\n  v = 1\n\nresource \"b\" \"y\" {\n  v = 2\n}\n";
        let first = read(text, None, &mut parsers);
        assert!(first.groups[0].read_beyond && !first.groups[0].direct);
        // A `}` at the end: `a` joined with `b` reads now (`b` nested in it).
        let closed = format!("{text}}}\n");
        let second = reread(text, &first, &closed, &mut parsers);
        assert_eq!(second.groups.len(), 1);
        assert!(second.groups[0].direct);
        // A block split more than `MAX_JOIN` times reads as the whole text; an edit anywhere reads it again.
        let split: String = std::iter::once("resource \"a\" \"x\" {\n".to_string())
            .chain((0..MAX_JOIN + 2).map(|i| format!("dynamic \"d{i}\" {{\n}}\ndata \"e\" {{\n}}\n")))
            .chain(std::iter::once("}\n".to_string()))
            .collect();
        let whole = read(&split, None, &mut parsers);
        assert!(whole.groups.len() == 1 && whole.groups[0].read_beyond && whole.problems.is_empty());
        let edited = split.replacen("}\ndata", "}\n\ndata", 1);
        reread(&split, &whole, &edited, &mut parsers);
        reread(&split, &whole, &split.replace("resource \"a\"", "resource \"b\""), &mut parsers);
    }

    #[test]
    fn groups_beyond_the_limit_of_broken_ones_are_read_again_when_an_edit_moves_them_across_it() {
        let mut parsers = Parsers::new();
        let broken: String =
            (0..MAX_BROKEN_CHUNKS + 3).map(|i| format!("resource \"r\" \"i{i}\" {{\n  v = \n}}\n")).collect();
        let first = read(&broken, None, &mut parsers);
        assert_eq!(first.groups.iter().filter(|g| !g.direct).count(), MAX_BROKEN_CHUNKS + 3);
        // The first one fixed: the first beyond the limit is now parsed.
        let fixed = broken.replacen("v = \n", "v = 1\n", 1);
        let second = reread(&broken, &first, &fixed, &mut parsers);
        // Broken again: back beyond the limit.
        reread(&fixed, &second, &broken, &mut parsers);
        // An edit that keeps the count: the blocks after it keep their identities.
        let renamed = broken.replacen("\"i0\"", "\"j0\"", 1);
        let third = reread(&broken, &first, &renamed, &mut parsers);
        assert_eq!(third.ids[1..], first.ids[1..]);
    }

    #[test]
    fn an_insertion_that_repeats_the_text_before_it_is_placed_at_its_line_start() {
        let change = Change::between("a\nresource \"b\" {}\n", "a\nresource \"c\" {}\nresource \"b\" {}\n");
        assert_eq!((change.prefix, change.suffix), (2, 16));
        let change = Change::between("ab\ncd", "ab\ncxd");
        assert_eq!((change.prefix, change.suffix), (4, 1));
        let change = Change::between("same", "same");
        assert_eq!((change.prefix, change.suffix), (4, 0));
        // At character boundaries (`é` and `è` share their first byte).
        let change = Change::between("aéb", "aèb");
        assert_eq!((change.prefix, change.suffix), (1, 1));
        let mut text = "aéb".to_string();
        assert_eq!(Change::apply(&mut text, &ropey::Rope::from_str("aèb")), change);
        assert_eq!(text, "aèb");
    }

    #[test]
    fn a_change_keeps_indentation_within_a_line_after_its_first_character() {
        let keeps = |old: &str, new: &str| Change::between(old, new).keeps_indentation(new);
        assert!(keeps("a {\n  b = 1\n}\n", "a {\n  b = 12\n}\n"));
        assert!(keeps("a {\n  b = 1\n}\n", "a {\n  bc = 1\n}\n"));
        // In or before the leading blanks, across lines, or on a line of blanks only: it may not.
        assert!(!keeps("a {\n  b = 1\n}\n", "a {\n   b = 1\n}\n"));
        assert!(!keeps("a {\n  b = 1\n}\n", "a {\n\t  b = 1\n}\n"));
        assert!(!keeps("a {\n  b = 1\n}\n", "a {\n  b = 1\n\n}\n"));
        assert!(!keeps("a {\n  b = 1\n  c = 2\n}\n", "a {\n  b = 2\n}\n"));
        assert!(!keeps("a {\n  \n}\n", "a {\n  b\n}\n"));
        let mut text = "a {\n  b = 1\n}\n".to_string();
        let change = Change::apply(&mut text, &ropey::Rope::from_str("a {\n  b = 1\n\n}\n"));
        assert_eq!(change, Change::between("a {\n  b = 1\n}\n", &text));
        assert!(!change.keeps_indentation(&text));
    }
}
