//! Positions in text: byte offsets inside onus, LSP line/character positions at the edge.
//!
//! LSP counts `character` in the negotiated encoding (UTF-16 code units by default, UTF-8 bytes when the
//! client offers it) and ends lines at `\n`, `\r\n` or `\r` (ropey's `cr_lines`). Positions past the end of a
//! line or of the document are clamped, never trusted: a client may send anything.

use ropey::Rope;
use serde::Serialize;

/// How the `character` of an LSP position is counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum PositionEncoding {
    Utf8,
    #[default]
    Utf16,
}

/// A zero-based line and character, counted in some [`PositionEncoding`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

impl Position {
    pub const fn new(line: u32, character: u32) -> Self {
        Self { line, character }
    }
}

/// A half-open range of [`Position`]s.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Range {
    pub start: Position,
    pub end: Position,
}

/// A half-open range of byte offsets into a document.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }
    pub const fn empty(at: usize) -> Self {
        Self { start: at, end: at }
    }
    pub const fn len(&self) -> usize {
        self.end - self.start
    }
    pub const fn is_empty(&self) -> bool {
        self.start == self.end
    }
    /// The range `delta` bytes further (earlier, when negative).
    pub const fn shifted(self, delta: isize) -> TextRange {
        TextRange { start: self.start.saturating_add_signed(delta), end: self.end.saturating_add_signed(delta) }
    }
    pub const fn contains(&self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }
    /// True when the two ranges share a byte, or when an empty range touches the other.
    pub const fn intersects(&self, other: &TextRange) -> bool {
        self.start <= other.end && other.start <= self.end
    }
    pub fn from_node(node: &tree_sitter::Node) -> Self {
        Self::new(node.start_byte(), node.end_byte())
    }
}

/// Number of bytes of the line terminator at the end of `line` (0, 1 for `\n`/`\r`, 2 for `\r\n`).
fn terminator_len(rope: &Rope, line: usize) -> usize {
    let slice = rope.line(line);
    let n = slice.len_bytes();
    if n == 0 {
        return 0;
    }
    match slice.byte(n - 1) {
        b'\n' if n >= 2 && slice.byte(n - 2) == b'\r' => 2,
        b'\n' | b'\r' => 1,
        _ => 0,
    }
}

/// The byte offset of `pos`, clamped to the end of its line (before the terminator) and of the document.
/// A position inside a multi-byte character is moved to that character's start.
pub fn offset_at(rope: &Rope, pos: Position, encoding: PositionEncoding) -> usize {
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let line_start = rope.line_to_byte(line);
    let content_len = rope.line(line).len_bytes() - terminator_len(rope, line);
    let line_start_char = rope.byte_to_char(line_start);
    let line_end_char = rope.byte_to_char(line_start + content_len);
    let char_idx = match encoding {
        PositionEncoding::Utf8 => {
            let byte = line_start + (pos.character as usize).min(content_len);
            // Round down to a character boundary.
            rope.byte_to_char(byte)
        }
        PositionEncoding::Utf16 => {
            let base = rope.char_to_utf16_cu(line_start_char);
            let end = rope.char_to_utf16_cu(line_end_char);
            let target = (base + pos.character as usize).min(end);
            // utf16_cu_to_char rounds down inside a surrogate pair.
            rope.utf16_cu_to_char(target)
        }
    };
    rope.char_to_byte(char_idx.clamp(line_start_char, line_end_char))
}

/// The position of byte `offset` (clamped to the document, rounded down to a character boundary).
pub fn position_at(rope: &Rope, offset: usize, encoding: PositionEncoding) -> Position {
    let offset = offset.min(rope.len_bytes());
    let line = rope.byte_to_line(offset);
    let line_start = rope.line_to_byte(line);
    // An ASCII document (most are; ropey keeps both totals): a column in bytes is one in any encoding.
    if rope.len_bytes() == rope.len_chars() {
        return Position::new(line as u32, (offset - line_start) as u32);
    }
    let character = match encoding {
        PositionEncoding::Utf8 => {
            let char_start = rope.char_to_byte(rope.byte_to_char(offset));
            char_start - line_start
        }
        PositionEncoding::Utf16 => {
            let c = rope.byte_to_char(offset);
            rope.char_to_utf16_cu(c) - rope.char_to_utf16_cu(rope.byte_to_char(line_start))
        }
    };
    Position::new(line as u32, character as u32)
}

/// The byte where each line of `rope` starts.
pub fn line_starts_of(rope: &Rope) -> Vec<usize> {
    line_starts(rope.chunks())
}

