//! The document worker: one thread that owns the analysis workspace and applies document changes strictly in
//! the order they arrived (tower-lsp runs handlers concurrently, so ordering cannot be left to it).
//!
//! Edits are cheap and applied at once; parsing is cancellable: while a parse runs, any newer message makes
//! the progress callback stop it, the newer edits are applied on top of the edited old tree, and the parse
//! starts again. Diagnostics are computed only for the newest version and carry that version.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Arc;

use onus_analysis::config::{self, Config};
use onus_analysis::workspace::folder_of;
use onus_analysis::{text, PositionEncoding, Workspace};
use tower_lsp::lsp_types as lsp;

use super::convert;

/// The stack of the threads that parse and analyse.
pub const WORKER_STACK_BYTES: usize = 64 * 1024 * 1024;

pub type Query = Box<dyn FnOnce(&mut WorkerState) + Send>;

pub enum Message {
    /// Files read from disk (workspace indexing, or a watched file that changed); `None` when deleted.
    DiskFiles(Vec<(String, Option<String>)>),
    Open {
        uri: lsp::Url,
        text: String,
        version: i32,
    },
    Change {
        uri: lsp::Url,
        version: i32,
        changes: Vec<lsp::TextDocumentContentChangeEvent>,
    },
    Close {
        uri: lsp::Url,
    },
    /// Runs on the worker after every message that arrived before it.
    Query(Query),
}

/// What the worker sends out: diagnostics to publish, and lines to log.
pub enum Outgoing {
    Diagnostics { uri: lsp::Url, version: Option<i32>, diagnostics: Vec<lsp::Diagnostic> },
    Log(lsp::MessageType, String),
}

/// The sending side, held by the protocol layer.
#[derive(Clone)]
pub struct WorkerHandle {
    tx: mpsc::Sender<Message>,
    /// Messages sent so far: the worker compares it with what it has received to know something is waiting.
    sent: Arc<AtomicU64>,
}

impl WorkerHandle {
    pub fn send(&self, msg: Message) {
        self.sent.fetch_add(1, Ordering::SeqCst);
        // The worker only stops when the process does.
        let _ = self.tx.send(msg);
    }

    /// Runs `f` on the worker, in order with the document changes sent before, and returns its answer.
    pub async fn query<R: Send + 'static>(&self, f: impl FnOnce(&mut WorkerState) -> R + Send + 'static) -> Option<R> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.send(Message::Query(Box::new(move |state| {
            let _ = tx.send(f(state));
        })));
        rx.await.ok()
    }
}

pub struct WorkerState {
    pub workspace: Workspace,
    pub encoding: PositionEncoding,
    /// The URI each open document was opened with, by workspace path.
    uris: HashMap<String, lsp::Url>,
    /// Folders whose Terraform files were read from disk.
    loaded_folders: HashSet<String>,
    /// Paths whose diagnostics must be recomputed and published.
    pending: BTreeSet<String>,
    out: tokio::sync::mpsc::UnboundedSender<Outgoing>,
    /// The workspace root: where `.onus.toml` is read from.
    pub root: Option<String>,
    /// Every workspace folder: onus reads from disk only inside them (and the files the client names).
    pub roots: Vec<std::path::PathBuf>,
    /// Where the rule pages are, for each diagnostic's `codeDescription`.
    pub docs: Option<lsp::Url>,
    /// The editor's rule settings (`initializationOptions.rules`, `workspace/didChangeConfiguration`), applied on
    /// top of `.onus.toml`.
    pub editor_rules: serde_json::Value,
    /// `.onus.toml` open in the editor: its text (edited live) and URI.
    config_doc: Option<(ropey::Rope, lsp::Url)>,
}

impl WorkerState {
    pub fn log(&self, level: lsp::MessageType, message: String) {
        eprintln!("onus: {message}");
        let _ = self.out.send(Outgoing::Log(level, message));
    }

    /// The LSP diagnostics of an open document, computed for its current text.
    pub fn lsp_diagnostics(&mut self, path: &str) -> Vec<lsp::Diagnostic> {
        let diags = self.workspace.diagnostics(path);
        let Some(doc) = self.workspace.document(path) else { return Vec::new() };
        convert::diagnostics(doc.rope(), &diags, self.encoding, self.docs.as_ref())
    }

    /// The path of the configuration file in force, if there is a workspace root.
    fn config_path(&self) -> Option<String> {
        let root = self.root.as_ref()?;
        Some(format!("{}/{}", root.trim_end_matches('/'), config::FILE_NAME))
    }

