//! What goes to stdout: tower-lsp's own messages, passed on whole frame by whole frame, and the diagnostics
//! the worker publishes, serialised here once, straight to bytes.
//!
//! tower-lsp turns a notification's parameters into a `serde_json::Value` tree and then into text; for a file
//! with a thousand findings, building and freeing that tree was most of the time from a keystroke to its
//! `publishDiagnostics`. One writer task owns stdout, so frames from both sources never interleave.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use onus_analysis::fast_hash::{FastHasher, FastMap};
use onus_analysis::{text, Diagnostic};
use std::io::Write;
use std::sync::mpsc::{Receiver, Sender};
use tokio::io::{AsyncRead, AsyncReadExt, BufReader};
use tower_lsp::lsp_types as lsp;

use super::convert;

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

/// The JSON of each diagnostic last published for a document, by what it shows (rule, message, severity, place,
/// related places): a keystroke in a file with a thousand findings serializes the few that are new or moved and
/// copies the others' bytes, and nothing built on the worker thread is freed on another (glibc's cross-thread
/// frees were most of the publishing task's time).
///
/// Each entry holds its diagnostic's message, which the key names by address: a message kept from one analysis
/// to the next is the same allocation, and while an entry holds it no other message can be at that address (a
/// message of the same text at another address is a miss: converted again, never shown wrong). So a key costs
/// no pass over the message's text.
///
/// One table, kept: an entry used by a publication is marked with its number, and those not used are dropped
/// at its end (moving every entry to a new table at each keystroke was a tenth of the worker's time).
#[derive(Default)]
pub struct Published {
    entries: FastMap<ShownAs, Kept>,
    /// The number of the last publication.
    publication: u32,
}

struct Kept {
    /// Held, not read: while it is, no other message is at its address (see above).
    _message: Arc<str>,
    json: Arc<[u8]>,
    /// The last publication that used it.
    used: u32,
}

/// What a diagnostic shows ([`shown_as`]): a hash of its rule, message (by address), severity and related
/// places, and its range.
type ShownAs = (u64, [u32; 4]);

