//! Analysis cost, parse and keystroke, on generated Terraform of 1k, 5k and 20k lines.
//!
//! Run: `cargo bench -p onus-analysis --bench keystroke`. Prints, per size: tree-sitter alone for scale (a full
//! parse, and an incremental reparse after one character), then onus: opening the file (read + analysis +
//! diagnostics), a one-character keystroke (change + read + analysis + diagnostics), of which reading the
//! changed chunk (`read`) and the rest (`analyse`), and a keystroke that deletes or restores a block's `{`.
//! All of a keystroke is onus's own cost: no tree-sitter parse is in it unless a chunk is broken. Medians over
//! repeated runs; compare ratios within one run (the machine is shared).

use std::time::{Duration, Instant};

use onus_analysis::document::{Document, Parsers};
use onus_analysis::file_kind::Syntax;
use onus_analysis::terraform::TfFile;
use onus_analysis::text::position_at;
use onus_analysis::PositionEncoding::Utf16;
use onus_analysis::{Position, Range, Workspace};

#[path = "../../bench/generate.rs"]
mod generate;
use generate::{compliant, generate};

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
/// profiler to sample (`ONUS_BENCH_EDIT_IN=db-80` for keystrokes in a resource, `ONUS_BENCH_EDIT_IN=brace` to
/// delete and retype a block's `{` in the middle of the file, as the syntax-breaking keystroke does; `body-brace`
/// to type and delete a `{` in a database's body; `quote` to open a string and close the gap again).
fn profile() {
    let lines = std::env::var("ONUS_BENCH_LINES").ok().and_then(|v| v.parse().ok()).unwrap_or(5_000);
    // `ONUS_BENCH_FILE=compliant`: the compliant file rather than the dense one.
    let text = if std::env::var("ONUS_BENCH_FILE").is_ok_and(|f| f == "compliant") {
        compliant(lines)
    } else {
        generate(lines)
    };
    let mut ws = Workspace::new(onus_analysis::catalog::rules());
    ws.open("/bench/main.tf", &text, 1);
    ws.diagnostics("/bench/main.tf");
    let rope = ropey::Rope::from_str(&text);
    // `ONUS_BENCH_EDIT_IN`: the text the keystrokes go into (a variable's default by default).
    let target = std::env::var("ONUS_BENCH_EDIT_IN").unwrap_or_else(|_| "app-80".into());
    let middle = |needle: &str| text[text.len() / 2..].find(needle).map(|i| text.len() / 2 + i).unwrap();
    let (at, typed, deleted_first) = match target.as_str() {
        "brace" => (middle(" {\n  bucket") + 1, "{", true),
        // (`lsp_latency`'s two other syntax-breaking edits: a `{` typed in a database's body, a string opened.)
        "body-brace" => (middle("  engine "), "{", false),
        "quote" => (middle("  target_prefix = ") + 18, "\"", false),
        _ => (text.find(&target).expect("the edited text is in the generated file") + 4, "x", false),
    };
    // `ONUS_BENCH_EDITS`: how many (598 by default); two runs with different counts give a profiler the cost
    // of an edit without the opening's.
    let edits: i32 = std::env::var("ONUS_BENCH_EDITS").ok().and_then(|v| v.parse().ok()).unwrap_or(598);
    for version in 2..2 + edits {
        // Delete the character at `at`, then type it again (or type, then delete, for text in a string).
        let delete = (version % 2 == 0) == deleted_first;
        let edit = if delete { change(&rope, at, true, "") } else { change(&rope, at, false, typed) };
        ws.change("/bench/main.tf", version, &[edit], Utf16).unwrap();
        std::hint::black_box(ws.diagnostics("/bench/main.tf"));
    }
}

/// Where the middle one of the occurrences of `needle` in `text` starts.
fn middle(text: &str, needle: &str) -> usize {
    let hits: Vec<usize> = text.match_indices(needle).map(|(i, _)| i).collect();
    hits[hits.len() / 2]
}

/// One character typed at `at` (or, when `delete`, the one there deleted), as an LSP change.
fn change(rope: &ropey::Rope, at: usize, delete: bool, insert: &str) -> (Option<Range>, String) {
    let start = position_at(rope, at, Utf16);
    let end = if delete { Position::new(start.line, start.character + 1) } else { start };
    (Some(Range { start, end }), insert.to_string())
}