    /// Reads `.onus.toml` (the editor's copy if open, else the disk's), applies it, reports its problems on the
    /// file, and re-analyses every open document.
    pub fn reload_config(&mut self) {
        let Some(path) = self.config_path() else {
            // No workspace root: no file, but the editor's settings still apply.
            let (config, problems) =
                Config::default().with_editor_settings(&self.editor_rules, onus_analysis::catalog::rules());
            problems.into_iter().for_each(|p| self.log(lsp::MessageType::WARNING, p));
            self.workspace.set_config(config);
            self.pending.extend(self.uris.keys().cloned());
            return;
        };
        let root = self.root.clone().unwrap_or_default();
        let (text, uri) = match &self.config_doc {
            Some((rope, uri)) => (Some(rope.to_string()), Some(uri.clone())),
            None => (std::fs::read_to_string(&path).ok(), lsp::Url::from_file_path(&path).ok()),
        };
        let (config, errors) = match &text {
            Some(text) => Config::parse(text, &root, onus_analysis::catalog::rules()),
            None => (Config::default(), Vec::new()),
        };
        let (config, problems) = config.with_editor_settings(&self.editor_rules, onus_analysis::catalog::rules());
        problems.into_iter().for_each(|p| self.log(lsp::MessageType::WARNING, p));
        self.workspace.set_config(config);
        if let (Some(uri), Some(text)) = (uri, text) {
            let rope = ropey::Rope::from_str(&text);
            let diagnostics = errors
                .iter()
                .map(|e| lsp::Diagnostic {
                    range: convert::to_lsp_range(&rope, e.range, self.encoding),
                    severity: Some(lsp::DiagnosticSeverity::ERROR),
                    code: Some(lsp::NumberOrString::String("config-error".into())),
                    source: Some("onus".into()),
                    message: e.message.clone(),
                    ..Default::default()
                })
                .collect();
            let _ = self.out.send(Outgoing::Diagnostics { uri, version: None, diagnostics });
        }
        self.pending.extend(self.uris.keys().cloned());
    }

    fn is_config(&self, path: &str) -> bool {
        self.config_path().as_deref() == Some(path)
    }

    fn apply(&mut self, msg: Message) {
        match msg {
            Message::Open { uri, text, .. } if self.is_config(&convert::path_of(&uri)) => {
                self.config_doc = Some((ropey::Rope::from_str(&text), uri));
                self.reload_config();
            }
            Message::Change { uri, changes, .. } if self.is_config(&convert::path_of(&uri)) => {
                if let Some((rope, _)) = &mut self.config_doc {
                    for change in changes {
                        match change.range {
                            Some(r) => {
                                let bytes = text::text_range_of(rope, convert::range(r), self.encoding);
                                let (a, b) = (rope.byte_to_char(bytes.start), rope.byte_to_char(bytes.end));
                                rope.remove(a..b);
                                rope.insert(a, &change.text);
                            }
                            None => *rope = ropey::Rope::from_str(&change.text),
                        }
                    }
                }
                self.reload_config();
            }
            Message::Close { uri } if self.is_config(&convert::path_of(&uri)) => {
                self.config_doc = None;
                self.reload_config();
            }
            Message::DiskFiles(files) => {
                for (path, text) in files {
                    if self.is_config(&path) {
                        self.reload_config();
                        continue;
                    }
                    if self.workspace.is_open(&path) {
                        continue;
                    }
                    match text {
                        Some(text) => {
                            self.workspace.add_disk_file(&path, &text);
                        }
                        None => self.workspace.remove(&path),
                    }
                    let folder = folder_of(&path);
                    let open = self.uris.keys().filter(|p| folder_of(p) == folder).cloned().collect::<Vec<_>>();
                    self.pending.extend(open);
                }
            }
            Message::Open { uri, text, version } => {
                let path = convert::path_of(&uri);
                if self.workspace.open(&path, &text, version) {
                    self.load_siblings(&uri, &path);
                    self.uris.insert(path.clone(), uri);
                    self.pending.insert(path);
                }
            }
            Message::Change { uri, version, changes } => {
                let path = convert::path_of(&uri);
                let changes: Vec<_> = changes.into_iter().map(|c| (c.range.map(convert::range), c.text)).collect();
                match self.workspace.change(&path, version, &changes, self.encoding) {
                    Ok(()) => {
                        self.pending.insert(path);
                    }
                    Err(e) => self.log(lsp::MessageType::WARNING, format!("change to {uri} ignored: {e:?}")),
                }
            }
            Message::Close { uri } => {
                let path = convert::path_of(&uri);
                let disk = uri.to_file_path().ok().and_then(|p| std::fs::read_to_string(p).ok());
                let siblings = self.workspace.module_of(&path);
                self.workspace.close(&path, disk.as_deref());
                self.uris.remove(&path);
                self.pending.remove(&path);
                // The closed file's findings leave the editor; its siblings see the disk's copy now.
                let _ = self.out.send(Outgoing::Diagnostics { uri, version: None, diagnostics: Vec::new() });
                self.pending.extend(siblings.into_iter().filter(|p| p != &path && self.uris.contains_key(p)));
            }
            Message::Query(query) => query(self),
        }
    }

