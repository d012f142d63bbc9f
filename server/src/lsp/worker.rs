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

use super::{convert, output};

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
    /// `workspace/diagnostic/refresh`: a client that pulls diagnostics asks again for every open document.
    Refresh,
    /// How indexing the workspace goes, for a client that shows progress.
    Progress(super::index::Progress),
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
    /// What goes to the client through tower-lsp (logs, requests, progress).
    pub out: tokio::sync::mpsc::UnboundedSender<Outgoing>,
    /// The writer of stdout ([`output::writer`]): every `publishDiagnostics`, framed here, in the order made
    /// (no task in between: one hop from this thread to the writer's).
    frames: std::sync::mpsc::Sender<Vec<u8>>,
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
    /// The editor's `varFiles`: variable definitions files for root modules (relative to the workspace root),
    /// applied in order after each module's own tfvars, as `onus check --var-file` applies them.
    pub var_files: Vec<String>,
    /// Module folders onus looked for on disk (read, or found to have no Terraform file): not looked for again
    /// until a watched file says something changed there.
    looked_for: HashSet<String>,
    /// Whether the client is sent its documents' diagnostics (`publishDiagnostics`), or pulls them
    /// (`textDocument/diagnostic`): one or the other, never both, or a client that keeps the two apart (VS Code)
    /// shows every finding twice.
    pub push: bool,
    /// The size and time of `.onus.toml` on disk when it was last read: a client that watches no files (Neovim
    /// before 0.9) still gets it live, as each analysis compares.
    config_stamp: Option<(u64, std::time::SystemTime)>,
    /// What a client that pulls was last given for each document (a fingerprint): when an analysis finds
    /// something else for one, the client is asked to pull again (a change in one file alters another's).
    served: HashMap<String, u64>,
    /// The serialized diagnostics last pushed for each document, reused by the next push.
    pub published: HashMap<String, output::Published>,
}

impl WorkerState {
    /// Publishes `diagnostics` (converted already) for `uri`, in order with the worker's other publications.
    fn publish(&self, uri: lsp::Url, version: Option<i32>, diagnostics: Vec<lsp::Diagnostic>) {
        let _ = self.frames.send(output::publish_frame(uri, version, diagnostics));
    }

    pub fn log(&self, level: lsp::MessageType, message: String) {
        eprintln!("onus: {message}");
        let _ = self.out.send(Outgoing::Log(level, message));
    }