fn main() {
    if std::env::var_os("ONUS_BENCH_PROFILE").is_some() {
        return profile();
    }
    // `ONUS_BENCH_ONLY=calls`: only the module-calls measurement (for a profiler).
    if std::env::var("ONUS_BENCH_ONLY").is_ok_and(|v| v == "calls") {
        return module_calls();
    }
    println!(
        "{:>7} {:>9} {:>9} {:>11} {:>10} {:>11} {:>9} {:>12} {:>12}",
        "lines", "ts parse", "ts 1 ch", "open", "keystroke", "  read", "analyse", "broken ks", "resource ks"
    );
    // The dense file at three sizes, then the compliant one (see `bench/generate.rs`).
    let files = [(1_000, generate as fn(usize) -> String), (5_000, generate), (20_000, generate), (5_000, compliant)];
    for (i, (lines, generate)) in files.into_iter().enumerate() {
        if i == 3 {
            println!("the compliant file:");
        }
        let text = generate(lines);
        let rope = ropey::Rope::from_str(&text);
        let runs = if lines >= 20_000 { 10 } else { 30 };
        let mut parsers = Parsers::new();
        // tree-sitter alone, for scale: a full parse, and an incremental reparse after one character.
        let parse = time(runs, || {
            std::hint::black_box(parsers.get(Syntax::Hcl).parse(&text, None));
        });
        // In the middle of the file (a group is about 60 lines): half the blocks move.
        let at = middle(&text, "default = \"app-") + 15;
        let tree = parsers.get(Syntax::Hcl).parse(&text, None).unwrap();
        let typed = format!("{}x{}", &text[..at], &text[at..]);
        let reparse = time(runs * 3, || {
            let mut old = tree.clone();
            old.edit(&tree_sitter::InputEdit {
                start_byte: at,
                old_end_byte: at,
                new_end_byte: at + 1,
                start_position: onus_analysis::text::point_at(&rope, at),
                old_end_position: onus_analysis::text::point_at(&rope, at),
                new_end_position: onus_analysis::text::point_at(&rope, at + 1),
            });
            std::hint::black_box(parsers.get(Syntax::Hcl).parse(&typed, Some(&old)));
        });
        // onus: opening the file, and a keystroke (type a character into a string, then delete it).
        let open = time(runs, || {
            let mut ws = Workspace::new(onus_analysis::catalog::rules());
            ws.open("/bench/main.tf", &text, 1);
            std::hint::black_box(ws.diagnostics("/bench/main.tf"));
        });
        let mut ws = Workspace::new(onus_analysis::catalog::rules());
        ws.open("/bench/main.tf", &text, 1);
        ws.diagnostics("/bench/main.tf");
        let mut version = 1;
        let keystroke = time(runs * 3, || {
            version += 1;
            let edit = if version % 2 == 0 { change(&rope, at, false, "x") } else { change(&rope, at, true, "") };
            ws.change("/bench/main.tf", version, &[edit], Utf16).unwrap();
            std::hint::black_box(ws.diagnostics("/bench/main.tf"));
        });
        // Of which reading the changed chunk (the rest moved from the previous reading).
        let mut docs =
            [Document::new("/bench/main.tf", &typed, 2).unwrap(), Document::new("/bench/main.tf", &text, 1).unwrap()];
        docs.iter_mut().for_each(|d| d.parse_fully(&mut parsers));
        let mut model = TfFile::read(&docs[1], None, &mut parsers);
        let mut toggle = 0;
        let read = time(runs * 3, || {
            toggle ^= 1;
            model = TfFile::read(&docs[toggle ^ 1], model.take(), &mut parsers);
            assert!(model.is_some());
        });
        // A syntax-breaking keystroke: delete the `{` of a block in the middle, then type it again.
        let brace = text[text.len() / 2..].find(" {\n  bucket").map(|i| text.len() / 2 + i + 1).unwrap();
        let mut broken = Vec::new();
        for _ in 0..(runs / 3).max(3) {
            for edit in [change(&rope, brace, true, ""), change(&rope, brace, false, "{")] {
                version += 1;
                let t = Instant::now();
                ws.change("/bench/main.tf", version, &[edit], Utf16).unwrap();
                std::hint::black_box(ws.diagnostics("/bench/main.tf"));
                broken.push(t.elapsed());
            }
        }
        // A keystroke in a resource (a database's identifier) rather than in a variable the buckets' names read.
        let in_db = middle(&text, "\"db-") + 3;
        let resource_keystroke = time(runs * 3, || {
            version += 1;
            let edit = if version % 2 == 0 { change(&rope, in_db, false, "x") } else { change(&rope, in_db, true, "") };
            ws.change("/bench/main.tf", version, &[edit], Utf16).unwrap();
            std::hint::black_box(ws.diagnostics("/bench/main.tf"));
        });
        let analyse = keystroke.saturating_sub(read);
        println!(
            "{lines:>7} {parse:>9.2?} {reparse:>9.2?} {open:>11.2?} {keystroke:>10.2?} {read:>11.2?} {analyse:>9.2?} {:>12.2?} {resource_keystroke:>12.2?}",
            median(broken)
        );
    }
    interleaved();
    module_calls();
}

