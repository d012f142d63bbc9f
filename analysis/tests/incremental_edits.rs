//! Property: after any sequence of incremental edits (applied in LSP positions, with parses in between or
//! not), the document's text equals the client's, and its diagnostics equal those of a fresh parse.

use onus_analysis::{Position, PositionEncoding, Range, Workspace};
use proptest::prelude::*;

const BASE: &str = "# é日本😀\r\nresource \"aws_s3_bucket\" \"b\" {\n  acl = \"public-read\"\n  tags = { Name = \"x\" }\n}\n\nresource \"aws_db_instance\" \"db\" {\n  engine = \"postgres\"\n}\n";

const PIECES: &[&str] = &[
    "",
    "{",
    "}",
    "\"",
    "é",
    "😀",
    "\r\n",
    "\n",
    "\r",
    " ",
    "=",
    "[",
    "]",
    "#",
    "acl = \"public-read\"\n",
    "resource \"aws_s3_bucket\" \"x\" {\n",
    "storage_encrypted = true\n",
    "<<EOT\n",
    "EOT\n",
    "${",
    "日本",
    "# onus:ignore:s3-public-acl reviewed\n",
    "resource \"aws_s3_bucket\" \"y\" {\n  acl = \"public-read\"\n}\n",
];

/// The client's view: the position of a byte offset, lines ending at \n, \r\n or \r, characters in `enc`.
fn client_position(text: &str, offset: usize, enc: PositionEncoding) -> Position {
    let mut line = 0;
    let mut line_start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < offset {
        let crlf = bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n');
        if crlf || bytes[i] == b'\r' || bytes[i] == b'\n' {
            i += if crlf { 2 } else { 1 };
            line += 1;
            line_start = i;
        } else {
            i += 1;
        }
    }
    let segment = &text[line_start..offset];
    let character = match enc {
        PositionEncoding::Utf8 => segment.len(),
        PositionEncoding::Utf16 => segment.encode_utf16().count(),
    };
    Position::new(line as u32, character as u32)
}

/// A char boundary at or before `at`, never between the `\r` and `\n` of a CRLF (a client cannot address it).
fn snap(text: &str, at: usize) -> usize {
    let mut at = onus_analysis::fix::floor_boundary(text, at);
    if at > 0 && at < text.len() && text.as_bytes()[at - 1] == b'\r' && text.as_bytes()[at] == b'\n' {
        at -= 1;
    }
    at
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]
    #[test]
    fn incremental_edits_match_a_fresh_parse(
        edits in prop::collection::vec((0.0f64..1.0, 0usize..12, 0..PIECES.len(), any::<bool>()), 1..25),
        utf8 in any::<bool>(),
    ) {
        let enc = if utf8 { PositionEncoding::Utf8 } else { PositionEncoding::Utf16 };
        let path = "/p/main.tf";
        let mut ws = Workspace::new(onus_analysis::catalog::rules());
        ws.open(path, BASE, 1);
        let mut model = BASE.to_string();
        for (version, (at, len, piece, parse_now)) in edits.into_iter().enumerate() {
            let start = snap(&model, (at * model.len() as f64) as usize);
            let end = snap(&model, start + len).max(start);
            let range = Range { start: client_position(&model, start, enc), end: client_position(&model, end, enc) };
            let text = PIECES[piece];
            ws.change(path, version as i32 + 2, &[(Some(range), text.to_string())], enc).unwrap();
            model.replace_range(start..end, text);
            prop_assert_eq!(ws.document(path).unwrap().text(), model.clone());
            if parse_now {
                // Analyse in between: the next model is built from this one (blocks no edit touched are reused).
                ws.diagnostics(path);
            }
        }
        let incremental = ws.diagnostics(path);
        let mut fresh = Workspace::new(onus_analysis::catalog::rules());
        fresh.open(path, &model, 1);
        prop_assert_eq!(incremental, fresh.diagnostics(path));
    }
}
