//! Analysis cost, parse and keystroke, on generated Terraform of 1k, 5k and 20k lines.
//!
//! Run: `cargo bench -p onus-analysis --bench keystroke`. Prints, per size: the full parse alone (the floor),
//! full parse + analysis, and for a one-character edit: the incremental reparse alone, and reparse + analysis
//! + diagnostics. Medians over repeated runs; compare ratios within one run (the machine is shared).

use std::time::{Duration, Instant};

use onus_analysis::document::{Document, Parsers};
use onus_analysis::{TextRange, Workspace};

#[path = "../../bench/generate.rs"]
mod generate;
use generate::generate;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time(runs: usize, mut f: impl FnMut()) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

/// `ONUS_BENCH_PROFILE=1`: only keystrokes on the 5k-line file (or `ONUS_BENCH_LINES`), many of them, for a
/// profiler to sample.
fn profile() {
    let lines = std::env::var("ONUS_BENCH_LINES").ok().and_then(|v| v.parse().ok()).unwrap_or(5_000);
    let text = generate(lines);
    let mut ws = Workspace::new();
    ws.open("/bench/main.tf", &text, 1);
    let rope = ropey::Rope::from_str(&text);
    let at = text.find("app-80").unwrap() + 4;
    let pos = onus_analysis::text::position_at(&rope, at, onus_analysis::PositionEncoding::Utf16);
    for version in 2..600 {
        let (range, insert) = if version % 2 == 0 {
            (onus_analysis::Range { start: pos, end: pos }, "x")
        } else {
            let end = onus_analysis::Position::new(pos.line, pos.character + 1);
            (onus_analysis::Range { start: pos, end }, "")
        };
        ws.change(
            "/bench/main.tf",
            version,
            &[(Some(range), insert.to_string())],
            onus_analysis::PositionEncoding::Utf16,
        )
        .unwrap();
        std::hint::black_box(ws.diagnostics("/bench/main.tf"));
    }
}

fn main() {
    if std::env::var_os("ONUS_BENCH_PROFILE").is_some() {
        return profile();
    }
    println!(
        "{:>7} {:>10} {:>14} {:>14} {:>16} {:>8}",
        "lines", "parse", "parse+analyse", "reparse(1 ch)", "keystroke total", "onus/ks"
    );
    for lines in [1_000, 5_000, 20_000] {
        let text = generate(lines);
        let runs = if lines >= 20_000 { 10 } else { 30 };
        let mut parsers = Parsers::new();
        let parse = time(runs, || {
            let mut doc = Document::new("/bench/main.tf", &text, 1).unwrap();
            doc.parse_fully(&mut parsers);
        });
        let full = time(runs, || {
            let mut ws = Workspace::new();
            ws.open("/bench/main.tf", &text, 1);
            std::hint::black_box(ws.diagnostics("/bench/main.tf"));
        });
        // A keystroke in the middle of the file: type a character into a string, then delete it.
        let at = text.find(&format!("app-{}", lines / 60)).unwrap() + 4;
        let mut doc = Document::new("/bench/main.tf", &text, 1).unwrap();
        doc.parse_fully(&mut parsers);
        let mut toggle = false;
        let reparse = time(runs * 3, || {
            if toggle {
                doc.edit(TextRange::new(at, at + 1), "")
            } else {
                doc.edit(TextRange::empty(at), "x")
            }
            toggle = !toggle;
            doc.parse_fully(&mut parsers);
        });
        let mut ws = Workspace::new();
        ws.open("/bench/main.tf", &text, 1);
        ws.diagnostics("/bench/main.tf");
        let mut version = 1;
        let rope = ropey::Rope::from_str(&text);
        let pos = onus_analysis::text::position_at(&rope, at, onus_analysis::PositionEncoding::Utf16);
        let keystroke = time(runs * 3, || {
            version += 1;
            let range = onus_analysis::Range { start: pos, end: pos };
            let (range, insert) = if version % 2 == 0 {
                (range, "x".to_string())
            } else {
                let end = onus_analysis::Position::new(pos.line, pos.character + 1);
                (onus_analysis::Range { start: pos, end }, String::new())
            };
            ws.change("/bench/main.tf", version, &[(Some(range), insert)], onus_analysis::PositionEncoding::Utf16)
                .unwrap();
            std::hint::black_box(ws.diagnostics("/bench/main.tf"));
        });
        // A syntax-breaking keystroke: delete the `{` of a block in the middle, then type it again.
        let brace = text[text.len() / 2..].find(" {\n  bucket").map(|i| text.len() / 2 + i + 1).unwrap();
        let bpos = onus_analysis::text::position_at(&rope, brace, onus_analysis::PositionEncoding::Utf16);
        let mut broken_parse = Vec::new();
        let mut broken_total = Vec::new();
        for _ in 0..(runs / 3).max(3) {
            for (end_char, insert) in [(bpos.character + 1, ""), (bpos.character, "{")] {
                version += 1;
                let range =
                    onus_analysis::Range { start: bpos, end: onus_analysis::Position::new(bpos.line, end_char) };
                let t = Instant::now();
                ws.change(
                    "/bench/main.tf",
                    version,
                    &[(Some(range), insert.to_string())],
                    onus_analysis::PositionEncoding::Utf16,
                )
                .unwrap();
                ws.parse("/bench/main.tf", &mut || false).unwrap();
                broken_parse.push(t.elapsed());
                std::hint::black_box(ws.diagnostics("/bench/main.tf"));
                broken_total.push(t.elapsed());
            }
        }
        // A syntax-breaking keystroke: delete the `{` of a block in the middle, then type it again.
        let brace = text[text.len() / 2..].find(" {\n  bucket").map(|i| text.len() / 2 + i + 1).unwrap();
        let bpos = onus_analysis::text::position_at(&rope, brace, onus_analysis::PositionEncoding::Utf16);
        let (mut broken_parse, mut broken_total) = (Vec::new(), Vec::new());
        for _ in 0..(runs / 3).max(3) {
            for (end_char, insert) in [(bpos.character + 1, ""), (bpos.character, "{")] {
                version += 1;
                let end = onus_analysis::Position::new(bpos.line, end_char);
                let range = onus_analysis::Range { start: bpos, end };
                let t = Instant::now();
                let changes = [(Some(range), insert.to_string())];
                ws.change("/bench/main.tf", version, &changes, onus_analysis::PositionEncoding::Utf16).unwrap();
                ws.parse("/bench/main.tf", &mut || false).unwrap();
                broken_parse.push(t.elapsed());
                std::hint::black_box(ws.diagnostics("/bench/main.tf"));
                broken_total.push(t.elapsed());
            }
        }
        let own = keystroke.saturating_sub(reparse);
        println!(
            "{lines:>7} {parse:>10.2?} {full:>14.2?} {reparse:>14.2?} {keystroke:>16.2?} {own:>8.2?}   \
             break/restore a `{{`: reparse {:.2?}, with analysis {:.2?}",
            median(broken_parse),
            median(broken_total)
        );
    }
}
