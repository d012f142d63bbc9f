//! Fixes: text edits that write the secure setting, with an applicability level.
//!
//! The helpers here compute edits from the file's own text, so that an inserted attribute, block or companion
//! resource takes the indentation and line endings the file already uses.

use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: TextRange,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    /// Non-overlapping edits of the finding's file.
    pub edits: Vec<Edit>,
    /// The obvious fix for the finding (an editor may apply it with one key).
    pub preferred: bool,
}

impl Fix {
    pub fn new(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix { title: title.into(), edits, preferred: true }
    }

    /// A fix that needs the user's judgement (a placeholder value, a narrower range): offered, not preferred.
    pub fn unsafe_(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix { title: title.into(), edits, preferred: false }
    }

    /// Applies the edits to `text` (for tests and the CLI).
    pub fn apply(&self, text: &str) -> String {
        apply_edits(text, &self.edits)
    }
}

/// Applies non-overlapping edits to `text`.
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len() + edits.iter().map(|e| e.text.len()).sum::<usize>());
    let mut at = 0;
    for e in edits {
        let start = e.range.start.clamp(at, text.len());
        out.push_str(&text[at..start]);
        out.push_str(&e.text);
        at = e.range.end.clamp(start, text.len());
    }
    out.push_str(&text[at..]);
    out
}

/// The line ending the file uses (CRLF if its first line ends so).
pub fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// `offset` clamped to `text` and moved back to the start of the character it falls in (a computed offset,
/// such as "one byte before the end of a node", may land inside a multi-byte character).
pub fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut at = offset.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The offset of the start of the line that holds `offset`.
pub fn line_start(text: &str, offset: usize) -> usize {
    text[..floor_boundary(text, offset)].rfind(['\n', '\r']).map(|i| i + 1).unwrap_or(0)
}

/// The offset just past the end of the line that holds `offset` (after its line ending).
pub fn line_end(text: &str, offset: usize) -> usize {
    let offset = floor_boundary(text, offset);
    match text[offset..].find('\n') {
        Some(i) => offset + i + 1,
        None => text.len(),
    }
}

/// The whitespace that indents the line holding `offset`.
pub fn indentation_at(text: &str, offset: usize) -> &str {
    let start = line_start(text, offset);
    let rest = &text[start..];
    &rest[..rest.len() - rest.trim_start_matches([' ', '\t']).len()]
}

/// One level of indentation as the file writes it: a tab, or the smallest step of spaces seen (2 by default).
pub fn indent_unit(text: &str) -> String {
    let mut smallest = usize::MAX;
    for line in text.lines().take(2000) {
        if line.starts_with('\t') {
            return "\t".to_string();
        }
        let n = line.len() - line.trim_start_matches(' ').len();
        if n > 0 && n < line.len() {
            smallest = smallest.min(n);
        }
    }
    " ".repeat(if smallest == usize::MAX || smallest > 8 { 2 } else { smallest })
}
