//! The inputs the fuzzers (`fuzz/`) found crashes, hangs or wrong answers with, minimised, run through the same
//! target bodies in the normal suite: `fuzz/regressions/<target>/*`.

use std::path::Path;
use std::time::{Duration, Instant};

use onus_analysis::fuzzing::{analyse_bytes, edit_sequence, Front};

fn each_input(target: &str, run: impl Fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions").join(target);
    let mut files: Vec<_> =
        std::fs::read_dir(&dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    files.sort();
    for file in files.iter().filter(|f| f.is_file()) {
        let data = std::fs::read(file).unwrap();
        let start = Instant::now();
        run(&data);
        // Debug build: generous, but a hang fails.
        assert!(start.elapsed() < Duration::from_secs(20), "{} took {:?}", file.display(), start.elapsed());
    }
}

#[test]
fn hcl() {
    each_input("hcl", |d| analyse_bytes(Front::Hcl, d));
}

#[test]
fn yaml() {
    each_input("yaml", |d| analyse_bytes(Front::Yaml, d));
}

#[test]
fn json() {
    each_input("json", |d| analyse_bytes(Front::Json, d));
}

#[test]
fn edits() {
    each_input("edits", edit_sequence);
}
