//! A document: its text in a rope and, for YAML and JSON, its tree-sitter tree, edited and re-parsed
//! incrementally. (Terraform's HCL has no tree here: its model reads it chunk by chunk, `terraform::chunked`.)
//!
//! Each LSP change becomes a rope edit plus a tree-sitter `InputEdit` on the old tree; the next parse reuses
//! that tree and reads the text straight from the rope's chunks (no copy of the whole text per keystroke).
//! A parse can be cancelled through tree-sitter's progress callback, so that a newer edit never waits behind an
//! older parse: the edited old tree is kept and the next parse starts from it.

use ropey::Rope;
use tree_sitter::{InputEdit, ParseOptions, ParseState, Parser, Tree};

use crate::file_kind::{FileKind, Syntax};
use crate::text::{self, PositionEncoding, Range, TextRange};

/// A parse was abandoned because something newer is waiting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cancelled;

/// Documents larger than this are not parsed: tree-sitter's time and memory grow with them and no real
/// Terraform or CloudFormation file comes near. They get one diagnostic saying so.
pub const MAX_PARSED_BYTES: usize = 16 * 1024 * 1024;

/// Syntax trees deeper than this are not analysed: the model, the evaluator and the rules recurse over the tree,
/// and a hostile file (10,000 nested brackets) would exhaust any stack. Real files stay far below: a level of
/// nesting in the source is a handful of tree levels, and real modules and templates nest a few dozen levels.
pub const MAX_TREE_DEPTH: usize = 1_000;

/// YAML nested deeper than this (in indentation levels) is not parsed: tree-sitter-yaml's scanner overflows its
/// state buffer past about 250 levels (a C assertion that aborts the process, which no Rust code can catch).
pub const MAX_YAML_INDENT_LEVELS: usize = 200;

/// One tree-sitter parser per grammar, reused across documents and parses.
pub struct Parsers {
    hcl: Parser,
    yaml: Parser,
    json: Parser,
}

impl Parsers {
    pub fn new() -> Parsers {
        let make = |syntax: Syntax| {
            let mut parser = Parser::new();
            parser.set_language(&syntax.language()).expect("grammar built against a compatible tree-sitter");
            parser
        };
        Parsers { hcl: make(Syntax::Hcl), yaml: make(Syntax::Yaml), json: make(Syntax::Json) }
    }

    pub fn get(&mut self, syntax: Syntax) -> &mut Parser {
        match syntax {
            Syntax::Hcl => &mut self.hcl,
            Syntax::Yaml => &mut self.yaml,
            Syntax::Json => &mut self.json,
        }
    }
}

impl Default for Parsers {
    fn default() -> Self {
        Self::new()
    }
}

#[derive(Clone)]
pub struct Document {
    path: String,
    kind: FileKind,
    version: i32,
    rope: Rope,
    /// The tree of the last complete parse, with every later edit applied to it (see `dirty`).
    tree: Option<Tree>,
    tree_syntax: Option<Syntax>,
    /// Edits were applied to the rope (and to `tree`) since `tree` was parsed.
    dirty: bool,
    /// The last parse found the text nested deeper than onus analyses (see [`MAX_TREE_DEPTH`]); no tree is kept.
    too_deep: bool,
    /// The byte where each line starts (the rope's lines), kept through edits once asked for: a publication
    /// places every finding with them, and reading them afresh was a pass over the whole text at every keystroke.
    /// (Not read for the documents nobody opened: a workspace indexes thousands.)
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl Document {
    /// A new, unparsed document; `None` when onus does not handle files like `path`.
    pub fn new(path: impl Into<String>, text: &str, version: i32) -> Option<Document> {
        let path = path.into();
        let kind = FileKind::detect(&path, text)?;
        let rope = Rope::from_str(text);
        Some(Document {
            path,
            kind,
            version,
            line_starts: std::sync::OnceLock::new(),
            rope,
            tree: None,
            tree_syntax: None,
            dirty: true,
            too_deep: false,
        })
    }

    pub fn path(&self) -> &str {
        &self.path
    }
    pub fn kind(&self) -> FileKind {
        self.kind
    }
    pub fn version(&self) -> i32 {
        self.version
    }
    pub fn set_version(&mut self, version: i32) {
        self.version = version;
    }
    pub fn rope(&self) -> &Rope {
        &self.rope
    }
    /// Positions of offsets in the text, from its line starts.
    pub fn positions(&self, encoding: PositionEncoding) -> text::Positions<'_> {
        let starts = self.line_starts.get_or_init(|| text::line_starts_of(&self.rope));
        text::Positions::with_line_starts(&self.rope, starts, encoding)
    }
    pub fn text(&self) -> String {
        // Chunk by chunk into the exact size: the models keep this copy, and formatting the rope grows the
        // string by doubling (up to twice the text, for every file open).
        let mut text = String::with_capacity(self.rope.len_bytes());
        self.rope.chunks().for_each(|chunk| text.push_str(chunk));
        text
    }
    /// The tree of the current text, if it has been parsed since the last edit.
    pub fn tree(&self) -> Option<&Tree> {
        if self.dirty {
            None
        } else {
            self.tree.as_ref()
        }
    }
    pub fn is_parsed(&self) -> bool {
        !self.dirty
    }
    pub fn is_too_large(&self) -> bool {
        self.rope.len_bytes() > MAX_PARSED_BYTES
    }
    /// The last parse found the text nested too deep to analyse (it has no tree).
    pub fn is_too_deep(&self) -> bool {
        !self.dirty && self.too_deep
    }

