//! Protocol faults, end to end over stdio: what a broken, confused or dying client sends. onus answers each with
//! the error the spec asks for and keeps serving, and exits (with the spec's code) only when told to or when
//! its input ends.

mod support;

use serde_json::{json, Value};
use support::{codes, file_uri, Client};

const BUCKET: &str = "resource \"aws_s3_bucket\" \"b\" {\n  acl = \"public-read\"\n}\n";
const PRIVATE: &str = "resource \"aws_s3_bucket\" \"b\" {\n  acl = \"private\"\n}\n";

/// A request with a known id, to check the server still answers.
fn still_serving(c: &mut Client) {
    let answer = c.request("onus/stillThere", json!({}));
    assert_eq!(answer["error"]["code"], -32601, "{answer}");
}

fn parse_error(c: &mut Client) -> Value {
    c.wait_for(|m| m["id"].is_null() && m.get("error").is_some() && m.get("method").is_none())
        .unwrap_or_else(|| panic!("no error answer with a null id"))
}

fn has(diags: &[Value], code: &str) -> bool {
    codes(diags).iter().any(|c| c == code)
}

#[test]
fn malformed_json_is_a_parse_error_and_the_server_keeps_serving() {
    let mut c = Client::initialized(json!({}));
    let body = b"{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":";
    c.send_raw(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    c.send_raw(body);
    assert_eq!(parse_error(&mut c)["error"]["code"], -32700);
    still_serving(&mut c);
    // Not UTF-8.
    c.send_raw(b"Content-Length: 4\r\n\r\n\xff\xfe{}");
    assert_eq!(parse_error(&mut c)["error"]["code"], -32700);
    // JSON, but not JSON-RPC: invalid request, with the id when there is one.
    c.send(json!({ "jsonrpc": "2.0", "id": 41, "method": 12 }));
    let answer = c.wait_for(|m| m["id"] == 41).unwrap();
    assert_eq!(answer["error"]["code"], -32600, "{answer}");
    c.send(json!([1, 2, 3]));
    assert_eq!(parse_error(&mut c)["error"]["code"], -32600);
    still_serving(&mut c);
    assert_eq!(c.shutdown_and_exit(), Some(0));
}

#[test]
fn malformed_frames_and_wrong_content_lengths() {
    let mut c = Client::initialized(json!({}));
    // No Content-Length at all.
    c.send_raw(b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n");
    assert_eq!(parse_error(&mut c)["error"]["code"], -32700);
    // A Content-Length that is not a number.
    c.send_raw(b"Content-Length: twelve\r\n\r\n");
    assert_eq!(parse_error(&mut c)["error"]["code"], -32700);
    still_serving(&mut c);
    // Too short: the body is cut (a parse error), its rest is garbage before the next header (skipped).
    let body = serde_json::to_vec(&json!({ "jsonrpc": "2.0", "id": 900, "method": "onus/x" })).unwrap();
    c.send_raw(format!("Content-Length: {}\r\n\r\n", body.len() - 5).as_bytes());
    c.send_raw(&body);
    assert_eq!(parse_error(&mut c)["error"]["code"], -32700);
    still_serving(&mut c);
    // Too long: the body swallows the start of the next message; both are lost, the one after is served.
    let body = serde_json::to_vec(&json!({ "jsonrpc": "2.0", "id": 901, "method": "onus/x" })).unwrap();
    c.send_raw(format!("Content-Length: {}\r\n\r\n", body.len() + 30).as_bytes());
    c.send_raw(&body);
    c.send(json!({ "jsonrpc": "2.0", "id": 902, "method": "onus/x" }));
    assert_eq!(parse_error(&mut c)["error"]["code"], -32700);
    still_serving(&mut c);
    // Lower-case header names and extra blank lines are accepted.
    let body = serde_json::to_vec(&json!({ "jsonrpc": "2.0", "id": 903, "method": "onus/x" })).unwrap();
    c.send_raw(format!("\r\ncontent-length: {}\r\n\r\n", body.len()).as_bytes());
    c.send_raw(&body);
    assert_eq!(c.wait_for(|m| m["id"] == 903).unwrap()["error"]["code"], -32601);
    assert_eq!(c.shutdown_and_exit(), Some(0));
}

#[test]
fn a_huge_content_length_is_not_allocated() {
    let mut c = Client::initialized(json!({}));
    // Nearly a terabyte announced, nothing sent: onus waits for it without reserving it, and exits when the
    // client goes away.
    c.send_raw(b"Content-Length: 999999999999\r\n\r\n{}");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(c.child.try_wait().unwrap().is_none(), "onus died on a huge Content-Length");
    c.close_stdin();
    assert_eq!(c.wait_exit(), Some(1));
}

#[test]
fn unknown_methods() {
    let mut c = Client::initialized(json!({}));
    let answer = c.request("workspace/noSuchThing", json!({}));
    assert_eq!(answer["error"]["code"], -32601, "{answer}");
    let answer = c.request("$/noSuchThing", json!({}));
    assert_eq!(answer["error"]["code"], -32601, "{answer}");
    // Notifications get no answer, whatever they are.
    c.notify("$/noSuchThing", json!({}));
    c.notify("onus/noSuchThing", json!(null));
    // Wrong params for a known method: invalid params.
    let answer = c.request("textDocument/hover", json!({ "textDocument": 3 }));
    assert_eq!(answer["error"]["code"], -32602, "{answer}");
    // A second initialize is refused.
    let answer = c.request("initialize", json!({ "capabilities": {} }));
    assert!(answer.get("error").is_some(), "{answer}");
    still_serving(&mut c);
    assert_eq!(c.shutdown_and_exit(), Some(0));
}

#[test]
fn requests_for_unopened_documents() {
    let mut c = Client::initialized(json!({}));
    let doc = json!({ "uri": "file:///nowhere/main.tf" });
    let pos = json!({ "line": 0, "character": 0 });
    let answer = c.request("textDocument/hover", json!({ "textDocument": doc, "position": pos }));
    assert_eq!(answer["result"], Value::Null, "{answer}");
    let answer = c.request("textDocument/codeLens", json!({ "textDocument": doc }));
    assert_eq!(answer["result"], Value::Null, "{answer}");
    let range = json!({ "start": pos, "end": pos });
    let answer = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": doc, "range": range, "context": { "diagnostics": [] } }),
    );
    assert_eq!(answer["result"], Value::Null, "{answer}");
    let answer = c.request("textDocument/diagnostic", json!({ "textDocument": doc }));
    assert_eq!(answer["error"]["code"], -32602, "{answer}");
    // Changes and closes of unknown documents are ignored.
    c.change("file:///nowhere/main.tf", 2, json!([{ "text": BUCKET }]));
    c.notify("textDocument/didClose", json!({ "textDocument": doc }));
    still_serving(&mut c);
    assert_eq!(c.shutdown_and_exit(), Some(0));
}

#[test]
fn ranges_out_of_bounds_or_reversed() {
    let mut c = Client::initialized(json!({}));
    let uri = file_uri("/onus-faults/r/main.tf");
    c.open(&uri, "terraform", BUCKET);
    assert!(has(&c.diagnostics(&uri, 1), "s3-public-acl"));
    let doc = json!({ "uri": uri });
    for (start, end) in [((9999, 9999), (99999, 0)), ((2, 0), (0, 0)), ((0, 4_000_000_000u64), (1, 0))] {
        let range = json!({ "start": { "line": start.0, "character": start.1 },
                            "end": { "line": end.0, "character": end.1 } });
        let answer = c.request(
            "textDocument/codeAction",
            json!({ "textDocument": doc, "range": range, "context": { "diagnostics": [] } }),
        );
        assert!(answer.get("error").is_none(), "{answer}");
        let answer = c.request("textDocument/hover", json!({ "textDocument": doc, "position": range["start"] }));
        assert!(answer.get("error").is_none(), "{answer}");
    }
    // A reversed change range is put in order: lines 1..2 (the acl line) replaced.
    let r = json!({ "start": { "line": 2, "character": 0 }, "end": { "line": 1, "character": 0 } });
    c.change(&uri, 2, json!([{ "range": r, "text": "  acl = \"private\"\n" }]));
    assert!(!has(&c.diagnostics(&uri, 2), "s3-public-acl"));
    // Past the end: appended at the end.
    let r = json!({ "start": { "line": 70, "character": 9 }, "end": { "line": 80, "character": 0 } });
    c.change(&uri, 3, json!([{ "range": r, "text": "# end\n" }]));
    let d = c.diagnostics(&uri, 3);
    assert!(!has(&d, "s3-public-acl") && !has(&d, "syntax-error"), "{d:?}");
    assert_eq!(c.shutdown_and_exit(), Some(0));
}

#[test]
fn did_change_with_a_skipped_or_repeated_version() {
    let mut c = Client::initialized(json!({}));
    let uri = file_uri("/onus-faults/v/main.tf");
    c.open(&uri, "terraform", BUCKET);
    assert!(has(&c.diagnostics(&uri, 1), "s3-public-acl"));
    // Skipped versions (1 -> 5) are applied: versions only have to grow.
    c.change(&uri, 5, json!([{ "text": PRIVATE }]));
    assert!(!has(&c.diagnostics(&uri, 5), "s3-public-acl"));
    // A repeated (or older) version is stale: ignored, the text stays that of version 5.
    c.change(&uri, 5, json!([{ "text": BUCKET }]));
    c.change(&uri, 3, json!([{ "text": BUCKET }]));
    let answer = c.request("textDocument/diagnostic", json!({ "textDocument": { "uri": uri } }));
    let items = answer["result"]["items"].as_array().unwrap().clone();
    assert!(!has(&items, "s3-public-acl"), "a stale change was applied: {answer}");
    c.change(&uri, 6, json!([{ "text": BUCKET }]));
    assert!(has(&c.diagnostics(&uri, 6), "s3-public-acl"));
    assert_eq!(c.shutdown_and_exit(), Some(0));
}

#[test]
fn cancel_request() {
    let mut c = Client::initialized(json!({}));
    let uri = file_uri("/onus-faults/c/main.tf");
    c.open(&uri, "terraform", &BUCKET.repeat(2000));
    // Cancel a request at once: the answer is either its result or RequestCancelled, never nothing.
    let id = c.send_request("textDocument/codeLens", json!({ "textDocument": { "uri": uri } }));
    c.notify("$/cancelRequest", json!({ "id": id }));
    let answer = c.wait_for(|m| m["id"] == id && m.get("method").is_none()).expect("an answer to a cancelled request");
    assert!(answer.get("result").is_some() || answer["error"]["code"] == -32800, "{answer}");
    // Cancelling what is unknown or already answered does nothing.
    c.notify("$/cancelRequest", json!({ "id": 424242 }));
    c.notify("$/cancelRequest", json!({ "id": id }));
    c.notify("$/cancelRequest", json!({ "nonsense": true }));
    still_serving(&mut c);
    assert_eq!(c.shutdown_and_exit(), Some(0));
}

#[test]
fn before_initialize() {
    let mut c = Client::start();
    let answer = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": "file:///a.tf" },
                                                          "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(answer["error"]["code"], -32002, "{answer}");
    let answer = c.request("shutdown", Value::Null);
    assert_eq!(answer["error"]["code"], -32002, "{answer}");
    // Notifications before initialize are dropped: this open is not remembered.
    c.open("file:///onus-faults/b/main.tf", "terraform", BUCKET);
    let answer = c.request("initialize", json!({ "processId": null, "rootUri": null, "capabilities": {} }));
    assert!(answer.get("result").is_some(), "{answer}");
    c.notify("initialized", json!({}));
    let answer =
        c.request("textDocument/diagnostic", json!({ "textDocument": { "uri": "file:///onus-faults/b/main.tf" } }));
    assert_eq!(answer["error"]["code"], -32602, "{answer}");
    assert_eq!(c.shutdown_and_exit(), Some(0));

    // `exit` before initialize: exit code 1.
    let mut c = Client::start();
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(), Some(1));
}

