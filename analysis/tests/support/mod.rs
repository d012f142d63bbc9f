//! What the analysis's integration tests share.

use std::path::{Path, PathBuf};

/// `shared/` beside the checkout (or beside a folder above it: worktrees sit deeper), which CI has; `None`, with a
/// note, on a fresh clone, whose tests skip what needs it.
pub fn shared() -> Option<PathBuf> {
    let found =
        Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().map(|a| a.join("shared")).find(|p| p.join("corpus").is_dir());
    if found.is_none() {
        // Past the test harness's capture of `eprintln!`: a skip is seen in every run.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            b"note: skipped, ../shared (the corpora CI has) is not beside the checkout\n",
        );
    }
    found
}
