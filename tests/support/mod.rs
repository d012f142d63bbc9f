//! A minimal LSP client over the real `onus lsp` process, as an editor drives it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub mod hostile;

pub const TIMEOUT: Duration = Duration::from_secs(20);

/// The `onus` binary: this build's, or for a benchmark that compares two builds in one run (this machine is
/// noisy: only ratios measured side by side hold), the one `ONUS_BENCH_BINARY` names.
pub fn onus() -> &'static str {
    static BINARY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BINARY.get_or_init(|| std::env::var("ONUS_BENCH_BINARY").unwrap_or_else(|_| env!("CARGO_BIN_EXE_onus").into()))
}

pub struct Client {
    pub child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<(Instant, Value)>,
    /// Messages received while waiting for something else.
    pub backlog: Vec<Value>,
    /// When each message of the backlog arrived.
    backlog_arrivals: Vec<Instant>,
    /// When the message the last wait returned arrived (its first header line).
    pub last_arrival: Option<Instant>,
    next_id: i64,
}

/// Frames one message.
pub fn frame(msg: &Value) -> Vec<u8> {
    let body = serde_json::to_vec(msg).unwrap();
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend(body);
    out
}

/// The next message, and when its first header line arrived (what a latency is measured to: the client has
/// the message's first bytes then, whatever it takes to read the rest).
fn read_message(reader: &mut impl BufRead) -> Option<(Instant, Value)> {
    let mut length = None;
    let mut arrived = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        arrived.get_or_insert_with(Instant::now);
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            length = v.trim().parse().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    Some((arrived?, serde_json::from_slice(&body).ok()?))
}

impl Client {
    /// Starts `onus lsp`, its rule pages cached under the test target's temporary folder (not the user's).
    pub fn start() -> Client {
        Client::start_binary(onus())
    }

    /// Starts the `onus lsp` of the binary at `path` (a benchmark's other build), as [`Client::start`] does.
    pub fn start_binary(path: &str) -> Client {
        let mut command = Command::new(path);
        command.env("ONUS_CACHE_DIR", Path::new(env!("CARGO_TARGET_TMPDIR")).join("onus-cache"));
        Client::start_command(command)
    }

    /// Starts the server `command` runs (with `lsp` added).
    pub fn start_command(mut command: Command) -> Client {
        let mut child = command
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start onus lsp");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut reader) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        Client {
            child,
            stdin,
            incoming: rx,
            backlog: Vec::new(),
            backlog_arrivals: Vec::new(),
            last_arrival: None,
            next_id: 1,
        }
    }

    /// Starts the server and initializes it with the given client capabilities.
    pub fn initialized(capabilities: Value) -> Client {
        Client::initialized_binary(onus(), capabilities)
    }

    /// [`Client::initialized`], with the binary at `path`.
    pub fn initialized_binary(path: &str, capabilities: Value) -> Client {
        let mut c = Client::start_binary(path);
        let answer =
            c.request("initialize", json!({ "processId": null, "rootUri": null, "capabilities": capabilities }));
        assert!(answer.get("result").is_some(), "initialize failed: {answer}");
        c.notify("initialized", json!({}));
        c
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    pub fn send(&mut self, msg: Value) {
        self.send_raw(&frame(&msg));
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    /// Sends a request and waits for its response (the whole message, with `result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.wait_for(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none())
            .unwrap_or_else(|| panic!("no answer to {method}"))
    }

    /// Waits for a message matching `pred` (looking at the backlog first).
    pub fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Option<Value> {
        self.wait_for_within(TIMEOUT, pred)
    }

    /// Waits at most `timeout` for a message matching `pred` (looking at the backlog first).
    pub fn wait_for_within(&mut self, timeout: Duration, pred: impl Fn(&Value) -> bool) -> Option<Value> {
        if let Some(i) = self.backlog.iter().position(&pred) {
            self.last_arrival = Some(self.backlog_arrivals.remove(i));
            return Some(self.backlog.remove(i));
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            match self.incoming.recv_timeout(left) {
                Ok((arrived, msg)) if pred(&msg) => {
                    self.last_arrival = Some(arrived);
                    return Some(msg);
                }
                Ok((arrived, msg)) => {
                    self.backlog.push(msg);
                    self.backlog_arrivals.push(arrived);
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
            }
        }
    }

    /// The diagnostics published for `uri` at `version`.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let msg = self
            .wait_for(|m| {
                m["method"] == "textDocument/publishDiagnostics"
                    && m["params"]["uri"] == uri
                    && m["params"]["version"] == json!(version)
            })
            .unwrap_or_else(|| panic!("no diagnostics for {uri} version {version}; backlog: {:?}", self.backlog));
        msg["params"]["diagnostics"].as_array().unwrap().clone()
    }

    pub fn open(&mut self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": language, "version": 1, "text": text } }),
        );
    }

    pub fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
        );
    }

    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Waits for the process to end and returns its exit code.
    pub fn wait_exit(&mut self) -> Option<i32> {
        let deadline = Instant::now() + TIMEOUT;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    pub fn shutdown_and_exit(&mut self) -> Option<i32> {
        let answer = self.request("shutdown", Value::Null);
        assert!(answer.get("error").is_none(), "{answer}");
        self.notify("exit", Value::Null);
        self.wait_exit()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The rule codes of a list of LSP diagnostics.
pub fn codes(diags: &[Value]) -> Vec<String> {
    diags.iter().map(|d| d["code"].as_str().unwrap_or("").to_string()).collect()
}

/// A position (line, character) in the given range object.
pub fn start_of(d: &Value) -> (u64, u64) {
    (d["range"]["start"]["line"].as_u64().unwrap(), d["range"]["start"]["character"].as_u64().unwrap())
}

/// A `file://` URI for a path (the files need not exist).
pub fn file_uri(path: &str) -> String {
    format!("file://{path}")
}

/// A `/proc/PID/status` field in KiB (`VmRSS:`, `VmHWM:`), 0 when unreadable: the benchmarks' memory figures.
/// The CPU time all threads of process `pid` have run, in nanoseconds (the first field of each thread's
/// `/proc/PID/task/TID/schedstat`); 0 where /proc does not say.
pub fn cpu_ns(pid: u32) -> u64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return 0 };
    tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

pub fn status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}