/// A file of one size, open in a workspace, with where its keystrokes go.
struct Subject {
    lines: usize,
    ws: Workspace,
    rope: ropey::Rope,
    version: i32,
    in_variable: usize,
    in_db: usize,
    /// The text with a character typed in the variable, and in the database, then the text itself: what the
    /// reading alone is timed on.
    docs: [Document; 3],
    model: Option<TfFile>,
    toggle: usize,
}

impl Subject {
    fn new(lines: usize, generate: fn(usize) -> String, parsers: &mut Parsers) -> Subject {
        let text = generate(lines);
        let rope = ropey::Rope::from_str(&text);
        let mut ws = Workspace::new(onus_analysis::catalog::rules());
        ws.open("/bench/main.tf", &text, 1);
        ws.diagnostics("/bench/main.tf");
        let in_variable = middle(&text, "default = \"app-") + 15;
        let in_db = middle(&text, "\"db-") + 3;
        let typed = |at: usize| format!("{}x{}", &text[..at], &text[at..]);
        let mut docs = [
            Document::new("/bench/main.tf", &typed(in_variable), 2).unwrap(),
            Document::new("/bench/main.tf", &typed(in_db), 2).unwrap(),
            Document::new("/bench/main.tf", &text, 1).unwrap(),
        ];
        docs.iter_mut().for_each(|d| d.parse_fully(parsers));
        let model = TfFile::read(&docs[2], None, parsers);
        Subject { lines, ws, rope, version: 1, in_variable, in_db, docs, model, toggle: 0 }
    }

    /// One keystroke at `at` (typing, then deleting, a character), timed from the change to the diagnostics.
    fn keystroke(&mut self, at: usize) -> Duration {
        self.version += 1;
        let delete = self.version % 2 == 1;
        let edit = change(&self.rope, at, delete, if delete { "" } else { "x" });
        let t = Instant::now();
        self.ws.change("/bench/main.tf", self.version, &[edit], Utf16).unwrap();
        std::hint::black_box(self.ws.diagnostics("/bench/main.tf"));
        t.elapsed()
    }

    /// The reading alone after a keystroke (`which`: 0 in the variable, 1 in the database), or after its undo.
    fn read(&mut self, which: usize, parsers: &mut Parsers) -> Duration {
        self.toggle ^= 1;
        let doc = if self.toggle == 1 { &self.docs[which] } else { &self.docs[2] };
        let t = Instant::now();
        self.model = TfFile::read(doc, self.model.take(), parsers);
        let elapsed = t.elapsed();
        assert!(self.model.is_some());
        elapsed
    }
}

/// The keystrokes again, the sizes taking turns (a burst of keystrokes each, as a person types into one file):
/// every size is timed over the same stretch of time, so a busy spell of this shared machine weighs on all of
/// them alike, and the ratios between sizes hold.
fn interleaved() {
    interleaved_on("dense", generate);
    interleaved_on("compliant", compliant);
}

fn interleaved_on(name: &str, generate: fn(usize) -> String) {
    let mut parsers = Parsers::new();
    let mut subjects: Vec<Subject> =
        [5_000, 20_000].into_iter().map(|n| Subject::new(n, generate, &mut parsers)).collect();
    let (rounds, burst) = (40, 8);
    let mut samples = vec![[Vec::new(), Vec::new(), Vec::new(), Vec::new()]; subjects.len()];
    for _ in 0..rounds {
        for (s, samples) in subjects.iter_mut().zip(&mut samples) {
            let (in_variable, in_db) = (s.in_variable, s.in_db);
            for _ in 0..burst {
                samples[0].push(s.keystroke(in_variable));
            }
            for _ in 0..burst {
                samples[1].push(s.read(0, &mut parsers));
            }
            for _ in 0..burst {
                samples[2].push(s.keystroke(in_db));
            }
            for _ in 0..burst {
                samples[3].push(s.read(1, &mut parsers));
            }
        }
    }
    println!("\ninterleaved, the {name} file ({rounds} rounds of {burst} keystrokes per size, medians):");
    println!("{:>7} {:>10} {:>9} {:>9} {:>12} {:>9} {:>9}", "", "variable", "", "", "resource", "", "");
    println!(
        "{:>7} {:>10} {:>9} {:>9} {:>12} {:>9} {:>9}",
        "lines", "keystroke", "read", "analyse", "keystroke", "read", "analyse"
    );
    let medians: Vec<[Duration; 6]> = samples
        .into_iter()
        .map(|[ks, read, resource, resource_read]| {
            let (ks, read) = (median(ks), median(read));
            let (resource, resource_read) = (median(resource), median(resource_read));
            [ks, read, ks.saturating_sub(read), resource, resource_read, resource.saturating_sub(resource_read)]
        })
        .collect();
    for (s, m) in subjects.iter().zip(&medians) {
        println!(
            "{:>7} {:>10.2?} {:>9.2?} {:>9.2?} {:>12.2?} {:>9.2?} {:>9.2?}",
            s.lines, m[0], m[1], m[2], m[3], m[4], m[5]
        );
    }
    let ratio = |i: usize| medians[1][i].as_secs_f64() / medians[0][i].as_secs_f64();
    let ratios: Vec<String> = (0..6).map(|i| format!("{:.2}x", ratio(i))).collect();
    println!(
        "{:>7} {:>10} {:>9} {:>9} {:>12} {:>9} {:>9}",
        "20k/5k", ratios[0], ratios[1], ratios[2], ratios[3], ratios[4], ratios[5]
    );
}

