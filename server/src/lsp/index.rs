//! Background indexing of the workspace folders: their Terraform files are read on a thread of their own and
//! handed to the worker in batches, so references across files resolve without delaying the first edits.

use std::path::{Path, PathBuf};

use super::worker::{Message, WorkerHandle};

/// Files larger than this are not indexed (they are still analysed when opened).
const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// A workspace with more Terraform files than this is indexed only up to it.
const MAX_FILES: usize = 20_000;
const BATCH: usize = 100;

/// Reads a regular file of at most [`MAX_FILE_BYTES`] as UTF-8 text.
pub fn read(path: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

pub fn spawn(folders: Vec<PathBuf>, worker: WorkerHandle) {
    if folders.is_empty() {
        return;
    }
    let _ = std::thread::Builder::new().name("onus-index".into()).spawn(move || {
        let mut batch = Vec::new();
        let mut count = 0;
        for folder in &folders {
            let walker = ignore::WalkBuilder::new(folder)
                .hidden(false)
                .require_git(false)
                .follow_links(false)
                .filter_entry(|e| !matches!(e.file_name().to_str(), Some(".terraform" | ".git")))
                .build();
            for entry in walker.flatten() {
                let path = entry.path();
                let name = path.to_string_lossy();
                if !(name.ends_with(".tf") || name.ends_with(".tfvars") || name.ends_with(".onus.toml")) {
                    continue;
                }
                if let Some(text) = read(path) {
                    batch.push((name.into_owned(), Some(text)));
                    count += 1;
                }
                if batch.len() >= BATCH {
                    worker.send(Message::DiskFiles(std::mem::take(&mut batch)));
                }
                if count >= MAX_FILES {
                    break;
                }
            }
        }
        if !batch.is_empty() {
            worker.send(Message::DiskFiles(batch));
        }
    });
}
