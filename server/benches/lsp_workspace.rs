//! A large workspace: copies of the real corpus's Terraform modules (`../shared/corpus/real`, or
//! `ONUS_BENCH_CORPUS`) in a temporary folder until it holds `ONUS_BENCH_FILES` files (default 25,000), opened by
//! the real `onus lsp` as an editor opens a workspace folder: indexing runs in the background, reported as
//! work-done progress, while one file is opened and analysed.
//!
//! Run: `cargo bench -p onus --bench lsp_workspace`. Prints the time from `initialized` to the open file's first
//! diagnostics and to the end of indexing, and the server's RSS then (VmRSS, VmHWM from /proc).

#[path = "../../tests/support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::json;
use support::{status_kib, Client};

/// The `.tf` files under `dir`, relative to it.
fn tf_files(dir: &Path, under: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            tf_files(&path, under, out);
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "tf") {
            out.push(path.strip_prefix(under).unwrap().to_path_buf());
        }
    }
}

fn main() {
    let corpus = std::env::var("ONUS_BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/real"));
    let wanted: usize = std::env::var("ONUS_BENCH_FILES").ok().and_then(|v| v.parse().ok()).unwrap_or(25_000);
    let mut sources = Vec::new();
    tf_files(&corpus, &corpus, &mut sources);
    sources.sort();
    if sources.is_empty() {
        println!("note: skipped: no Terraform files under {}", corpus.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let mut bytes = 0;
    for i in 0..wanted {
        let source = &sources[i % sources.len()];
        let target = root.join(format!("copy{}", i / sources.len())).join(source);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        bytes += std::fs::copy(corpus.join(source), &target).unwrap();
    }
    let open = root.join("copy0").join(&sources[0]);
    let text = std::fs::read_to_string(&open).unwrap();

    let mut c = Client::start();
    let pid = c.child.id();
    let root_uri = format!("file://{}", root.display());
    let caps = json!({ "window": { "workDoneProgress": true } });
    c.request("initialize", json!({ "processId": null, "rootUri": root_uri, "capabilities": caps }));
    let started = Instant::now();
    c.notify("initialized", json!({}));
    let uri = format!("file://{}", open.display());
    c.open(&uri, "terraform", &text);
    let findings = c.diagnostics(&uri, 1).len();
    let first = started.elapsed();
    let create = c.wait_for(|m| m["method"] == "window/workDoneProgress/create").expect("a progress token");
    c.send(json!({ "jsonrpc": "2.0", "id": create["id"], "result": null }));
    let end = c
        .wait_for_within(Duration::from_secs(600), |m| {
            m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
        })
        .expect("indexing ends");
    let indexed = started.elapsed();
    let (rss, peak) = (status_kib(pid, "VmRSS:"), status_kib(pid, "VmHWM:"));
    println!(
        "onus lsp on a workspace of {wanted} Terraform files ({:.1} MB), copies of {}:",
        bytes as f64 / 1e6,
        corpus.display()
    );
    println!("  first diagnostics of an open file ({findings}): {first:.2?} after initialized");
    println!("  indexing ended ({}): {indexed:.2?}", end["params"]["value"]["message"].as_str().unwrap_or(""));
    println!("  RSS {:.1} MB (peak {:.1} MB)", rss as f64 / 1024.0, peak as f64 / 1024.0);
    let _ = c.shutdown_and_exit();
}
