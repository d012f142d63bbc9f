//! The protocol handlers: each asks the worker for an answer computed by the analysis and converts it.

use std::sync::atomic::Ordering;
use std::sync::{Arc, OnceLock};

use onus_analysis::{text, PositionEncoding};
use tower_lsp::jsonrpc::{Error, Result};
use tower_lsp::lsp_types::*;
use tower_lsp::{Client, LanguageServer};

use super::convert;
use super::ordered::Session;
use super::worker::WorkerHandle;

pub struct Backend {
    client: Client,
    worker: WorkerHandle,
    session: Arc<Session>,
    encoding: Arc<OnceLock<PositionEncoding>>,
    /// The workspace folders, from `initialize`: indexed in the background once the client is ready.
    folders: std::sync::Mutex<Vec<std::path::PathBuf>>,
    /// The client can register file watchers.
    can_watch: std::sync::atomic::AtomicBool,
    /// The client shows progress the server reports (`window.workDoneProgress`).
    shows_progress: std::sync::atomic::AtomicBool,
}

impl Backend {
    pub fn new(
        client: Client,
        worker: WorkerHandle,
        session: Arc<Session>,
        encoding: Arc<OnceLock<PositionEncoding>>,
    ) -> Self {
        Backend {
            client,
            worker,
            session,
            encoding,
            folders: Default::default(),
            can_watch: Default::default(),
            shows_progress: Default::default(),
        }
    }

    async fn ask<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut super::worker::WorkerState) -> R + Send + 'static,
    ) -> Result<R> {
        self.worker.query(f).await.ok_or_else(|| {
            let mut e = Error::internal_error();
            e.message = "onus: the document worker failed on this request (see the log)".into();
            e
        })
    }
}

fn unknown_document(uri: &Url) -> Error {
    Error::invalid_params(format!("onus: {uri} is not open, or is not a file onus analyses"))
}

