//! Memory: the resident set of the real `onus lsp` with every file of a corpus open (default
//! `../shared/corpus/real`, or `ONUS_BENCH_CORPUS`), once each file's diagnostics have been published.
//!
//! Run: `cargo bench -p onus --bench lsp_memory`. Prints files, bytes, the time to open and analyse them all,
//! and the server's current and peak RSS (VmRSS, VmHWM from /proc).

#[path = "../../tests/support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::json;
use support::{status_kib, Client};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            files(&path, out);
        } else if kind.is_file() {
            let name = path.to_string_lossy();
            let analysed = [".tf", ".tfvars", ".yaml", ".yml", ".json", ".template"].iter().any(|e| name.ends_with(e));
            if analysed {
                out.push(path);
            }
        }
    }
}

fn main() {
    let corpus = std::env::var("ONUS_BENCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/real"));
    let mut paths = Vec::new();
    files(&corpus, &mut paths);
    paths.sort();
    let mut c = Client::initialized(json!({}));
    let pid = c.child.id();
    let baseline = status_kib(pid, "VmRSS:");
    let started = Instant::now();
    let mut bytes = 0;
    let mut opened = Vec::new();
    for path in &paths {
        let Ok(text) = std::fs::read_to_string(path) else { continue };
        bytes += text.len();
        let uri = format!("file://{}", path.canonicalize().unwrap().display());
        let language = if path.to_string_lossy().ends_with(".tf") { "terraform" } else { "yaml" };
        c.open(&uri, language, &text);
        opened.push(uri);
    }
    for uri in &opened {
        c.diagnostics(uri, 1);
    }
    let took = started.elapsed();
    let (rss, peak) = (status_kib(pid, "VmRSS:"), status_kib(pid, "VmHWM:"));
    println!(
        "onus lsp with {} files open ({:.1} MB of text) from {}:",
        opened.len(),
        bytes as f64 / 1e6,
        corpus.display()
    );
    println!("  opened and analysed in {took:.2?}");
    println!(
        "  RSS {:.1} MB (peak {:.1} MB; {:.1} MB before opening)",
        rss as f64 / 1024.0,
        peak as f64 / 1024.0,
        baseline as f64 / 1024.0
    );
    let _ = c.shutdown_and_exit();
}