    /// The LSP diagnostics of an open document, computed for its current text.
    pub fn lsp_diagnostics(&mut self, path: &str) -> Vec<lsp::Diagnostic> {
        let diags = self.workspace.diagnostics(path);
        self.served.insert(path.to_string(), fingerprint(&diags));
        let Some(doc) = self.workspace.document(path) else { return Vec::new() };
        convert::diagnostics(self.uris.get(path), doc.rope(), &diags, self.encoding, self.docs.as_ref())
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
            self.workspace.set_rules(onus_analysis::catalog::rules());
            self.workspace.set_baseline(None);
            self.workspace.set_config(config);
            self.pending.extend(self.uris.keys().cloned());
            return;
        };
        let root = self.root.clone().unwrap_or_default();
        self.config_stamp = stamp_of(&path);
        let (text, uri) = match &self.config_doc {
            Some((rope, uri)) => (Some(rope.to_string()), Some(uri.clone())),
            None => (std::fs::read_to_string(&path).ok(), lsp::Url::from_file_path(&path).ok()),
        };
        let (config, mut errors) = match &text {
            Some(text) => Config::parse(text, &root, onus_analysis::catalog::rules()),
            None => (Config::default(), Vec::new()),
        };
        let (config, problems) = config.with_editor_settings(&self.editor_rules, onus_analysis::catalog::rules());
        problems.into_iter().for_each(|p| self.log(lsp::MessageType::WARNING, p));
        self.workspace
            .set_rules(onus_analysis::org_policy::with_policies(onus_analysis::catalog::rules(), &config.policies));
        let baseline = config.baseline.as_ref().and_then(|(file, range)| {
            let at = std::path::Path::new(&root).join(file);
            let read = std::fs::read_to_string(&at).map_err(|e| e.to_string());
            match read.and_then(|text| onus_analysis::baseline::Baseline::parse(&text)) {
                Ok(baseline) => Some((baseline, root.clone())),
                Err(e) => {
                    let message = format!("baseline `{file}`: {e}");
                    errors.push(onus_analysis::config::ConfigError { range: *range, message, whole_file: false });
                    None
                }
            }
        });
        self.workspace.set_baseline(baseline);
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
                    message: if e.whole_file {
                        format!("{}; onus uses its defaults until it is fixed", e.message)
                    } else {
                        e.message.clone()
                    },
                    ..Default::default()
                })
                .collect();
            self.publish(uri, None, diagnostics);
        }
        self.pending.extend(self.uris.keys().cloned());
    }

    /// Tells the workspace its folders (module sources are followed inside them only) and reads the editor's
    /// `varFiles`, reporting their problems; re-analyses every open document.
    pub fn reload_variables(&mut self) {
        self.workspace.set_roots(self.roots.iter().map(|r| r.to_string_lossy().into_owned()).collect());
        let mut values = onus_analysis::fast_hash::FastMap::default();
        for file in self.var_files.clone() {
            let path = match &self.root {
                Some(root) if std::path::Path::new(&file).is_relative() => std::path::Path::new(root).join(&file),
                _ => std::path::PathBuf::from(&file),
            };
            if !self.roots.iter().any(|r| path.starts_with(r)) {
                let message = format!("varFiles: {} is outside the workspace folders: not read", path.display());
                self.log(lsp::MessageType::WARNING, message);
                continue;
            }
            let json = file.ends_with(".json");
            let read = super::index::read(&path).ok_or_else(|| "cannot be read".to_string());
            match read.and_then(|text| onus_analysis::terraform::tfvars_values(&text, json)) {
                Ok(v) => values.extend(v),
                Err(e) => self.log(lsp::MessageType::WARNING, format!("varFiles: {}: {e}", path.display())),
            }
        }
        self.workspace.set_variables(values);
        self.pending.extend(self.uris.keys().cloned());
    }

    /// Marks an open document for analysis, and the open documents of the modules it calls or is called by (their
    /// findings depend on it).
    fn touch(&mut self, path: &str) {
        self.pending.insert(path.to_string());
        for folder in self.workspace.related_folders(path) {
            let open = self.open_in(&folder);
            self.pending.extend(open);
        }
    }

    /// The open documents of a folder.
    fn open_in(&self, folder: &str) -> Vec<String> {
        self.uris.keys().filter(|p| folder_of(p) == folder).cloned().collect()
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
                    let folder = folder_of(&path).to_string();
                    self.looked_for.remove(&folder);
                    let open = self.open_in(&folder);
                    self.pending.extend(open);
                    // The modules calling or called by this folder's module see the change too.
                    for related in self.workspace.related_folders(&path) {
                        let open = self.open_in(&related);
                        self.pending.extend(open);
                    }
                }
            }
            Message::Open { uri, text, version } => {
                let path = convert::path_of(&uri);
                if self.workspace.open(&path, &text, version) {
                    self.load_siblings(&uri, &path);
                    self.uris.insert(path.clone(), uri);
                    self.touch(&path);
                }
            }
            Message::Change { uri, version, changes } => {
                let path = convert::path_of(&uri);
                let changes: Vec<_> = changes.into_iter().map(|c| (c.range.map(convert::range), c.text)).collect();
                match self.workspace.change(&path, version, &changes, self.encoding) {
                    Ok(()) => self.touch(&path),
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
                self.served.remove(&path);
                self.published.remove(&path);
                // The closed file's findings leave the editor; its siblings see the disk's copy now.
                self.publish(uri, None, Vec::new());
                self.pending.extend(siblings.into_iter().filter(|p| p != &path && self.uris.contains_key(p)));
                for folder in self.workspace.related_folders(&path) {
                    let open = self.open_in(&folder);
                    self.pending.extend(open);
                }
            }
            Message::Query(query) => query(self),
        }
    }

    /// Reads the other Terraform files of a module's folder from disk, once, so references across files resolve.
    fn load_siblings(&mut self, uri: &lsp::Url, path: &str) {
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
        self.read_folder(&folder);
        // After `terraform init`: where the registry and git modules it calls were downloaded.
        let manifest = std::path::Path::new(&folder).join(".terraform/modules/modules.json");
        if let Some(json) = super::index::read(&manifest) {
            if let Err(e) = self.workspace.set_module_manifest(&folder, &json) {
                self.log(lsp::MessageType::WARNING, format!("{}: {e}", manifest.display()));
            }
        }
    }

    /// Reads a folder's Terraform files (regular files only: no symlinks out of it, no devices) that are not open.
    fn read_folder(&mut self, folder: &str) {
        let Ok(entries) = std::fs::read_dir(folder) else { return };
        for entry in entries.flatten() {
            let p = entry.path();
            let name = p.to_string_lossy().into_owned();
            let terraform = name.ends_with(".tf") || name.ends_with(".tf.json") || name.ends_with(".tfvars");
            if !terraform || self.workspace.is_open(&name) {
                continue;
            }
            if let Some(text) = super::index::read(&p) {
                self.workspace.add_disk_file(&name, &text);
            }
        }
    }

    /// Reads the folders of the modules the module of `path` calls (to any depth) that the workspace has no file
    /// of yet: the workspace names only folders inside its roots.
    fn load_called_modules(&mut self, path: &str) {
        if self.roots.is_empty() {
            return;
        }
        for _ in 0..64 {
            let wanted: Vec<String> =
                self.workspace.wanted_folders(path).into_iter().filter(|f| !self.looked_for.contains(f)).collect();
            if wanted.is_empty() {
                return;
            }
            for folder in wanted {
                self.read_folder(&folder);
                self.looked_for.insert(folder);
            }
        }
    }

    /// The next pending document to analyse: one no other pending document's module calls (a module's findings
    /// include what its callers' calls found, so callers go first).
    fn next_pending(&self) -> Option<String> {
        let first = self.pending.first()?;
        let called = |p: &String| {
            let folder = folder_of(p);
            self.pending.iter().any(|q| folder_of(q) != folder && self.workspace.calls_into(folder_of(q), folder))
        };
        Some(self.pending.iter().find(|p| !called(p)).unwrap_or(first).clone())
    }

    /// Parses and analyses the pending documents; stops early (leaving them pending) when `newer` says a
    /// message is waiting.
    fn analyse_pending(&mut self, newer: &dyn Fn() -> bool) {
        // A server runs for days: support windows are judged on the day of each analysis.
        self.workspace.set_today(crate::today());
        // `.onus.toml` changed on disk without a watched-file notification: read it again (an open one is live).
        if self.config_doc.is_none() && !self.pending.is_empty() {
            if let Some(path) = self.config_path() {
                if stamp_of(&path) != self.config_stamp {
                    self.reload_config();
                }
            }
        }
        while let Some(path) = self.next_pending() {
            if self.workspace.parse(&path, &mut || newer()).is_err() {
                return;
            }
            if newer() {
                return;
            }
            self.load_called_modules(&path);
            let related = self.workspace.related_folders(&path);
            let module = self.workspace.diagnostics_of_module(&path);
            // Modules this analysis found to call or be called by this one (a new call, or a child opened before
            // its caller): their open documents show what the calls found.
            for folder in self.workspace.related_folders(&path) {
                if !related.contains(&folder) {
                    let open = self.open_in(&folder);
                    self.pending.extend(open);
                }
            }
            // Open files the configuration now excludes: clear what they showed.
            for p in self.workspace.module_of(&path) {
                if !module.contains_key(&p) && self.pending.remove(&p) {
                    if let Some(uri) = self.uris.get(&p) {
                        let version = self.workspace.document(&p).map(|d| d.version());
                        self.publish(uri.clone(), version, Vec::new());
                    }
                }
            }
            let mut refresh = false;
            for (p, diags) in module {
                self.pending.remove(&p);
                let (Some(uri), Some(doc)) = (self.uris.get(&p), self.workspace.document(&p)) else { continue };
                if !self.push {
                    refresh |= self.served.get(&p).is_some_and(|&given| given != fingerprint(&diags));
                    continue;
                }
                let kept = self.published.entry(p.clone()).or_default();
                let version = Some(doc.version());
                let positions = doc.positions(self.encoding);
                let frame = output::publication(uri, version, &positions, &diags, self.docs.as_ref(), kept);
                let _ = self.frames.send(frame);
            }
            self.pending.remove(&path);
            if refresh {
                let _ = self.out.send(Outgoing::Refresh);
            }
        }
    }
}

/// What identifies a document's diagnostics as a client sees them.
fn fingerprint(diags: &[onus_analysis::Diagnostic]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for d in diags {
        (d.code, &d.message, d.range, d.severity as u8).hash(&mut h);
    }
    h.finish()
}

/// The size and modification time of a file, if it exists.
fn stamp_of(path: &str) -> Option<(u64, std::time::SystemTime)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

/// Starts the worker thread.
pub fn spawn(
    encoding: Arc<std::sync::OnceLock<PositionEncoding>>,
    out: tokio::sync::mpsc::UnboundedSender<Outgoing>,
    frames: std::sync::mpsc::Sender<Vec<u8>>,
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
                frames,
                root: None,
                roots: Vec::new(),
                docs: None,
                editor_rules: serde_json::Value::Null,
                config_doc: None,
                var_files: Vec::new(),
                looked_for: HashSet::new(),
                push: true,
                served: HashMap::new(),
                published: HashMap::new(),
                config_stamp: None,
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
