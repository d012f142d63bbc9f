//! `onus lsp`: the language server on stdio. It converts between the protocol and the analysis, and does
//! nothing else: documents and their analysis live on the worker thread.

mod backend;
mod convert;
mod frames;
mod index;
mod ordered;
mod output;
mod worker;

pub use worker::WORKER_STACK_BYTES;

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, OnceLock};

use tower_lsp::{LspService, Server};

use ordered::{Ordered, Session};
use worker::Outgoing;

/// Serves the protocol on stdin/stdout until `exit` (or until stdin closes). Returns the exit code.
pub fn run() -> i32 {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("start the async runtime");
    let code = runtime.block_on(serve());
    // tokio's stdin reader is a blocking thread stuck in read(2): don't wait for it.
    runtime.shutdown_background();
    code
}

async fn serve() -> i32 {
    let (exit_tx, exit_rx) = tokio::sync::oneshot::channel();
    let session = Arc::new(Session {
        initialized: AtomicBool::new(false),
        shutdown: AtomicBool::new(false),
        exit: Mutex::new(Some(exit_tx)),
    });
    let encoding = Arc::new(OnceLock::new());
    // One thread owns stdout: tower-lsp's frames and the published diagnostics go through it, each whole.
    let (frames_tx, frames_rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("onus-stdout".into())
        .spawn(move || output::write(frames_rx, output::raw_stdout()))
        .expect("start the writer of stdout");
    let (out_tx, mut out_rx) = tokio::sync::mpsc::unbounded_channel();
    let worker = worker::spawn(encoding.clone(), out_tx, frames_tx.clone());
    let (server_out, from_server) = tokio::io::duplex(1 << 20);
    tokio::spawn(output::frames_of(from_server, frames_tx));
    let (service, socket) = LspService::new(|client| {
        // What the worker sends through tower-lsp (its publications go straight to the writer).
        let publisher = client.clone();
        let progress = progress_reporter(client.clone());
        tokio::spawn(async move {
            while let Some(out) = out_rx.recv().await {
                match out {
                    Outgoing::Progress(p) => {
                        let _ = progress.send(p);
                    }
                    Outgoing::Log(level, message) => publisher.log_message(level, message).await,
                    Outgoing::Refresh => {
                        // A request: its answer is awaited apart, so publications do not wait for the client.
                        let client = publisher.clone();
                        tokio::spawn(async move { client.workspace_diagnostic_refresh().await });
                    }
                }
            }
        });
        backend::Backend::new(client, worker.clone(), session.clone(), encoding)
    });
    let service = Ordered::new(service, worker, session.clone());
    // tower-lsp reads clean frames only: bad ones are answered, not fatal (see `frames`).
    let (to_server, from_client) = tokio::io::duplex(1 << 20);
    tokio::spawn(frames::forward(tokio::io::stdin(), to_server));
    let server = Server::new(from_client, server_out, socket).serve(service);
    tokio::select! {
        // stdin closed: the client is gone. Without a shutdown first, that is an error exit.
        _ = server => if session.shutdown.load(std::sync::atomic::Ordering::SeqCst) { 0 } else { 1 },
        code = exit_rx => code.unwrap_or(1),
    }
}

/// Shows indexing as work-done progress: a task of its own, since the token must be created by a request the
/// client answers first, and publishing must never wait for that answer (a client that does not answer sees no
/// progress, and nothing else is held up).
fn progress_reporter(client: tower_lsp::Client) -> tokio::sync::mpsc::UnboundedSender<index::Progress> {
    use tower_lsp::lsp_types::{notification, request, *};
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let token = NumberOrString::String("onus-indexing".into());
        while let Some(p) = rx.recv().await {
            let value = match p {
                index::Progress::Begin => {
                    let create = WorkDoneProgressCreateParams { token: token.clone() };
                    if client.send_request::<request::WorkDoneProgressCreate>(create).await.is_err() {
                        return;
                    }
                    WorkDoneProgress::Begin(WorkDoneProgressBegin {
                        title: "onus: indexing the workspace".into(),
                        cancellable: Some(false),
                        message: Some("reading Terraform files".into()),
                        percentage: None,
                    })
                }
                index::Progress::Indexed(n) => WorkDoneProgress::Report(WorkDoneProgressReport {
                    message: Some(format!("{n} files")),
                    ..Default::default()
                }),
                index::Progress::End(n) => {
                    WorkDoneProgress::End(WorkDoneProgressEnd { message: Some(format!("{n} files indexed")) })
                }
            };
            let params = ProgressParams { token: token.clone(), value: ProgressParamsValue::WorkDone(value) };
            client.send_notification::<notification::Progress>(params).await;
        }
    });
    tx
}