    /// Replaces the whole text (an LSP change without a range).
    pub fn replace_all(&mut self, text: &str) {
        self.rope = Rope::from_str(text);
        self.line_starts = std::sync::OnceLock::new();
        self.tree = None;
        self.dirty = true;
    }

    /// Applies one LSP content change; `range: None` replaces the whole text.
    pub fn apply_change(&mut self, range: Option<Range>, new_text: &str, encoding: PositionEncoding) {
        match range {
            None => self.replace_all(new_text),
            Some(range) => {
                let bytes = text::text_range_of(&self.rope, range, encoding);
                self.edit(bytes, new_text);
            }
        }
    }

    /// Replaces the bytes of `range` (clamped to the document and to character boundaries) with `new_text`.
    pub fn edit(&mut self, range: TextRange, new_text: &str) {
        let len = self.rope.len_bytes();
        let start_char = self.rope.byte_to_char(range.start.min(len));
        let end_char = self.rope.byte_to_char(range.end.min(len)).max(start_char);
        let start_byte = self.rope.char_to_byte(start_char);
        let old_end_byte = self.rope.char_to_byte(end_char);
        let start_position = text::point_at(&self.rope, start_byte);
        let old_end_position = text::point_at(&self.rope, old_end_byte);
        // The lines the edit can change: from the one holding the byte before it (a CR there pairs with an LF
        // typed after it) to the one holding its end; the lines after start where they did, moved.
        let first = self.rope.byte_to_line(start_byte.saturating_sub(1));
        let after = self.rope.byte_to_line(old_end_byte) + 1;
        if end_char > start_char {
            self.rope.remove(start_char..end_char);
        }
        if !new_text.is_empty() {
            self.rope.insert(start_char, new_text);
        }
        let new_end_byte = start_byte + new_text.len();
        let new_after = self.rope.byte_to_line(new_end_byte) + 1;
        if let Some(starts) = self.line_starts.get_mut() {
            let delta = new_end_byte as isize - old_end_byte as isize;
            let mut tail = starts.split_off(after.min(starts.len()));
            tail.iter_mut().for_each(|s| *s = s.wrapping_add_signed(delta));
            starts.truncate(first + 1);
            starts.extend((first + 1..new_after).map(|line| self.rope.line_to_byte(line)));
            starts.append(&mut tail);
            debug_assert_eq!(starts.len(), self.rope.len_lines());
        }
        if let Some(tree) = &mut self.tree {
            tree.edit(&InputEdit {
                start_byte,
                old_end_byte,
                new_end_byte,
                start_position,
                old_end_position,
                new_end_position: text::point_at(&self.rope, new_end_byte),
            });
        }
        self.dirty = true;
    }

