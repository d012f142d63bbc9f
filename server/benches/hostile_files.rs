//! The time and memory `onus check` takes on each hostile file of `tests/hostile.rs` (10 MB, 10 MB with a
//! syntax error per block, 10,000-deep nesting, a 1 MB line, NUL bytes), against the 2 s target; and the time
//! `onus lsp` takes from opening the 10 MB file to publishing its diagnostics.
//!
//! Run: `cargo bench -p onus --bench hostile_files`. Each figure is the median of 3 runs, one at a time.

#[path = "../../tests/support/mod.rs"]
mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::hostile::{hostile_texts, ten_broken_megabytes, ten_megabytes};
use support::Client;

const TARGET: Duration = Duration::from_secs(2);

/// Median wall time and peak RSS (MB) of `onus check --format json` on `dir`.
fn check(dir: &std::path::Path) -> (Duration, f64) {
    let mut runs: Vec<(Duration, f64)> = (0..3)
        .map(|_| {
            let start = Instant::now();
            let out = Command::new("/usr/bin/time")
                .args(["-f", "%M", support::onus(), "check", "--format", "json", "."])
                .current_dir(dir)
                // Written to nothing (as to a file): a reading parent would add its own time.
                .stdout(std::process::Stdio::null())
                .output()
                .expect("run onus under /usr/bin/time");
            let took = start.elapsed();
            let stderr = String::from_utf8_lossy(&out.stderr);
            let kib: f64 = stderr.lines().last().and_then(|l| l.trim().parse().ok()).unwrap_or(f64::NAN);
            (took, kib / 1024.0)
        })
        .collect();
    runs.sort_by_key(|r| r.0);
    runs[1]
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let mut texts = hostile_texts();
    texts.push(("ten-mb", ten_megabytes()));
    texts.push(("ten-mb-broken", ten_broken_megabytes()));
    println!("onus check, each file alone (median of 3), target {TARGET:?}:");
    for (name, text) in &texts {
        let sub = dir.path().join(name);
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("main.tf"), text).unwrap();
        let (took, mb) = check(&sub);
        let verdict = if took < TARGET { "ok" } else { "OVER" };
        println!("  {name:<14} {:>6.1} MB  {took:>9.2?}  {mb:>7.1} MB peak  {verdict}", text.len() as f64 / 1e6);
    }
    let text = ten_megabytes();
    let mut samples = Vec::new();
    for i in 0..3 {
        let mut c = Client::initialized(json!({}));
        let uri = format!("file:///onus-bench/{i}/main.tf");
        let start = Instant::now();
        c.open(&uri, "terraform", &text);
        let published =
            |m: &Value| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri.as_str();
        c.wait_for_within(Duration::from_secs(120), published).expect("diagnostics of the 10 MB file");
        samples.push(start.elapsed());
        c.shutdown_and_exit();
    }
    samples.sort();
    let verdict = if samples[1] < TARGET { "ok" } else { "OVER" };
    println!("onus lsp, open the 10 MB file -> publishDiagnostics (median of 3): {:.2?}  {verdict}", samples[1]);
}