/// The 99th percentile of `samples`.
fn p99(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[(samples.len() * 99 / 100).min(samples.len() - 1)]
}

/// A root module calling one child module 50 times (with `for_each` on some calls), both open: a keystroke in
/// the child reanalyses every call's instance and updates the caller's findings on its arguments; one in the
/// caller reanalyses the calls. Each keystroke ends with the diagnostics of both files, as the editor asks for.
fn module_calls() {
    const CALLS: usize = 50;
    let child = r#"variable "name" {}
variable "acl" {
  default = "private"
}
variable "encrypted" {
  default = true
}

resource "aws_s3_bucket" "this" {
  bucket = "${var.name}-data"
  acl    = var.acl
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_db_instance" "this" {
  identifier          = "${var.name}-db"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  storage_encrypted   = var.encrypted
  publicly_accessible = false
}

resource "aws_security_group" "this" {
  name = "${var.name}-sg"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

output "bucket" {
  value = aws_s3_bucket.this.id
}
"#;
    let mut root = String::new();
    for i in 0..CALLS {
        let acl = if i % 10 == 0 { "public-read" } else { "private" };
        if i % 5 == 4 {
            root.push_str(&format!(
                "module \"app_{i}\" {{\n  source   = \"./modules/app\"\n  for_each = toset([\"a\", \"b\"])\n  name     = \"app-{i}-${{each.key}}\"\n  acl      = \"{acl}\"\n}}\n\n"
            ));
        } else {
            root.push_str(&format!(
                "module \"app_{i}\" {{\n  source    = \"./modules/app\"\n  name      = \"app-{i}\"\n  acl       = \"{acl}\"\n  encrypted = {}\n}}\n\n",
                i % 7 != 0
            ));
        }
    }
    let (root_path, child_path) = ("/bench/calls/main.tf", "/bench/calls/modules/app/main.tf");
    let mut ws = Workspace::new(onus_analysis::catalog::rules());
    ws.set_roots(vec!["/bench/calls".into()]);
    ws.open(root_path, &root, 1);
    ws.open(child_path, child, 1);
    let both = |ws: &mut Workspace| {
        std::hint::black_box(ws.diagnostics_of_module(root_path));
        std::hint::black_box(ws.diagnostics_of_module(child_path));
    };
    both(&mut ws);
    let findings = ws.diagnostics(root_path).len() + ws.diagnostics(child_path).len();
    let keystrokes = |ws: &mut Workspace, path: &str, text: &str, at: usize| {
        let rope = ropey::Rope::from_str(text);
        let mut samples = Vec::new();
        for version in 2..202 {
            let edit = if version % 2 == 0 { change(&rope, at, false, "x") } else { change(&rope, at, true, "") };
            let t = Instant::now();
            ws.change(path, version, &[edit], Utf16).unwrap();
            both(ws);
            samples.push(t.elapsed());
        }
        samples
    };
    // In the child, in a string the instances' names read; in the caller, in one call's argument.
    let in_child = child.find("-data").unwrap() + 2;
    let child_samples = keystrokes(&mut ws, child_path, child, in_child);
    let in_root = root.find("app-25").unwrap() + 4;
    let root_samples = keystrokes(&mut ws, root_path, &root, in_root);
    println!(
        "\nmodule calls: a child called {CALLS} times ({findings} findings over both files), 200 keystrokes each:"
    );
    println!("{:>22} {:>10} {:>10}", "", "median", "p99");
    for (name, samples) in [("keystroke in the child", child_samples), ("keystroke in the caller", root_samples)] {
        println!("{name:>22} {:>10.2?} {:>10.2?}", median(samples.clone()), p99(samples));
    }
}
