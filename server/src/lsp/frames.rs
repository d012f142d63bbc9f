//! The framing of stdin, done here rather than by tower-lsp: tower-lsp 0.20 stops reading for good after the
//! first frame it cannot decode (a bad header, a body that is not UTF-8 or not JSON, a wrong `Content-Length`),
//! so one bad message from a client would end the server. This task reads the client's bytes, passes every
//! well-formed message on to tower-lsp unchanged, and replaces each bad one by an `$/onus/invalidMessage`
//! request that [`super::ordered`] answers with the JSON-RPC error the spec asks for (`-32700` parse error,
//! `-32600` invalid request). Then it resynchronises on the next `Content-Length` header and goes on.

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp::jsonrpc::{Request, Response};

/// The method of the stand-in for a bad message.
pub const INVALID_MESSAGE: &str = "$/onus/invalidMessage";
/// A body larger than this is skipped (without being held in memory) and answered with a parse error.
pub const MAX_BODY_BYTES: usize = 256 * 1024 * 1024;
/// A header line longer than this is garbage.
const MAX_HEADER_LINE: usize = 8 * 1024;

pub const PARSE_ERROR: i64 = -32700;
pub const INVALID_REQUEST: i64 = -32600;

/// Copies messages from `input` to `output` until `input` ends (then `output` is shut, and tower-lsp sees the
/// end of its input as it would have seen the client's).
pub async fn forward(input: impl AsyncRead + Unpin, mut output: impl AsyncWrite + Unpin) {
    let mut input = BufReader::with_capacity(64 * 1024, input);
    let mut bad = 0u64;
    loop {
        let Some(length) = read_headers(&mut input).await else { break };
        let message = match length {
            Ok(n) if n > MAX_BODY_BYTES => {
                let skipped = tokio::io::copy(&mut (&mut input).take(n as u64), &mut tokio::io::sink()).await;
                if skipped.map_or(true, |s| s < n as u64) {
                    break;
                }
                Err((PARSE_ERROR, format!("message of {n} bytes is larger than onus reads ({MAX_BODY_BYTES})"), None))
            }
            Ok(n) => {
                let mut body = vec![0; n];
                if input.read_exact(&mut body).await.is_err() {
                    break;
                }
                check(body)
            }
            Err(why) => Err((PARSE_ERROR, why, None)),
        };
        let body = match message {
            Ok(body) => body,
            Err((code, message, id)) => {
                eprintln!("onus: bad message from the client: {message}");
                bad += 1;
                let stand_in = json!({
                    "jsonrpc": "2.0",
                    "id": format!("onus-invalid-{bad}"),
                    "method": INVALID_MESSAGE,
                    "params": { "code": code, "message": message, "id": id },
                });
                serde_json::to_vec(&stand_in).expect("a JSON value serialises")
            }
        };
        if output.write_all(&super::output::framed(body)).await.is_err() {
            break;
        }
    }
    let _ = output.shutdown().await;
}

/// Reads one header block; `None` at the end of the input. Garbage before a `Content-Length` header (the rest
/// of a body whose length was given too short, stray bytes) is skipped.
pub(super) async fn read_headers(input: &mut (impl AsyncBufReadExt + Unpin)) -> Option<Result<usize, String>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut seen = false;
    loop {
        let mut line = Vec::new();
        let n = (&mut *input).take(MAX_HEADER_LINE as u64).read_until(b'\n', &mut line).await.ok()?;
        if n == 0 {
            return None;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() && line.ends_with(b"\n") {
            if seen {
                break;
            }
            // Blank lines between messages.
            continue;
        }
        seen = true;
        let lower = text.to_ascii_lowercase();
        if let Some(at) = lower.find("content-length:") {
            let value = text[at + "content-length:".len()..].trim();
            length = Some(value.parse::<usize>().map_err(|_| format!("bad Content-Length `{value}`")));
        }
        // Other headers (`Content-Type`) and garbage are ignored.
    }
    Some(length.unwrap_or_else(|| Err("a message without Content-Length".into())))
}

/// A body that tower-lsp will accept, or the error to answer it with.
fn check(body: Vec<u8>) -> Result<Vec<u8>, (i64, String, Option<Value>)> {
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) if std::str::from_utf8(&body).is_err() => {
            return Err((PARSE_ERROR, format!("the message is not UTF-8 ({e})"), None))
        }
        Err(e) => return Err((PARSE_ERROR, format!("the message is not JSON: {e}"), None)),
    };
    let id = value.get("id").cloned().filter(|id| id.is_string() || id.is_number());
    let is_request = value.get("method").is_some();
    let ok = if is_request {
        serde_json::from_value::<Request>(value.clone()).is_ok()
    } else {
        serde_json::from_value::<Response>(value.clone()).is_ok()
    };
    if ok {
        return Ok(body);
    }
    if !is_request && id.is_some() {
        // A malformed response to one of our requests: there is no one to answer.
        return Err((INVALID_REQUEST, "a malformed response".into(), None));
    }
    Err((INVALID_REQUEST, "not a JSON-RPC 2.0 request, notification or response".into(), id))
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn run(input: &[u8]) -> Vec<Value> {
        let mut out = Vec::new();
        forward(input, &mut out).await;
        let mut messages = Vec::new();
        let mut rest = &out[..];
        while let Some(at) = rest.windows(4).position(|w| w == b"\r\n\r\n") {
            let n: usize = std::str::from_utf8(&rest[16..at]).unwrap().trim().parse().unwrap();
            messages.push(serde_json::from_slice(&rest[at + 4..at + 4 + n]).unwrap());
            rest = &rest[at + 4 + n..];
        }
        messages
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[tokio::test]
    async fn good_messages_pass_and_bad_ones_become_stand_ins() {
        let good = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let mut input = frame(good);
        input += &frame("{not json");
        input += "garbage";
        input += &frame(good);
        input += "Content-Length: 3\r\n\r\n\u{ff}"; // 2 bytes of UTF-8 + a byte of the next header
        input += &frame(r#"{"jsonrpc":"2.0","id":7}"#);
        input += &frame(r#"[1,2]"#);
        input += &frame(good);
        let out = run(input.as_bytes()).await;
        let methods: Vec<_> = out.iter().map(|m| m["method"].as_str().unwrap_or("").to_string()).collect();
        assert_eq!(methods[0], "shutdown");
        assert_eq!(methods[1], INVALID_MESSAGE);
        assert_eq!(out[1]["params"]["code"], PARSE_ERROR);
        assert_eq!(methods[2], "shutdown");
        assert_eq!(out.last().unwrap()["method"], "shutdown");
    }
}
