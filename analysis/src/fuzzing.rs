//! The bodies of the fuzz targets (`fuzz/`), kept here so that the normal test suite runs them on the kept
//! crash inputs (`analysis/tests/fuzz_regressions.rs`) without cargo-fuzz or a nightly compiler.
//!
//! Each takes arbitrary bytes and must return without panicking, hanging or exhausting memory; the
//! assertions inside are the oracles: fixes stay inside the text and on character boundaries, diagnostics
//! stay inside the text, and a document edited incrementally holds the client's text and analyses like a
//! fresh one.

use ropey::Rope;

use crate::text::{self, Position, PositionEncoding, Range};
use crate::workspace::Workspace;

/// The front end a fuzz input is fed to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Front {
    Hcl,
    Yaml,
    Json,
}

/// Analyses `data` (as lossy UTF-8) as a file of the given front end, and applies every fix offered.
pub fn analyse_bytes(front: Front, data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match front {
        Front::Hcl => {
            direct_reads_as_tree_sitter(&text);
            analyse("/fuzz/main.tf", &text);
            analyse("/fuzz/terraform.tfvars", &text);
        }
        Front::Yaml => {
            analyse("/fuzz/template.yaml", &text);
            // Make it a template, so that the CloudFormation model and rules run on the rest of the input.
            if !crate::file_kind::looks_like_cloudformation(&text) {
                analyse("/fuzz/template.yaml", &format!("AWSTemplateFormatVersion: '2010-09-09'\n{text}"));
            }
        }
        Front::Json => {
            analyse("/fuzz/main.tf.json", &text);
            analyse("/fuzz/template.json", &text);
            if let Some(rest) = text.trim_start().strip_prefix('{') {
                if !crate::file_kind::looks_like_cloudformation(&text) {
                    analyse("/fuzz/template.json", &format!("{{\"AWSTemplateFormatVersion\":\"2010-09-09\",{rest}"));
                }
            }
        }
    }
}

/// The readers' oracles: what the direct reader reads, tree-sitter reads without error, into the same model,
/// and so does the chunked reading; the chunked reading after an edit equals a fresh one.
fn direct_reads_as_tree_sitter(text: &str) {
    use crate::terraform::chunked;
    let mut parsers = crate::document::Parsers::new();
    let reading = chunked::read(text, None, &mut parsers);
    // An edit in the middle (a character deleted): from the previous reading, as afresh.
    let at = crate::fix::floor_boundary(text, text.len() / 2);
    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    let edited = format!("{}{}", &text[..at], &text[end..]);
    let fresh = chunked::read(&edited, None, &mut parsers);
    assert_eq!(chunked::read(&edited, Some((text, reading.clone())), &mut parsers), fresh, "{text:?}");
    let Some(file) = crate::terraform::direct::read(text) else { return };
    let tree = parsers.get(crate::file_kind::Syntax::Hcl).parse(text, None).expect("no cancellation");
    assert!(!tree.root_node().has_error(), "read directly, but tree-sitter finds an error: {text:?}");
    assert_eq!(file, crate::terraform::read_tree(text, &tree), "{text:?}");
    assert!(reading.problems.is_empty(), "{text:?}");
    assert_eq!((reading.blocks, reading.attributes, reading.comments), (file.blocks, file.attributes, file.comments));
}

fn analyse(path: &str, text: &str) {
    let mut ws = Workspace::new(crate::catalog::rules());
    ws.set_today(crate::date::Date { year: 2026, month: 1, day: 1 });
    if !ws.open(path, text, 1) {
        return;
    }
    let report = ws.report(path);
    let rope = Rope::from_str(text);
    for d in report.diagnostics.iter().chain(&report.suppressed) {
        assert!(d.range.start <= d.range.end && d.range.end <= text.len(), "diagnostic range {:?}", d.range);
        for enc in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
            let _ = text::range_at(&rope, d.range, enc);
        }
        for fix in d.fixes.iter().chain(&ws.suppression_fix(path, d)) {
            for e in &fix.edits {
                assert!(e.range.start <= e.range.end && e.range.end <= text.len(), "edit range {:?}", e.range);
                assert!(text.is_char_boundary(e.range.start) && text.is_char_boundary(e.range.end));
            }
            let _ = fix.apply(text);
        }
    }
    for r in &ws.resources(path) {
        assert!(r.range.end <= text.len() && r.header.end <= text.len());
    }
}

