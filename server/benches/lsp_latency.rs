//! End to end over stdio: the real `onus lsp`, a client that opens a generated 5k-line Terraform file (the
//! dense one, ~900 findings, then the compliant one, ~15: see `bench/generate.rs`) and sends 500
//! single-character edits, timing each from the send to the first bytes of the `publishDiagnostics` of that
//! version (as an independent client measures it: what the client's own JSON parsing takes is not onus's),
//! and, for comparison with earlier figures, to the message fully read and parsed by this client.
//!
//! Run: `cargo bench -p onus --bench lsp_latency` (optionally `ONUS_BENCH_LINES=20000`, `ONUS_BENCH_FILE=dense`). One edit in ten breaks
//! the syntax and the next restores it (delete a block's `{`, type a `{`, open a string), since people type
//! unbalanced text all day. Prints p50/p90/p99/max for all edits and for the breaking ones alone.

#[path = "../../bench/generate.rs"]
mod generate;
#[path = "../../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::{cpu_ns, file_uri, status_kib, Client};

/// (line, character) of byte `offset` in ASCII text.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    (line, offset - before.rfind('\n').map_or(0, |i| i + 1))
}

struct Edit {
    start: usize,
    end: usize,
    text: &'static str,
    breaking: bool,
}

/// The next edit of the session, and how to undo it afterwards.
fn plan(text: &str, i: usize) -> (Edit, Edit) {
    // Spread edits over the file.
    let anchor = |needle: &str, nth: usize| {
        let hits: Vec<usize> = text.match_indices(needle).map(|(i, _)| i).collect();
        hits[nth % hits.len()]
    };
    match i % 40 {
        10 => {
            // Delete the `{` of a resource block in the middle, then put it back.
            let at = anchor("\" {\n  bucket", i / 40 + 7) + 2;
            (
                Edit { start: at, end: at + 1, text: "", breaking: true },
                Edit { start: at, end: at, text: "{", breaking: true },
            )
        }
        20 => {
            // Type a `{` inside a body, then remove it.
            let at = anchor("  engine ", i / 40 + 3);
            (
                Edit { start: at, end: at, text: "{", breaking: true },
                Edit { start: at, end: at + 1, text: "", breaking: true },
            )
        }
        30 => {
            // Open a string, then close the gap again.
            let at = anchor("  target_prefix = ", i / 40 + 5) + 18;
            (
                Edit { start: at, end: at, text: "\"", breaking: true },
                Edit { start: at, end: at + 1, text: "", breaking: true },
            )
        }
        _ => {
            // Type a character into a value, then delete it.
            let at = anchor("default = \"app-", i / 2 + 11) + 15;
            (
                Edit { start: at, end: at, text: "x", breaking: false },
                Edit { start: at, end: at + 1, text: "", breaking: false },
            )
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{name:<22} n={:<4} p50 {:>9.2?}  p90 {:>9.2?}  p99 {:>9.2?}  max {:>9.2?}",
        samples.len(),
        percentile(&samples, 0.5),
        percentile(&samples, 0.9),
        percentile(&samples, 0.99),
        samples[samples.len() - 1]
    );
}

/// One server under the edits: its client, and what was measured.
struct Session {
    name: String,
    client: Client,
    pid: u32,
    all: Vec<Duration>,
    breaking: Vec<Duration>,
    read: Vec<Duration>,
    rss: Vec<(usize, u64)>,
    cpu_before: u64,
    findings: usize,
}

impl Session {
    fn open(name: String, binary: &str, uri: &str, text: &str) -> Session {
        let mut client = Client::initialized_binary(binary, json!({}));
        client.open(uri, "terraform", text);
        client.diagnostics(uri, 1);
        let pid = client.child.id();
        Session {
            name,
            client,
            pid,
            all: Vec::new(),
            breaking: Vec::new(),
            read: Vec::new(),
            rss: Vec::new(),
            cpu_before: cpu_ns(pid),
            findings: 0,
        }
    }

    /// Sends `change` (the document's `version`) and times its publication.
    fn edit(&mut self, uri: &str, version: i64, change: &serde_json::Value, breaking: bool) {
        let sent = Instant::now();
        self.client.change(uri, version, change.clone());
        self.findings = self.client.diagnostics(uri, version).len();
        self.read.push(sent.elapsed());
        let took = self.client.last_arrival.expect("arrived").duration_since(sent);
        self.all.push(took);
        if breaking {
            self.breaking.push(took);
        }
    }

    fn report(mut self, lines: usize, edits: usize) {
        println!(
            "{}: onus lsp, {lines}-line file ({} findings), {} single-character edits, send -> first bytes of publishDiagnostics:",
            self.name,
            self.findings,
            self.all.len()
        );
        report("all edits", self.all);
        report("syntax-breaking edits", self.breaking);
        report("(fully read, parsed)", self.read);
        // The server's own CPU time (all its threads), apart from the machine's other work and the bench's parsing.
        let cpu = (cpu_ns(self.pid) - self.cpu_before) as f64 / 1e6;
        println!("server CPU time: {cpu:.0} ms over {edits} edits, {:.2} ms per edit", cpu / edits as f64);
        self.rss.push((edits, status_kib(self.pid, "VmRSS:")));
        let rss = &self.rss;
        let first = rss.iter().find(|(i, _)| *i > 0).map_or(rss[0].1, |r| r.1);
        let line: Vec<String> = rss.iter().map(|(i, kib)| format!("{i}: {:.1}", *kib as f64 / 1024.0)).collect();
        let last = rss[rss.len() - 1].1;
        println!("server RSS, MB, by edits done: {}", line.join(", "));
        println!("  last / after the first tenth: {:.3}", last as f64 / first as f64);
        let _ = self.client.shutdown_and_exit();
    }
}

fn main() {
    let lines: usize = std::env::var("ONUS_BENCH_LINES").ok().and_then(|v| v.parse().ok()).unwrap_or(5_000);
    // Many edits (`ONUS_BENCH_EDITS=100000`) show whether the server's memory stays level over a long session.
    let edits: usize = std::env::var("ONUS_BENCH_EDITS").ok().and_then(|v| v.parse().ok()).unwrap_or(500);
    // `ONUS_BENCH_FILE=dense` or `compliant`: one of the two files (both by default).
    let which = std::env::var("ONUS_BENCH_FILE").unwrap_or_default();
    for (name, generate) in [("dense", generate::generate as fn(usize) -> String), ("compliant", generate::compliant)] {
        if which.is_empty() || which == name {
            println!("== the {name} file");
            session(generate(lines), lines, edits);
        }
    }
}

/// The edits on one file, in this build's server (and the baseline's, if given).
fn session(mut text: String, lines: usize, edits: usize) {
    let uri = file_uri("/onus-bench/main.tf");
    // With `ONUS_BENCH_BASELINE=<another onus>`, both servers get each edit, taking turns at going first: this
    // shared machine's busy spells weigh on both alike, and their ratio holds where absolute times do not.
    let mut sessions = vec![Session::open("this build".into(), support::onus(), &uri, &text)];
    if let Ok(baseline) = std::env::var("ONUS_BENCH_BASELINE") {
        sessions.push(Session::open(format!("baseline {baseline}"), &baseline, &uri, &text));
    }

    let mut version = 1;
    let mut pending_undo: Option<Edit> = None;
    for i in 0..edits {
        if i % (edits / 10).max(1) == 0 {
            for s in &mut sessions {
                s.rss.push((i, status_kib(s.pid, "VmRSS:")));
            }
        }
        let edit = match pending_undo.take() {
            Some(undo) => undo,
            None => {
                let (edit, undo) = plan(&text, i);
                pending_undo = Some(undo);
                edit
            }
        };
        let (sl, sc) = position(&text, edit.start);
        let (el, ec) = position(&text, edit.end);
        version += 1;
        let change = json!([{ "range": { "start": { "line": sl, "character": sc }, "end": { "line": el, "character": ec } },
                              "text": edit.text }]);
        let n = sessions.len();
        for k in 0..n {
            sessions[(i + k) % n].edit(&uri, version, &change, edit.breaking);
        }
        text.replace_range(edit.start..edit.end, edit.text);
    }
    if let [this, baseline] = &sessions[..] {
        let at = |s: &Session, q: f64| {
            let mut v = s.all.clone();
            v.sort();
            percentile(&v, q).as_secs_f64()
        };
        println!(
            "this build / baseline, the same edits in turn: p50 {:.2}, p99 {:.2}",
            at(this, 0.5) / at(baseline, 0.5),
            at(this, 0.99) / at(baseline, 0.99)
        );
    }
    for s in sessions {
        s.report(lines, edits);
    }
}