#[tower_lsp::async_trait]
impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let encoding = convert::negotiate_encoding(&params.capabilities);
        let _ = self.encoding.set(encoding);
        let mut folders: Vec<std::path::PathBuf> =
            params.workspace_folders.iter().flatten().filter_map(|f| f.uri.to_file_path().ok()).collect();
        #[allow(deprecated)] // rootUri is what older clients send.
        if folders.is_empty() {
            folders.extend(params.root_uri.as_ref().and_then(|u| u.to_file_path().ok()));
        }
        let root = folders.first().map(|f| f.to_string_lossy().into_owned());
        let roots = folders.clone();
        *self.folders.lock().unwrap_or_else(|e| e.into_inner()) = folders;
        let watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        self.can_watch.store(watch, Ordering::SeqCst);
        let progress = params.capabilities.window.as_ref().and_then(|w| w.work_done_progress).unwrap_or(false);
        self.shows_progress.store(progress, Ordering::SeqCst);
        self.session.initialized.store(true, Ordering::SeqCst);
        let docs = convert::docs_base(params.initialization_options.as_ref());
        let rules = params.initialization_options.as_ref().and_then(|o| o.get("rules")).cloned().unwrap_or_default();
        let var_files = var_files(params.initialization_options.as_ref());
        // One model of diagnostics per client: pulled when the client can pull them, else pushed.
        let pull = params.capabilities.text_document.as_ref().and_then(|t| t.diagnostic.as_ref()).is_some();
        self.worker.send(super::worker::Message::Query(Box::new(move |state| {
            state.root = root;
            state.roots = roots;
            state.docs = docs;
            // Links are part of what was serialized.
            state.published.clear();
            state.editor_rules = rules;
            state.var_files = var_files.unwrap_or_default();
            state.push = !pull;
            state.reload_config();
            state.reload_variables();
        })));
        Ok(InitializeResult {
            server_info: Some(ServerInfo { name: "onus".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
            capabilities: ServerCapabilities {
                position_encoding: Some(convert::encoding_kind(encoding)),
                text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::Supported(false)),
                    ..Default::default()
                })),
                code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                    code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::new(FIX_ALL)]),
                    ..Default::default()
                })),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_lens_provider: Some(CodeLensOptions { resolve_provider: Some(false) }),
                diagnostic_provider: pull.then(|| {
                    DiagnosticServerCapabilities::Options(DiagnosticOptions {
                        identifier: Some("onus".into()),
                        inter_file_dependencies: true,
                        workspace_diagnostics: false,
                        ..Default::default()
                    })
                }),
                ..Default::default()
            },
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.client.log_message(MessageType::INFO, format!("onus {} ready", env!("CARGO_PKG_VERSION"))).await;
        let folders = self.folders.lock().unwrap_or_else(|e| e.into_inner()).clone();
        super::index::spawn(folders, self.worker.clone(), self.shows_progress.load(Ordering::SeqCst));
        if self.can_watch.load(Ordering::SeqCst) {
            let watchers = ["**/*.tf", "**/*.tfvars", "**/.onus.toml"]
                .into_iter()
                .map(|g| FileSystemWatcher { glob_pattern: GlobPattern::String(g.into()), kind: None })
                .collect();
            let options = DidChangeWatchedFilesRegistrationOptions { watchers };
            let registration = Registration {
                id: "onus-watch".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(options).ok(),
            };
            if let Err(e) = self.client.register_capability(vec![registration]).await {
                self.client.log_message(MessageType::WARNING, format!("onus: cannot watch files: {e}")).await;
            }
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        // `{onus: {rules: ...}}` (VS Code's section), or the `rules` object itself.
        let settings = params.settings;
        let settings = settings.get("onus").unwrap_or(&settings);
        if let Some(rules) = settings.get("rules").cloned() {
            self.worker.send(super::worker::Message::Query(Box::new(move |state| {
                state.editor_rules = rules;
                state.reload_config();
            })));
        }
        if let Some(files) = var_files(Some(settings)) {
            self.worker.send(super::worker::Message::Query(Box::new(move |state| {
                state.var_files = files;
                state.reload_variables();
            })));
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let folders = self.folders.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let files = params
            .changes
            .into_iter()
            .filter_map(|c| {
                let path = c.uri.to_file_path().ok()?;
                // Only files inside the workspace folders are read, whatever the client names.
                if !folders.iter().any(|f| path.starts_with(f)) {
                    return None;
                }
                let text = if c.typ == FileChangeType::DELETED { None } else { super::index::read(&path) };
                Some((path.to_string_lossy().into_owned(), text))
            })
            .collect();
        self.worker.send(super::worker::Message::DiskFiles(files));
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let uri = params.text_document_position_params.text_document.uri;
        let pos = params.text_document_position_params.position;
        let path = convert::path_of(&uri);
        self.ask(move |state| {
            state.workspace.document(&path)?;
            let report = state.workspace.report(&path);
            let resources = state.workspace.resources(&path);
            let doc = state.workspace.document(&path)?;
            let offset = text::offset_at(doc.rope(), convert::position(pos), state.encoding);
            let (range, markdown) = onus_analysis::lens::hover(state.workspace.rules(), &report, &resources, offset)?;
            Some(Hover {
                contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: markdown }),
                range: Some(convert::to_lsp_range(doc.rope(), range, state.encoding)),
            })
        })
        .await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let path = convert::path_of(&params.text_document.uri);
        self.ask(move |state| {
            state.workspace.document(&path)?;
            let report = state.workspace.report(&path);
            let resources = state.workspace.resources(&path);
            let doc = state.workspace.document(&path)?;
            let lenses = resources
                .iter()
                .filter_map(|r| {
                    let title = onus_analysis::lens::code_lens(state.workspace.rules(), r, &report)?;
                    Some(CodeLens {
                        range: convert::to_lsp_range(doc.rope(), r.header, state.encoding),
                        command: Some(Command { title, command: String::new(), arguments: None }),
                        data: None,
                    })
                })
                .collect();
            Some(lenses)
        })
        .await
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn diagnostic(&self, params: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult> {
        let uri = params.text_document.uri;
        let path = convert::path_of(&uri);
        let items = self
            .ask(move |state| state.workspace.document(&path).is_some().then(|| state.lsp_diagnostics(&path)))
            .await?
            .ok_or_else(|| unknown_document(&uri))?;
        Ok(DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(
            RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport { result_id: None, items },
            },
        )))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        let path = convert::path_of(&uri);
        // `source.fixAll` (VS Code's `editor.codeActionsOnSave`): every safe fix of the file at once.
        let only = params.context.only.clone().unwrap_or_default();
        let fix_all = only.iter().any(|k| FIX_ALL.starts_with(k.as_str()) && k.as_str().starts_with("source"));
        self.ask(move |state| {
            let diags = state.workspace.diagnostics(&path);
            let doc = state.workspace.document(&path)?;
            if fix_all {
                let (edits, count) = onus_analysis::fix::safe_fixes(diags.iter().flat_map(|d| &d.fixes));
                if count == 0 {
                    return Some(Vec::new());
                }
                let fix = onus_analysis::fix::Fix::new(format!("Fix all {count} safe onus findings"), edits);
                let mut action = convert::code_action(&uri, doc.rope(), &fix, Default::default(), state.encoding);
                (action.kind, action.diagnostics) = (Some(CodeActionKind::new(FIX_ALL)), None);
                return Some(vec![CodeActionOrCommand::CodeAction(action)]);
            }
            let wanted = text::text_range_of(doc.rope(), convert::range(params.range), state.encoding);
            let here: Vec<_> = diags.iter().filter(|d| d.range.intersects(&wanted)).collect();
            let suppressions: Vec<_> = here.iter().map(|d| state.workspace.suppression_fix(&path, d)).collect();
            let doc = state.workspace.document(&path)?;
            let mut actions = Vec::new();
            for (d, suppression) in here.into_iter().zip(&suppressions) {
                let lsp_diag = convert::diagnostic(doc.rope(), d, state.encoding, state.docs.as_ref());
                for fix in d.fixes.iter().chain(suppression) {
                    let action = convert::code_action(&uri, doc.rope(), fix, lsp_diag.clone(), state.encoding);
                    actions.push(CodeActionOrCommand::CodeAction(action));
                }
            }
            Some(actions)
        })
        .await
    }
}

/// The code action kind of "fix all" (`source.fixAll.onus`: VS Code runs it on save when asked to).
const FIX_ALL: &str = "source.fixAll.onus";

/// The `varFiles` setting: a list of paths (relative to the workspace root), or `None` when not given.
fn var_files(settings: Option<&serde_json::Value>) -> Option<Vec<String>> {
    let list = settings?.get("varFiles")?.as_array()?;
    Some(list.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
}