    /// Parses the current text, incrementally from the edited old tree. `cancelled` is polled while the parser
    /// works; when it answers true the parse stops, the document stays dirty and `Err(Cancelled)` is returned.
    pub fn parse(&mut self, parsers: &mut Parsers, cancelled: &mut dyn FnMut() -> bool) -> Result<(), Cancelled> {
        if !self.dirty {
            return Ok(());
        }
        if matches!(self.kind.syntax(), Syntax::Yaml | Syntax::Json) && !self.kind.is_terraform() {
            self.kind = self.kind.refine(&self.rope.to_string());
        }
        self.too_deep = false;
        if self.is_too_large() {
            self.tree = None;
            self.dirty = false;
            return Ok(());
        }
        let syntax = self.kind.syntax();
        if syntax == Syntax::Yaml && yaml_indent_levels(&self.rope) > MAX_YAML_INDENT_LEVELS {
            self.tree = None;
            self.too_deep = true;
            self.dirty = false;
            return Ok(());
        }
        if syntax == Syntax::Hcl {
            // Terraform is read chunk by chunk into its model (`terraform::chunked`), which parses only what
            // the direct reader declines: no tree of the whole file.
            self.tree = None;
            self.dirty = false;
            return Ok(());
        }
        if self.tree_syntax != Some(syntax) {
            // A tree from another grammar cannot be reused.
            self.tree = None;
            self.tree_syntax = Some(syntax);
        }
        let tree = self.parse_tree(parsers, cancelled)?;
        self.too_deep = tree_depth_exceeds(&tree, MAX_TREE_DEPTH);
        self.tree = if self.too_deep { None } else { Some(tree) };
        self.dirty = false;
        Ok(())
    }

    /// A tree-sitter parse of the text, from the edited old tree if there is one.
    fn parse_tree(&mut self, parsers: &mut Parsers, cancelled: &mut dyn FnMut() -> bool) -> Result<Tree, Cancelled> {
        let parser = parsers.get(self.kind.syntax());
        let rope = &self.rope;
        let mut read = |byte: usize, _: tree_sitter::Point| -> &[u8] {
            if byte >= rope.len_bytes() {
                return &[];
            }
            let (chunk, chunk_start, _, _) = rope.chunk_at_byte(byte);
            &chunk.as_bytes()[byte - chunk_start..]
        };
        let mut progress = |_: &ParseState| cancelled();
        let options = ParseOptions::new().progress_callback(&mut progress);
        match parser.parse_with_options(&mut read, self.tree.as_ref(), Some(options)) {
            Some(tree) => Ok(tree),
            None => {
                // The parser would otherwise try to resume this parse on the next call, with other text.
                parser.reset();
                Err(Cancelled)
            }
        }
    }

    /// Frees the tree of a parsed document that is not being edited: trees are by far the largest part of a
    /// document (tens of bytes per byte of text). The next edit reparses from scratch.
    pub fn release_tree(&mut self) {
        if !self.dirty {
            self.tree = None;
        }
    }

    pub fn has_tree(&self) -> bool {
        self.tree.is_some()
    }

    /// Parses to completion (for the CLI and tests).
    pub fn parse_fully(&mut self, parsers: &mut Parsers) {
        let _ = self.parse(parsers, &mut || false);
    }
}

/// Whether `tree` has a node deeper than `limit` (walked with a cursor: no recursion).
pub fn tree_depth_exceeds(tree: &Tree, limit: usize) -> bool {
    let mut cursor = tree.walk();
    let mut depth = 0;
    loop {
        if depth > limit {
            return true;
        }
        if cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return false;
            }
            depth -= 1;
        }
    }
}