#[test]
fn after_shutdown() {
    let mut c = Client::initialized(json!({}));
    let uri = file_uri("/onus-faults/s/main.tf");
    c.open(&uri, "terraform", BUCKET);
    c.diagnostics(&uri, 1);
    let answer = c.request("shutdown", Value::Null);
    assert!(answer.get("error").is_none(), "{answer}");
    // Every request after shutdown is an invalid request; notifications are ignored.
    let answer = c.request("textDocument/diagnostic", json!({ "textDocument": { "uri": uri } }));
    assert_eq!(answer["error"]["code"], -32600, "{answer}");
    let answer = c.request("shutdown", Value::Null);
    assert_eq!(answer["error"]["code"], -32600, "{answer}");
    c.change(&uri, 2, json!([{ "text": PRIVATE }]));
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(), Some(0));
}

#[test]
fn the_client_dying() {
    // Mid-message: half a header, then the pipe closes.
    let mut c = Client::initialized(json!({}));
    c.send_raw(b"Content-Len");
    c.close_stdin();
    assert_eq!(c.wait_exit(), Some(1));
    // Mid-body.
    let mut c = Client::initialized(json!({}));
    c.send_raw(b"Content-Length: 100\r\n\r\n{\"jsonrpc\"");
    c.close_stdin();
    assert_eq!(c.wait_exit(), Some(1));
    // While a document is being analysed.
    let mut c = Client::initialized(json!({}));
    c.open(&file_uri("/onus-faults/d/main.tf"), "terraform", &BUCKET.repeat(5000));
    c.close_stdin();
    assert_eq!(c.wait_exit(), Some(1));
    // After shutdown, the end of input is a clean exit.
    let mut c = Client::initialized(json!({}));
    assert!(c.request("shutdown", Value::Null).get("error").is_none());
    c.close_stdin();
    assert_eq!(c.wait_exit(), Some(0));
}
