//! What goes to stdout: tower-lsp's own messages, passed on whole frame by whole frame, and the diagnostics
//! the worker publishes, serialised here once, straight to bytes.
//!
//! tower-lsp turns a notification's parameters into a `serde_json::Value` tree and then into text; for a file
//! with a thousand findings, building and freeing that tree was most of the time from a keystroke to its
//! `publishDiagnostics`. One writer task owns stdout, so frames from both sources never interleave.

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tower_lsp::lsp_types as lsp;

/// A `textDocument/publishDiagnostics` notification, framed.
pub fn publish_frame(uri: lsp::Url, version: Option<i32>, diagnostics: Vec<lsp::Diagnostic>) -> Vec<u8> {
    #[derive(serde::Serialize)]
    struct Notification {
        jsonrpc: &'static str,
        method: &'static str,
        params: lsp::PublishDiagnosticsParams,
    }
    let notification = Notification {
        jsonrpc: "2.0",
        method: "textDocument/publishDiagnostics",
        params: lsp::PublishDiagnosticsParams { uri, diagnostics, version },
    };
    framed(serde_json::to_vec(&notification).expect("diagnostics serialise"))
}

/// A message's bytes as one frame: its `Content-Length` header, then the body.
pub(super) fn framed(body: Vec<u8>) -> Vec<u8> {
    let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    frame.extend_from_slice(&body);
    frame
}

/// Passes the frames tower-lsp writes to `frames`, each whole, until its output ends.
pub async fn frames_of(input: impl AsyncRead + Unpin, frames: UnboundedSender<Vec<u8>>) {
    let mut input = BufReader::with_capacity(64 * 1024, input);
    // tower-lsp writes well-formed frames: anything else ends its output.
    while let Some(Ok(length)) = super::frames::read_headers(&mut input).await {
        let mut body = vec![0; length];
        if input.read_exact(&mut body).await.is_err() || frames.send(framed(body)).is_err() {
            break;
        }
    }
}

/// Writes the frames to `output` in the order they come, until every sender is gone.
pub async fn write(mut frames: UnboundedReceiver<Vec<u8>>, mut output: impl AsyncWrite + Unpin) {
    while let Some(frame) = frames.recv().await {
        if output.write_all(&frame).await.is_err() || output.flush().await.is_err() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn messages(mut bytes: &[u8]) -> Vec<Value> {
        let mut out = Vec::new();
        while let Some(at) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            let n: usize = std::str::from_utf8(&bytes[16..at]).unwrap().trim().parse().unwrap();
            out.push(serde_json::from_slice(&bytes[at + 4..at + 4 + n]).unwrap());
            bytes = &bytes[at + 4 + n..];
        }
        assert!(bytes.is_empty(), "a partial frame is left: {:?}", String::from_utf8_lossy(bytes));
        out
    }

    #[tokio::test]
    async fn frames_from_tower_lsp_and_published_diagnostics_never_interleave() {
        let (frames_tx, frames_rx) = tokio::sync::mpsc::unbounded_channel();
        let (mut from_server, server_out) = tokio::io::duplex(64);
        let passing = tokio::spawn(frames_of(server_out, frames_tx.clone()));
        let mut written = Vec::new();
        let writer = tokio::spawn(async move {
            write(frames_rx, &mut written).await;
            written
        });
        // tower-lsp's responses arrive in pieces smaller than a frame, while diagnostics are published.
        let uri = lsp::Url::parse("file:///w/main.tf").unwrap();
        for id in 0..20 {
            let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"result":"{}"}}"#, "x".repeat(100));
            let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
            for piece in frame.as_bytes().chunks(7) {
                from_server.write_all(piece).await.unwrap();
            }
            let diagnostic = lsp::Diagnostic { message: format!("finding {id}"), ..Default::default() };
            frames_tx.send(publish_frame(uri.clone(), Some(id), vec![diagnostic])).unwrap();
        }
        drop(from_server);
        passing.await.unwrap();
        drop(frames_tx);
        let out = messages(&writer.await.unwrap());
        assert_eq!(out.len(), 40);
        let responses: Vec<i64> = out.iter().filter_map(|m| m["id"].as_i64()).collect();
        assert_eq!(responses, (0..20).collect::<Vec<_>>(), "tower-lsp's frames, whole and in order");
        let published: Vec<&Value> = out.iter().filter(|m| m["method"] == "textDocument/publishDiagnostics").collect();
        assert_eq!(published.len(), 20);
        assert_eq!(published[3]["params"]["version"], 3);
        assert_eq!(published[3]["params"]["uri"], "file:///w/main.tf");
        assert_eq!(published[3]["params"]["diagnostics"][0]["message"], "finding 3");
    }

    #[test]
    fn a_publication_is_what_tower_lsp_would_have_sent() {
        let uri = lsp::Url::parse("file:///w/a%20b.tf").unwrap();
        let diagnostic = lsp::Diagnostic {
            range: lsp::Range::new(lsp::Position::new(1, 2), lsp::Position::new(1, 5)),
            severity: Some(lsp::DiagnosticSeverity::WARNING),
            code: Some(lsp::NumberOrString::String("s3-public-acl".into())),
            source: Some("onus".into()),
            message: "a \"quoted\" message".into(),
            ..Default::default()
        };
        let params =
            lsp::PublishDiagnosticsParams { uri: uri.clone(), diagnostics: vec![diagnostic.clone()], version: None };
        let expected =
            serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": params});
        assert_eq!(messages(&publish_frame(uri, None, vec![diagnostic])), [expected]);
    }
}