/// The byte where each line of a text (given in pieces, as a rope's chunks) starts: lines end as the rope's
/// do, at LF, CRLF and a lone CR.
fn line_starts<'c>(chunks: impl Iterator<Item = &'c str>) -> Vec<usize> {
    let mut starts = vec![0];
    let mut offset = 0;
    let mut after_cr = false;
    for chunk in chunks {
        // Most text has no CR: its line breaks are found by memchr (a publication reads every line start).
        if !chunk.is_empty() && !chunk.as_bytes().contains(&b'\r') {
            for (i, _) in chunk.match_indices('\n') {
                if i == 0 && after_cr {
                    *starts.last_mut().expect("a line") = offset + 1;
                } else {
                    starts.push(offset + i + 1);
                }
            }
            offset += chunk.len();
            after_cr = false;
            continue;
        }
        for &b in chunk.as_bytes() {
            offset += 1;
            match b {
                // `\r\n` is one break: its line starts after the `\n`.
                b'\n' if after_cr => *starts.last_mut().expect("a line") = offset,
                b'\n' | b'\r' => starts.push(offset),
                _ => {}
            }
            after_cr = b == b'\r';
        }
    }
    starts
}

/// The positions of many offsets of one text (a publication's diagnostics): in an ASCII text, from its line
/// starts read once and searched; otherwise asked of the rope, as [`position_at`].
pub struct Positions<'r> {
    rope: &'r Rope,
    encoding: PositionEncoding,
    /// The byte where each line starts, for an ASCII text (lines end as the rope's do: LF, CRLF, a lone CR).
    ascii_lines: Option<std::borrow::Cow<'r, [usize]>>,
    /// The text's length (a rope sums its root's children to say it).
    len: usize,
}

impl<'r> Positions<'r> {
    pub fn new(rope: &'r Rope, encoding: PositionEncoding) -> Positions<'r> {
        let ascii_lines = (rope.len_bytes() == rope.len_chars()).then(|| line_starts_of(rope).into());
        Positions { rope, encoding, ascii_lines, len: rope.len_bytes() }
    }

    /// With the line starts of `rope` known already ([`crate::Document::positions`] keeps them through edits).
    pub fn with_line_starts(rope: &'r Rope, starts: &'r [usize], encoding: PositionEncoding) -> Positions<'r> {
        let ascii_lines = (rope.len_bytes() == rope.len_chars()).then_some(starts.into());
        Positions { rope, encoding, ascii_lines, len: rope.len_bytes() }
    }

    pub fn rope(&self) -> &'r Rope {
        self.rope
    }

    pub fn encoding(&self) -> PositionEncoding {
        self.encoding
    }

    /// For a few offsets: each asked of the rope, no line starts read.
    pub fn asking(rope: &'r Rope, encoding: PositionEncoding) -> Positions<'r> {
        Positions { rope, encoding, ascii_lines: None, len: rope.len_bytes() }
    }

    pub fn at(&self, offset: usize) -> Position {
        let Some(starts) = &self.ascii_lines else { return position_at(self.rope, offset, self.encoding) };
        let offset = offset.min(self.len);
        let line = starts.partition_point(|&s| s <= offset) - 1;
        Position::new(line as u32, (offset - starts[line]) as u32)
    }

    pub fn range(&self, range: TextRange) -> Range {
        Range { start: self.at(range.start), end: self.at(range.end) }
    }
}

pub fn range_at(rope: &Rope, range: TextRange, encoding: PositionEncoding) -> Range {
    Range { start: position_at(rope, range.start, encoding), end: position_at(rope, range.end, encoding) }
}

/// The byte range of an LSP range; a reversed range is put in order.
pub fn text_range_of(rope: &Rope, range: Range, encoding: PositionEncoding) -> TextRange {
    let a = offset_at(rope, range.start, encoding);
    let b = offset_at(rope, range.end, encoding);
    TextRange::new(a.min(b), a.max(b))
}

/// The tree-sitter point of byte `offset`: row by ropey's lines, column in bytes.
pub fn point_at(rope: &Rope, offset: usize) -> tree_sitter::Point {
    let line = rope.byte_to_line(offset);
    tree_sitter::Point::new(line, offset - rope.line_to_byte(line))
}