/// The framed `textDocument/publishDiagnostics` of `diags`, as [`convert::diagnostics`] converts them, reusing
/// and then replacing what `kept` holds from the document's previous publication.
pub fn publication(
    uri: &lsp::Url,
    version: Option<i32>,
    positions: &text::Positions,
    diags: &[Diagnostic],
    docs: Option<&lsp::Url>,
    kept: &mut Published,
) -> Vec<u8> {
    let mut links = convert::Links::default();
    let (shown, hidden) = convert::shown(diags);
    kept.publication = kept.publication.wrapping_add(1);
    let now = kept.publication;
    let mut head = br#"{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":"#.to_vec();
    serde_json::to_writer(&mut head, uri.as_str()).expect("a string serialises");
    head.extend_from_slice(br#","diagnostics":["#);
    let mut parts: Vec<Arc<[u8]>> = Vec::with_capacity(shown.len() + 1);
    for d in &shown {
        let key = shown_as(positions, d);
        let entry = kept.entries.entry(key).or_insert_with(|| {
            let diagnostic = convert::with_link(positions, d, links.of(d, docs), Some(uri));
            let json = serde_json::to_vec(&diagnostic).expect("a diagnostic serialises").into();
            Kept { _message: d.message.clone(), json, used: now }
        });
        entry.used = now;
        parts.push(entry.json.clone());
    }
    if let Some(n) = hidden {
        let more = convert::more_findings(positions.rope(), positions.encoding(), n);
        let more = serde_json::to_vec(&more).expect("a diagnostic serialises");
        parts.push(more.into());
    }
    let mut tail = b"]".to_vec();
    if let Some(version) = version {
        tail.extend_from_slice(format!(r#","version":{version}"#).as_bytes());
    }
    tail.extend_from_slice(b"}}");
    kept.entries.retain(|_, e| e.used == now);
    // The frame in one buffer of its final size: the body's length is known before it is written (a body
    // written first was copied whole behind its header).
    let commas = parts.len().saturating_sub(1);
    let length = head.len() + parts.iter().map(|p| p.len()).sum::<usize>() + commas + tail.len();
    let mut frame = format!("Content-Length: {length}\r\n\r\n").into_bytes();
    frame.reserve_exact(length);
    frame.extend_from_slice(&head);
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            frame.push(b',');
        }
        frame.extend_from_slice(part);
    }
    frame.extend_from_slice(&tail);
    frame
}

/// What a diagnostic shows, as a key.
fn shown_as(positions: &text::Positions, d: &Diagnostic) -> ShownAs {
    let mut h = FastHasher::default();
    let r = convert::lsp_range(positions.range(d.range));
    // (The rule's id by address too: a `&'static str` is never freed.)
    let message = Arc::as_ptr(&d.message) as *const u8 as usize;
    (d.code.as_ptr() as usize, d.code.len(), message, d.message.len(), d.severity as u8).hash(&mut h);
    for also in &d.also {
        let at = convert::lsp_range(positions.range(also.range));
        (also.rule.id, &also.message, at.start.line, at.start.character, at.end.line, at.end.character).hash(&mut h);
    }
    (h.finish(), [r.start.line, r.start.character, r.end.line, r.end.character])
}

/// A message's bytes as one frame: its `Content-Length` header, then the body.
pub(super) fn framed(body: Vec<u8>) -> Vec<u8> {
    let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    frame.extend_from_slice(&body);
    frame
}

/// Passes the frames tower-lsp writes to `frames`, each whole, until its output ends.
pub async fn frames_of(input: impl AsyncRead + Unpin, frames: Sender<Vec<u8>>) {
    let mut input = BufReader::with_capacity(64 * 1024, input);
    // tower-lsp writes well-formed frames: anything else ends its output.
    while let Some(Ok(length)) = super::frames::read_headers(&mut input).await {
        let mut body = vec![0; length];
        if input.read_exact(&mut body).await.is_err() || frames.send(framed(body)).is_err() {
            break;
        }
    }
}

/// Stdout without std's line buffering, which searches each frame for its last line break (a publication of a
/// thousand findings is 380 KB) and splits it in two writes: a duplicate of its descriptor, written to as a
/// file. Std's stdout if it cannot be duplicated.
pub fn raw_stdout() -> Box<dyn Write + Send> {
    use std::os::fd::AsFd;
    match std::io::stdout().as_fd().try_clone_to_owned() {
        Ok(fd) => Box::new(std::fs::File::from(fd)),
        Err(_) => Box::new(std::io::stdout()),
    }
}

/// Writes the frames to `output` in the order they come, until every sender is gone: the loop of a thread of
/// its own, which owns stdout. (Through tokio's stdout, a frame was copied into its buffer and written by a
/// thread of its blocking pool: two more thread hops, and a copy of a large publication, at every keystroke.)
pub fn write(frames: Receiver<Vec<u8>>, mut output: impl Write) {
    while let Ok(frame) = frames.recv() {
        if output.write_all(&frame).and_then(|_| output.flush()).is_err() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use onus_analysis::PositionEncoding;
    use ropey::Rope;
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
        use tokio::io::AsyncWriteExt;
        let (frames_tx, frames_rx) = std::sync::mpsc::channel();
        let (mut from_server, server_out) = tokio::io::duplex(64);
        let passing = tokio::spawn(frames_of(server_out, frames_tx.clone()));
        let writer = std::thread::spawn(move || {
            let mut written = Vec::new();
            write(frames_rx, &mut written);
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
        let out = messages(&writer.join().unwrap());
        assert_eq!(out.len(), 40);
        let responses: Vec<i64> = out.iter().filter_map(|m| m["id"].as_i64()).collect();
        assert_eq!(responses, (0..20).collect::<Vec<_>>(), "tower-lsp's frames, whole and in order");
        let published: Vec<&Value> = out.iter().filter(|m| m["method"] == "textDocument/publishDiagnostics").collect();
        assert_eq!(published.len(), 20);
        assert_eq!(published[3]["params"]["version"], 3);
        assert_eq!(published[3]["params"]["uri"], "file:///w/main.tf");
        assert_eq!(published[3]["params"]["diagnostics"][0]["message"], "finding 3");
    }

    /// The findings of `text` as `ws` reports them (opened, or changed to it), with the document's rope.
    fn findings(ws: &mut onus_analysis::Workspace, version: i32, text: &str) -> (Rope, Vec<Diagnostic>) {
        if ws.document("/w/main.tf").is_none() {
            ws.open("/w/main.tf", text, version);
        } else {
            let whole = [(None, text.to_string())];
            ws.change("/w/main.tf", version, &whole, PositionEncoding::Utf16).unwrap();
        }
        let diags = ws.diagnostics("/w/main.tf");
        (ws.document("/w/main.tf").unwrap().rope().clone(), diags)
    }

    /// Kept bytes are reused only for a finding that shows the same thing at the same place: after edits that
    /// move, change, add and remove findings, every publication is what converting afresh publishes.
    #[test]
    fn a_publication_reusing_kept_bytes_equals_one_made_afresh() {
        let uri = lsp::Url::parse("file:///w/main.tf").unwrap();
        let docs = lsp::Url::parse("https://docs.example/rules/").unwrap();
        let bucket =
            |name: &str, acl: &str| format!("resource \"aws_s3_bucket\" \"{name}\" {{\n  acl = \"{acl}\"\n}}\n");
        let texts = [
            [bucket("a", "public-read"), bucket("b", "private")].concat(),
            // A character typed on the first line: b's findings keep their place, a's move on its line.
            [bucket("aa", "public-read"), bucket("b", "private")].concat(),
            // A line added before b: all of b's move down.
            [bucket("aa", "public-read"), "\n".into(), bucket("b", "private")].concat(),
            // A finding changes its message; one goes away.
            [bucket("aa", "public-read-write"), "\n".into(), bucket("b", "private")].concat(),
            // Non-ASCII before the findings: UTF-16 columns differ from bytes.
            ["# é😀\n".into(), bucket("aa", "public-read"), bucket("b", "public-read")].concat(),
        ];
        let mut kept = Published::default();
        let mut reused = Vec::new();
        let mut ws = onus_analysis::Workspace::new(onus_analysis::catalog::rules());
        for (version, text) in texts.iter().enumerate() {
            let (rope, diags) = findings(&mut ws, version as i32 + 1, text);
            assert!(!diags.is_empty());
            let before: Vec<Arc<[u8]>> = kept.entries.values().map(|e| e.json.clone()).collect();
            let enc = PositionEncoding::Utf16;
            let positions = text::Positions::new(&rope, enc);
            let frame = publication(&uri, Some(version as i32), &positions, &diags, Some(&docs), &mut kept);
            let afresh = convert::diagnostics(Some(&uri), &rope, &diags, enc, Some(&docs));
            assert_eq!(messages(&frame), messages(&publish_frame(uri.clone(), Some(version as i32), afresh)));
            reused.push(kept.entries.values().filter(|e| before.iter().any(|b| Arc::ptr_eq(b, &e.json))).count());
        }
        // The first edit makes the rules' runs over the module runs block by block (new findings, the same);
        // b's findings, unmoved, are reused when a's message changes; none survive the line added before them.
        assert_eq!(reused[2], 0, "{reused:?}");
        assert!(reused[3] >= 4, "{reused:?}");
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