/// A little reader over the fuzz input.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn u8(&mut self) -> Option<u8> {
        let (b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(*b)
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from(self.u8()?) << 8 | u16::from(self.u8()?))
    }
    fn text(&mut self, len: usize) -> String {
        let n = len.min(self.0.len());
        let (t, rest) = self.0.split_at(n);
        self.0 = rest;
        String::from_utf8_lossy(t).into_owned()
    }
}

const PATHS: [&str; 5] =
    ["/fuzz/main.tf", "/fuzz/terraform.tfvars", "/fuzz/template.yaml", "/fuzz/template.json", "/fuzz/main.tf.json"];

/// Opens a document and applies a sequence of LSP content changes with arbitrary (possibly out-of-range,
/// reversed, mid-character) positions, parsing and analysing in between at the input's choice. The text must
/// always be what a client applying the same (clamped) changes holds, and the final diagnostics those of a
/// fresh document with that text.
///
/// Input: kind byte, encoding byte, u16 length + initial text, then edits: flags byte, four u16 (start line,
/// start character, end line, end character), u8 length + new text.
pub fn edit_sequence(data: &[u8]) {
    let mut input = Bytes(data);
    let (Some(kind), Some(enc)) = (input.u8(), input.u8()) else { return };
    let path = PATHS[usize::from(kind) % PATHS.len()];
    let enc = if enc & 1 == 0 { PositionEncoding::Utf16 } else { PositionEncoding::Utf8 };
    let Some(len) = input.u16() else { return };
    let initial = input.text(usize::from(len));
    let mut ws = Workspace::new(crate::catalog::rules());
    ws.set_today(crate::date::Date { year: 2026, month: 1, day: 1 });
    if !ws.open(path, &initial, 1) {
        return;
    }
    let mut model = initial;
    let mut version = 1;
    while let Some(flags) = input.u8() {
        let (Some(sl), Some(sc), Some(el), Some(ec), Some(n)) =
            (input.u16(), input.u16(), input.u16(), input.u16(), input.u8())
        else {
            break;
        };
        let new_text = input.text(usize::from(n));
        let range = Range {
            start: Position::new(u32::from(sl % 64), u32::from(sc)),
            end: Position::new(u32::from(el % 64), u32::from(ec)),
        };
        // A skipped or repeated version: the change must be refused (repeated) or applied (skipped).
        let next = match flags & 0b1100 {
            0b0100 => version,
            0b1000 => version + 3,
            _ => version + 1,
        };
        let whole = flags & 0b1_0000 != 0;
        let change = if whole { (None, new_text.clone()) } else { (Some(range), new_text.clone()) };
        let applied = ws.change(path, next, &[change], enc).is_ok();
        assert_eq!(applied, next > version, "version {next} after {version}");
        if applied {
            version = next;
            if whole {
                model = new_text;
            } else {
                // What the client holds: the same clamping the protocol layer promises, on a plain string.
                let rope = Rope::from_str(&model);
                let bytes = text::text_range_of(&rope, range, enc);
                let (start, end) = (bytes.start.min(bytes.end), bytes.end.max(bytes.start));
                let (start, end) = (crate::fix::floor_boundary(&model, start), crate::fix::floor_boundary(&model, end));
                model.replace_range(start..end.max(start), &new_text);
            }
        }
        assert_eq!(ws.document(path).map(|d| d.text()).as_deref(), Some(model.as_str()));
        match flags & 0b11 {
            1 => {
                let _ = ws.parse(path, &mut || false);
            }
            2 => {
                ws.diagnostics(path);
            }
            _ => {}
        }
    }
    let incremental = ws.diagnostics(path);
    let mut fresh = Workspace::new(crate::catalog::rules());
    fresh.set_today(crate::date::Date { year: 2026, month: 1, day: 1 });
    fresh.open(path, &model, 1);
    let fresh = fresh.diagnostics(path);
    // Tree-sitter may recover from errors differently after an edit; on text without syntax errors the
    // analysis of the edited document must be exactly that of a fresh one.
    let syntax = |d: &[crate::Diagnostic]| d.iter().any(|d| d.code == "syntax-error");
    if !syntax(&fresh) && !syntax(&incremental) {
        assert_eq!(incremental, fresh, "incremental analysis differs from a fresh one");
    }
}
