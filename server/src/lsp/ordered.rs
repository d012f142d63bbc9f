//! A tower layer around tower-lsp's service that fixes three things tower-lsp leaves to us:
//! - Order: tower-lsp calls the service in arrival order but runs handlers concurrently, so document
//!   notifications are taken here, at call time, and handed to the worker in that order.
//! - Panics: a panicking handler becomes an InternalError answer and a log line, not a dead server.
//! - Exit: tower-lsp 0.20 keeps running after `exit` while stdin stays open; we signal the exit code instead
//!   (0 after `shutdown`, 1 without).

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::future::{BoxFuture, FutureExt};
use serde::de::DeserializeOwned;
use tower::Service;
use tower_lsp::jsonrpc::{Error, Request, Response};
use tower_lsp::lsp_types as lsp;

use super::worker::{Message, WorkerHandle};

/// State shared by the layer and the handlers.
pub struct Session {
    pub initialized: AtomicBool,
    pub shutdown: AtomicBool,
    pub exit: std::sync::Mutex<Option<tokio::sync::oneshot::Sender<i32>>>,
}

pub struct Ordered<S> {
    inner: S,
    worker: WorkerHandle,
    session: Arc<Session>,
}

impl<S> Ordered<S> {
    pub fn new(inner: S, worker: WorkerHandle, session: Arc<Session>) -> Self {
        Ordered { inner, worker, session }
    }

    /// Hands a document notification to the worker; true if `req` was one.
    fn take_document_notification(&self, req: &Request) -> bool {
        fn params<P: DeserializeOwned>(req: &Request) -> Option<P> {
            serde_json::from_value(req.params()?.clone()).ok()
        }
        let msg = match req.method() {
            "textDocument/didOpen" => params::<lsp::DidOpenTextDocumentParams>(req).map(|p| Message::Open {
                uri: p.text_document.uri,
                text: p.text_document.text,
                version: p.text_document.version,
            }),
            "textDocument/didChange" => params::<lsp::DidChangeTextDocumentParams>(req).map(|p| Message::Change {
                uri: p.text_document.uri,
                version: p.text_document.version,
                changes: p.content_changes,
            }),
            "textDocument/didClose" => {
                params::<lsp::DidCloseTextDocumentParams>(req).map(|p| Message::Close { uri: p.text_document.uri })
            }
            _ => return false,
        };
        // Before `initialize` the spec says notifications are dropped; malformed params are dropped too
        // (a notification has no answer to carry the error).
        if let Some(msg) = msg.filter(|_| self.session.initialized.load(Ordering::SeqCst)) {
            self.worker.send(msg);
        } else {
            eprintln!("onus: dropped {} (not initialized, or malformed params)", req.method());
        }
        true
    }
}

impl<S> Service<Request> for Ordered<S>
where
    S: Service<Request, Response = Option<Response>> + Send,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Option<Response>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        if self.take_document_notification(&req) {
            return futures::future::ready(Ok(None)).boxed();
        }
        if req.method() == super::frames::INVALID_MESSAGE {
            return futures::future::ready(Ok(Some(invalid_message_answer(&req)))).boxed();
        }
        // tower-lsp drops every `$/` message; the spec wants a request among them answered MethodNotFound.
        if let (true, Some(id)) = (req.method().starts_with("$/"), req.id()) {
            let answer = Response::from_error(id.clone(), Error::method_not_found());
            return futures::future::ready(Ok(Some(answer))).boxed();
        }
        match req.method() {
            "exit" => {
                let code = if self.session.shutdown.load(Ordering::SeqCst) { 0 } else { 1 };
                if let Some(tx) = self.session.exit.lock().unwrap_or_else(|e| e.into_inner()).take() {
                    let _ = tx.send(code);
                }
            }
            "shutdown" if self.session.initialized.load(Ordering::SeqCst) => {
                self.session.shutdown.store(true, Ordering::SeqCst)
            }
            _ => {}
        }
        let req = without_null_params(req);
        let id = req.id().cloned();
        let method = req.method().to_string();
        AssertUnwindSafe(self.inner.call(req))
            .catch_unwind()
            .map(move |result| match result {
                Ok(answer) => answer,
                Err(panic) => {
                    let msg = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "unknown panic".into());
                    eprintln!("onus: internal error while handling {method}: {msg}");
                    let mut error = Error::internal_error();
                    error.message = format!("onus: internal error while handling {method}: {msg}").into();
                    Ok(id.map(|id| Response::from_error(id, error)))
                }
            })
            .boxed()
    }
}

/// The answer to a message the client framed or wrote wrongly (see `frames`): the error, with the message's
/// own id when it had one, else `null`.
fn invalid_message_answer(req: &Request) -> Response {
    let params = req.params().cloned().unwrap_or_default();
    let id = serde_json::from_value(params["id"].clone()).unwrap_or(tower_lsp::jsonrpc::Id::Null);
    let code = params["code"].as_i64().unwrap_or(super::frames::PARSE_ERROR);
    let message = params["message"].as_str().unwrap_or("invalid message").to_string();
    Response::from_error(id, Error { code: code.into(), message: message.into(), data: None })
}

/// `"params": null` is what some clients send for methods without params (`shutdown`, `exit`); tower-lsp
/// rejects it, so it is dropped here.
fn without_null_params(req: Request) -> Request {
    if !req.params().is_some_and(serde_json::Value::is_null) {
        return req;
    }
    let (method, id, _) = req.into_parts();
    let builder = Request::build(method);
    match id {
        Some(id) => builder.id(id).finish(),
        None => builder.finish(),
    }
}
