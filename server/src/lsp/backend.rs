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
}

impl Backend {
    pub fn new(
        client: Client,
        worker: WorkerHandle,
        session: Arc<Session>,
        encoding: Arc<OnceLock<PositionEncoding>>,
    ) -> Self {
        Backend { client, worker, session, encoding }
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
        self.session.initialized.store(true, Ordering::SeqCst);
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
                    code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                    ..Default::default()
                })),
                diagnostic_provider: Some(DiagnosticServerCapabilities::Options(DiagnosticOptions {
                    identifier: Some("onus".into()),
                    inter_file_dependencies: true,
                    workspace_diagnostics: false,
                    ..Default::default()
                })),
                ..Default::default()
            },
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.client.log_message(MessageType::INFO, format!("onus {} ready", env!("CARGO_PKG_VERSION"))).await;
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
        self.ask(move |state| {
            let diags = state.workspace.diagnostics(&path);
            let doc = state.workspace.document(&path)?;
            let wanted = text::text_range_of(doc.rope(), convert::range(params.range), state.encoding);
            let mut actions = Vec::new();
            for d in diags.iter().filter(|d| d.range.intersects(&wanted)) {
                let lsp_diag = convert::diagnostic(doc.rope(), d, state.encoding);
                for fix in &d.fixes {
                    let action = convert::code_action(&uri, doc.rope(), fix, lsp_diag.clone(), state.encoding);
                    actions.push(CodeActionOrCommand::CodeAction(action));
                }
            }
            Some(actions)
        })
        .await
    }
}