/// Lines and columns as the CLI prints them, for many offsets of one text.
pub struct LineIndex<'t> {
    text: &'t str,
    /// The byte offset of each line's start.
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    /// Lines end as the rope's do (and editors' and LSP's): LF, CRLF and a lone CR.
    pub fn new(text: &'t str) -> Self {
        LineIndex { text, starts: line_starts(std::iter::once(text)) }
    }

    /// 1-based line and column (in characters) of `offset` (clamped to the text and to a character start).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = crate::fix::floor_boundary(self.text, offset);
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let col = self.text[self.starts[line]..offset].chars().count();
        (line + 1, col + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_counts_lines_as_the_rope_does() {
        let text = "a\nbé\r\ncd\re\u{2028}f\u{0c}\n\nlast";
        let rope = Rope::from_str(text);
        let lines = LineIndex::new(text);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let line = rope.byte_to_line(offset);
            let col = rope.byte_to_char(offset) - rope.line_to_char(line);
            assert_eq!(lines.line_col(offset), (line + 1, col + 1), "at {offset}");
        }
    }

    #[test]
    fn positions_of_many_offsets_are_the_rope_s() {
        let texts = ["a\nb\r\ncd\re\x0bf\x0c\n\nlast", "\r\n\r\n", "", "x", "ends\n", "é\nb\r\nc", "a\r"];
        for text in texts {
            let rope = Rope::from_str(text);
            for enc in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
                let many = Positions::new(&rope, enc);
                for offset in (0..=text.len() + 2).filter(|&o| o >= text.len() || text.is_char_boundary(o)) {
                    assert_eq!(many.at(offset), position_at(&rope, offset, enc), "{text:?} at {offset}");
                }
            }
        }
    }

    #[test]
    fn positions_in_a_text_of_many_chunks_are_the_rope_s() {
        // Long enough for the rope to hold it in many chunks, whose ends fall anywhere in a line (CRLF included).
        let text = "resource \"a\" \"b\" {\n  x = 1\r\n}\r\n\rlast line\n".repeat(2000);
        let rope = Rope::from_str(&text);
        assert!(rope.chunks().count() > 10);
        let many = Positions::new(&rope, PositionEncoding::Utf16);
        for offset in (0..=text.len()).step_by(7).chain([text.len()]) {
            assert_eq!(many.at(offset), position_at(&rope, offset, PositionEncoding::Utf16), "at {offset}");
        }
        let lf_only = text.replace('\r', "");
        let rope = Rope::from_str(&lf_only);
        let many = Positions::new(&rope, PositionEncoding::Utf8);
        for offset in (0..=lf_only.len()).step_by(5) {
            assert_eq!(many.at(offset), position_at(&rope, offset, PositionEncoding::Utf8), "at {offset}");
        }
    }

    fn roundtrip(text: &str, enc: PositionEncoding) {
        let rope = Rope::from_str(text);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let pos = position_at(&rope, offset, enc);
            let at = offset_at(&rope, pos, enc);
            // A position between \r and \n clamps to before the \r.
            let expected = if offset > 0 && text.as_bytes()[offset - 1] == b'\r' && text[offset..].starts_with('\n') {
                offset - 1
            } else {
                offset
            };
            assert_eq!(at, expected, "{text:?} offset {offset} -> {pos:?}");
        }
    }

    #[test]
    fn positions_roundtrip_in_both_encodings() {
        for text in ["", "a", "é日本😀\nx", "a\r\nb\r\n", "a\rb\nc", "😀😀\r\n😀", "x\n\n\ny"] {
            roundtrip(text, PositionEncoding::Utf8);
            roundtrip(text, PositionEncoding::Utf16);
        }
    }

    #[test]
    fn astral_characters_count_two_utf16_units() {
        let rope = Rope::from_str("a😀b");
        assert_eq!(position_at(&rope, 5, PositionEncoding::Utf16), Position::new(0, 3));
        assert_eq!(position_at(&rope, 5, PositionEncoding::Utf8), Position::new(0, 5));
        assert_eq!(offset_at(&rope, Position::new(0, 3), PositionEncoding::Utf16), 5);
        // Inside the surrogate pair: rounded down to the character's start.
        assert_eq!(offset_at(&rope, Position::new(0, 2), PositionEncoding::Utf16), 1);
        // Inside the UTF-8 sequence: rounded down too.
        assert_eq!(offset_at(&rope, Position::new(0, 3), PositionEncoding::Utf8), 1);
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let rope = Rope::from_str("ab\r\ncd");
        assert_eq!(offset_at(&rope, Position::new(0, 99), PositionEncoding::Utf16), 2);
        assert_eq!(offset_at(&rope, Position::new(9, 0), PositionEncoding::Utf16), 6);
        assert_eq!(position_at(&rope, 99, PositionEncoding::Utf16), Position::new(1, 2));
        let r = text_range_of(
            &rope,
            Range { start: Position::new(1, 1), end: Position::new(0, 1) },
            PositionEncoding::Utf8,
        );
        assert_eq!(r, TextRange::new(1, 5));
    }
}
