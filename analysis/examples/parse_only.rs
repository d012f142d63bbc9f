//! The floor for `onus check`: a tree-sitter parse of the same files and nothing else, on as many threads as
//! `onus check` uses. `cargo run --release -p onus-analysis --example parse_only -- DIR...`
//! Prints `FILES LINES SECONDS`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use onus_analysis::document::{Document, Parsers};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() && !path.ends_with(".terraform") && !path.ends_with(".git") => walk(&path, out),
            Ok(t) if t.is_file() => out.push(path),
            _ => {}
        }
    }
}

fn main() {
    let mut paths = Vec::new();
    for arg in std::env::args().skip(1) {
        walk(Path::new(&arg), &mut paths);
    }
    let started = Instant::now();
    let texts: Vec<(String, String)> = paths
        .iter()
        .filter_map(|p| Some((p.to_string_lossy().into_owned(), std::fs::read_to_string(p).ok()?)))
        .collect();
    let next = AtomicUsize::new(0);
    let (files, lines) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut parsers = Parsers::new();
                while let Some((path, text)) = texts.get(next.fetch_add(1, Ordering::Relaxed)) {
                    // Only the files `onus check` analyses: Terraform, and YAML/JSON that are templates.
                    let Some(doc) = Document::new(path.clone(), text, 0) else { continue };
                    // tree-sitter's parse of every file, Terraform included (which onus itself reads without).
                    std::hint::black_box(parsers.get(doc.kind().syntax()).parse(text, None));
                    if doc.kind().is_analysed() {
                        files.fetch_add(1, Ordering::Relaxed);
                        lines.fetch_add(text.lines().count(), Ordering::Relaxed);
                    }
                }
            });
        }
    });
    // files, lines, seconds
    println!(
        "{} {} {:.3}",
        files.load(Ordering::Relaxed),
        lines.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64()
    );
}