    /// Reads the other Terraform files of a module's folder from disk, once, so references across files resolve.
    fn load_siblings(&mut self, uri: &lsp::Url, path: &str) {
        const MAX_SIBLING_BYTES: u64 = 4 * 1024 * 1024;
        if !path.ends_with(".tf") && !path.ends_with(".tfvars") {
            return;
        }
        let folder = folder_of(path).to_string();
        if uri.scheme() != "file" || !self.loaded_folders.insert(folder.clone()) {
            return;
        }
        // With workspace folders, nothing outside them is read; without any, the folder of a file the client
        // opened is its module, and is read.
        if !self.roots.is_empty() && !self.roots.iter().any(|r| std::path::Path::new(&folder).starts_with(r)) {
            return;
        }
        let Ok(entries) = std::fs::read_dir(&folder) else { return };
        for entry in entries.flatten() {
            let p = entry.path();
            let name = p.to_string_lossy().into_owned();
            if !(name.ends_with(".tf") || name.ends_with(".tfvars")) || self.workspace.is_open(&name) {
                continue;
            }
            // Only regular files: no symlinks out of the folder, no devices.
            let Ok(meta) = std::fs::symlink_metadata(&p) else { continue };
            if !meta.is_file() || meta.len() > MAX_SIBLING_BYTES {
                continue;
            }
            if let Ok(text) = std::fs::read_to_string(&p) {
                self.workspace.add_disk_file(&name, &text);
            }
        }
    }

    /// Parses and analyses the pending documents; stops early (leaving them pending) when `newer` says a
    /// message is waiting.
    fn analyse_pending(&mut self, newer: &dyn Fn() -> bool) {
        // A server runs for days: support windows are judged on the day of each analysis.
        self.workspace.set_today(crate::today());
        while let Some(path) = self.pending.first().cloned() {
            if self.workspace.parse(&path, &mut || newer()).is_err() {
                return;
            }
            if newer() {
                return;
            }
            let module = self.workspace.diagnostics_of_module(&path);
            // Open files the configuration now excludes: clear what they showed.
            for p in self.workspace.module_of(&path) {
                if !module.contains_key(&p) && self.pending.remove(&p) {
                    if let Some(uri) = self.uris.get(&p) {
                        let version = self.workspace.document(&p).map(|d| d.version());
                        let _ =
                            self.out.send(Outgoing::Diagnostics { uri: uri.clone(), version, diagnostics: Vec::new() });
                    }
                }
            }
            for (p, diags) in module {
                self.pending.remove(&p);
                let (Some(uri), Some(doc)) = (self.uris.get(&p), self.workspace.document(&p)) else { continue };
                let diagnostics = convert::diagnostics(doc.rope(), &diags, self.encoding, self.docs.as_ref());
                let version = Some(doc.version());
                let _ = self.out.send(Outgoing::Diagnostics { uri: uri.clone(), version, diagnostics });
            }
            self.pending.remove(&path);
        }
    }
}

/// Starts the worker thread.
pub fn spawn(
    encoding: Arc<std::sync::OnceLock<PositionEncoding>>,
    out: tokio::sync::mpsc::UnboundedSender<Outgoing>,
) -> WorkerHandle {
    let (tx, rx) = mpsc::channel::<Message>();
    let sent = Arc::new(AtomicU64::new(0));
    let handle = WorkerHandle { tx, sent: sent.clone() };
    std::thread::Builder::new()
        .name("onus-documents".into())
        // Deeply nested input recurses deeply (parsers, the model, the evaluator): room beyond the 2 MiB default.
        .stack_size(WORKER_STACK_BYTES)
        .spawn(move || {
            let mut workspace = Workspace::new(onus_analysis::catalog::rules());
            workspace.set_today(crate::today());
            let mut state = WorkerState {
                workspace,
                encoding: PositionEncoding::Utf16,
                uris: HashMap::new(),
                loaded_folders: HashSet::new(),
                pending: BTreeSet::new(),
                out,
                root: None,
                roots: Vec::new(),
                docs: None,
                editor_rules: serde_json::Value::Null,
                config_doc: None,
            };
            let mut received = 0u64;
            loop {
                let msg = if state.pending.is_empty() {
                    match rx.recv() {
                        Ok(msg) => msg,
                        Err(_) => return,
                    }
                } else {
                    match rx.try_recv() {
                        Ok(msg) => msg,
                        Err(mpsc::TryRecvError::Empty) => {
                            let newer = || sent.load(Ordering::SeqCst) > received;
                            guarded(&mut state, "analysis", |s| s.analyse_pending(&newer));
                            continue;
                        }
                        Err(mpsc::TryRecvError::Disconnected) => return,
                    }
                };
                received += 1;
                if let Some(enc) = encoding.get() {
                    state.encoding = *enc;
                }
                guarded(&mut state, "a document change", |s| s.apply(msg));
            }
        })
        .expect("spawn the document worker");
    handle
}

/// Runs `f`, turning a panic into a logged error: one bad input must not take the server down.
fn guarded(state: &mut WorkerState, what: &str, f: impl FnOnce(&mut WorkerState)) {
    if let Err(panic) = catch_unwind(AssertUnwindSafe(|| f(state))) {
        let msg = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        // Whatever was pending may be what panics: drop it rather than loop on it.
        state.pending.clear();
        state.log(lsp::MessageType::ERROR, format!("internal error in {what}: {msg}"));
    }
}