/// An upper bound of the indentation levels tree-sitter-yaml's scanner keeps for `rope`: a stack of the
/// indentation columns of the non-blank lines, where a line's `- ` sequence markers each open a level too.
pub fn yaml_indent_levels(rope: &Rope) -> usize {
    let mut stack: Vec<usize> = Vec::new();
    let mut max = 0;
    for line in rope.lines() {
        let mut col = 0;
        let mut chars = line.chars().peekable();
        while chars.peek() == Some(&' ') {
            chars.next();
            col += 1;
        }
        let mut columns = vec![col];
        // `- - - x`: each marker nests a sequence one level deeper.
        while chars.next() == Some('-') {
            let mut spaces = 0;
            while chars.peek() == Some(&' ') {
                chars.next();
                spaces += 1;
            }
            if spaces == 0 {
                break;
            }
            col += 1 + spaces;
            columns.push(col);
        }
        let blank = line.chars().all(char::is_whitespace);
        if blank {
            continue;
        }
        while stack.last().is_some_and(|&top| top > columns[0]) {
            stack.pop();
        }
        for c in columns {
            if stack.last().is_none_or(|&top| c > top) {
                stack.push(c);
            }
        }
        max = max.max(stack.len());
    }
    max
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("path", &self.path)
            .field("kind", &self.kind)
            .field("version", &self.version)
            .field("len", &self.rope.len_bytes())
            .field("dirty", &self.dirty)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Position;

    fn parsed(path: &str, text: &str) -> (Document, Parsers) {
        let mut doc = Document::new(path, text, 1).unwrap();
        let mut parser = Parsers::new();
        doc.parse_fully(&mut parser);
        (doc, parser)
    }

    #[test]
    fn line_starts_kept_through_edits_are_those_read_afresh() {
        // Edits that make and break CRLF pairs, at the text's ends and inside multi-byte characters.
        let pieces = ["", "\n", "\r", "\r\n", "a", "é", "\n\n", "x\ry", "😀\r"];
        let mut doc = Document::new("t.yaml", "a\r\nb\rc\n\néd\r\n", 1).unwrap();
        doc.positions(PositionEncoding::Utf16);
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..5000 {
            let len = doc.rope().len_bytes();
            let start = next(len + 1);
            let end = (start + next(4)).min(len);
            let text = pieces[next(pieces.len())];
            doc.edit(TextRange::new(start, end), text);
            let kept = doc.line_starts.get().expect("asked for");
            assert_eq!(*kept, text::line_starts_of(doc.rope()), "after {text:?} at {start}..{end}");
            if doc.rope().len_bytes() > 200 {
                doc.edit(TextRange::new(0, 100), "");
            }
        }
    }

    #[test]
    fn incremental_parse_matches_a_fresh_parse() {
        let (mut doc, mut parser) = parsed("main.tf.json", "{\"resource\": {\"a\": {\"b\": {\"x\": 1}}}}\n");
        let r = Range { start: Position::new(0, 31), end: Position::new(0, 32) };
        doc.apply_change(Some(r), "\"é😀\"", PositionEncoding::Utf16);
        doc.parse_fully(&mut parser);
        assert_eq!(doc.text(), "{\"resource\": {\"a\": {\"b\": {\"x\": \"é😀\"}}}}\n");
        let (fresh, _) = parsed("main.tf.json", &doc.text());
        assert_eq!(doc.tree().unwrap().root_node().to_sexp(), fresh.tree().unwrap().root_node().to_sexp());
    }

    #[test]
    fn a_cancelled_parse_keeps_the_edits_and_resumes_later() {
        // Large enough that tree-sitter calls the progress callback at least once.
        let body = "  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: x\n".repeat(2000);
        let template = format!("a: 1\nAWSTemplateFormatVersion: '2010-09-09'\nResources:\n{body}");
        // Never parsed: the first parse is a full one, long enough to be cancelled.
        let mut doc = Document::new("t.yaml", &template, 1).unwrap();
        let mut parser = Parsers::new();
        doc.edit(TextRange::new(3, 4), "2");
        assert_eq!(doc.parse(&mut parser, &mut || true), Err(Cancelled));
        assert!(doc.tree().is_none());
        doc.edit(TextRange::new(0, 1), "bb");
        doc.parse_fully(&mut parser);
        assert_eq!(doc.text(), template.replacen("a: 1", "bb: 2", 1));
        let (fresh, _) = parsed("t.yaml", &doc.text());
        assert_eq!(doc.tree().unwrap().root_node().to_sexp(), fresh.tree().unwrap().root_node().to_sexp());
    }

    #[test]
    fn yaml_becomes_cloudformation_when_it_gains_the_markers() {
        let (mut doc, mut parser) = parsed("t.yaml", "a: 1\n");
        assert_eq!(doc.kind(), FileKind::OtherYaml);
        doc.edit(TextRange::empty(0), "AWSTemplateFormatVersion: '2010-09-09'\n");
        doc.parse_fully(&mut parser);
        assert_eq!(doc.kind(), FileKind::CloudFormationYaml);
    }
}
