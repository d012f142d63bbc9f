//! Background indexing of the workspace folders: their Terraform files are read on a thread of their own and
//! handed to the worker in batches, so references across files resolve without delaying the first edits. A
//! client that shows progress sees how many files the worker has taken in, and when indexing ends.

use std::path::{Path, PathBuf};

use super::worker::{Message, Outgoing, WorkerHandle};

/// Indexing as the client is shown it (`$/progress` of a work-done token the server creates).
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    Begin,
    /// Files taken in so far.
    Indexed(usize),
    /// Indexing ended, with this many files.
    End(usize),
}

/// Files larger than this are not indexed (they are still analysed when opened).
const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// A workspace with more Terraform files than this is indexed only up to it.
const MAX_FILES: usize = 50_000;
const BATCH: usize = 100;
/// Progress is reported once per this many files.
const REPORT_EVERY: usize = 1_000;

/// Reads a regular file of at most [`MAX_FILE_BYTES`] as UTF-8 text.
pub fn read(path: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

pub fn spawn(folders: Vec<PathBuf>, worker: WorkerHandle, progress: bool) {
    if folders.is_empty() {
        return;
    }
    // Progress runs on the worker, after the files sent before it: it says what the worker has taken in.
    let report = move |worker: &WorkerHandle, p: Progress| {
        if progress {
            worker.send(Message::Query(Box::new(move |state| {
                let _ = state.out.send(Outgoing::Progress(p));
            })));
        }
    };
    let _ = std::thread::Builder::new().name("onus-index".into()).spawn(move || {
        report(&worker, Progress::Begin);
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
                    if count % REPORT_EVERY < BATCH {
                        report(&worker, Progress::Indexed(count));
                    }
                }
                if count >= MAX_FILES {
                    break;
                }
            }
        }
        if !batch.is_empty() {
            worker.send(Message::DiskFiles(batch));
        }
        report(&worker, Progress::End(count));
    });
}
