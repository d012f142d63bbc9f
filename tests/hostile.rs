//! Hostile files, through `onus check` and `onus lsp`: huge, deep, long-lined, binary, not UTF-8, symlink loops,
//! module sources pointing out of the workspace. Each is answered in bounded time with a diagnostic or an error,
//! never a crash, and nothing outside the workspace is read.
//!
//! The bounds here guard against hangs (the cases run in parallel, each a process or two on this 2-core machine);
//! the speed target, 2 s for each file in an optimised build, is measured by `cargo bench -p onus --bench
//! hostile_files`.

mod support;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::hostile::{hostile_texts, ten_broken_megabytes, ten_megabytes, BUCKET};
use support::{codes, Client};

const LIMIT: Duration = Duration::from_secs(if cfg!(debug_assertions) { 15 } else { 2 });
/// The 10 MB files: ~70,000 resources, read and analysed in linear time (the quadratic lookups this test found
/// are gone); a debug build runs all that unoptimised: a wider bound there.
const BIG_LIMIT: Duration = Duration::from_secs(if cfg!(debug_assertions) { 60 } else { 4 });

fn limit(name: &str) -> Duration {
    if name.starts_with("ten-mb") {
        BIG_LIMIT
    } else {
        LIMIT
    }
}

fn check(args: &[&str], dir: &Path) -> (Output, Duration) {
    let start = Instant::now();
    let out = Command::new(support::onus()).arg("check").args(args).current_dir(dir).output().expect("run onus");
    (out, start.elapsed())
}

fn assert_no_crash(out: &Output, what: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(0..=2)), "{what}: {:?}\n{stderr}", out.status);
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
}

#[test]
fn hostile_terraform_files_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let mut texts = hostile_texts();
    texts.push(("ten-mb", ten_megabytes()));
    texts.push(("ten-mb-broken", ten_broken_megabytes()));
    for (name, text) in texts {
        let sub = dir.path().join(name);
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("main.tf"), &text).unwrap();
        let (out, took) = check(&["--format", "json", name], dir.path());
        assert_no_crash(&out, name);
        assert!(took < limit(name), "{name} took {took:?}");
        let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{name}: {e}"));
        if name == "long-line" || name == "nul" || name == "ten-mb" {
            assert!(findings.iter().any(|f| f["rule"] == "s3-public-acl"), "{name}: the rest is still analysed");
        }
        if name == "ten-mb-broken" {
            // Each broken block is read alone, the first 50 are analysed and reported, then one error says how
            // many more there are (a block that parses would still be analysed).
            let errors: Vec<&Value> = findings.iter().filter(|f| f["rule"] == "syntax-error").collect();
            assert_eq!(errors.len(), 51, "{name}: {} syntax errors", errors.len());
            assert_eq!((errors[0]["line"].as_u64(), errors[1]["line"].as_u64()), (Some(5), Some(13)), "{name}");
            assert!(errors[50]["message"].as_str().unwrap_or("").contains("more syntax errors"), "{name}");
            let public = findings.iter().filter(|f| f["rule"] == "s3-public-acl").count();
            assert_eq!(public, 50, "{name}: the blocks around the first 50 errors are analysed");
        }
    }
}

#[test]
fn deep_yaml_and_json_templates_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = format!(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  X:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags: {}1{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let mut block = String::from("AWSTemplateFormatVersion: '2010-09-09'\nMetadata:\n");
    for i in 0..3_000 {
        block.push_str(&" ".repeat(2 * (i + 1)));
        block.push_str("k:\n");
    }
    let json = format!(
        "{{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Metadata\": {}1{}}}",
        "{\"a\":".repeat(10_000),
        "}".repeat(10_000)
    );
    let json_lists = format!(
        "{{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Metadata\": {}1{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let long_line = format!(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: {}\n      AccessControl: PublicRead\n",
        "x".repeat(1 << 20)
    );
    // Indentation past what tree-sitter-yaml's scanner keeps in 16 bits.
    let wide = format!(
        "AWSTemplateFormatVersion: '2010-09-09'\nMetadata:\n{}k: v\n{}j: w\n",
        " ".repeat(40_000),
        " ".repeat(70_000)
    );
    let long_json = format!(
        "{{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {{\"B\": {{\"Type\": \"AWS::S3::Bucket\", \"Properties\": {{\"BucketName\": \"{}\", \"AccessControl\": \"PublicRead\"}}}}}}}}",
        "x".repeat(1 << 20)
    );
    let cases = [
        ("flow.yaml", yaml),
        ("block.yaml", block),
        ("deep.json", json),
        ("lists.json", json_lists),
        ("long-line.yaml", long_line),
        ("wide.yaml", wide),
        ("long-line.json", long_json),
    ];
    for (name, text) in cases {
        std::fs::write(dir.path().join(name), text).unwrap();
        let (out, took) = check(&["--format", "json", name], dir.path());
        assert_no_crash(&out, name);
        assert!(took < LIMIT, "{name} took {took:?}");
        let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{name}: {e}"));
        if name.starts_with("long-line") {
            assert!(findings.iter().any(|f| f["rule"] == "s3-public-acl"), "{name}: {findings:?}");
        }
        if name == "block.yaml" {
            assert!(findings.iter().any(|f| f["rule"] == "nesting-too-deep"), "{name}: {findings:?}");
        }
    }
}

#[test]
fn a_file_over_the_parse_limit_is_reported_not_parsed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), BUCKET.repeat(17 * 1024 * 1024 / BUCKET.len() + 1)).unwrap();
    let (out, took) = check(&["--format", "json", "."], dir.path());
    assert_no_crash(&out, "17 MB");
    assert!(took < LIMIT, "took {took:?}");
    let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(findings.iter().any(|f| f["rule"] == "file-too-large"), "{findings:?}");
}

#[test]
fn invalid_utf8_and_nul_bytes_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.tf"), b"resource \"aws_s3_bucket\" \"b\" {\n  acl = \"\xff\xfe\"\n}\n")
        .unwrap();
    std::fs::write(dir.path().join("binary.tf"), [0u8, 159, 146, 150, 0, 0, 255]).unwrap();
    std::fs::create_dir(dir.path().join("ok")).unwrap();
    std::fs::write(dir.path().join("ok/main.tf"), BUCKET).unwrap();
    let (out, took) = check(&["--format", "json", "."], dir.path());
    assert!(took < LIMIT);
    // An I/O error (exit 2), named on stderr; the other files are still checked.
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.tf") && stderr.contains("binary.tf"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(findings.iter().any(|f| f["rule"] == "s3-public-acl"), "{findings:?}");
}

#[cfg(unix)]
#[test]
fn symlink_loops_in_the_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    std::fs::create_dir_all(ws.join("a/b")).unwrap();
    std::fs::write(ws.join("a/b/main.tf"), BUCKET).unwrap();
    std::os::unix::fs::symlink(&ws, ws.join("a/b/up")).unwrap();
    std::os::unix::fs::symlink("self", ws.join("self")).unwrap();
    std::os::unix::fs::symlink(ws.join("x2"), ws.join("x1")).unwrap();
    std::os::unix::fs::symlink(ws.join("x1"), ws.join("x2")).unwrap();
    std::os::unix::fs::symlink(ws.join("a/b/main.tf"), ws.join("link.tf")).unwrap();
    let (out, took) = check(&["--format", "json", "ws"], dir.path());
    assert_no_crash(&out, "symlink loops");
    assert!(took < LIMIT, "took {took:?}");
    let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    // Found once, through the real path only: no link followed.
    assert_eq!(findings.iter().filter(|f| f["rule"] == "s3-public-acl").count(), 1, "{findings:?}");

    // The language server indexes the same folder without following the loops, and keeps serving.
    let mut c = Client::start();
    let root = format!("file://{}", ws.display());
    let answer = c.request("initialize", json!({ "processId": null, "rootUri": root, "capabilities": {} }));
    assert!(answer.get("result").is_some());
    c.notify("initialized", json!({}));
    let uri = format!("file://{}/a/b/other.tf", ws.display());
    let start = Instant::now();
    c.open(&uri, "terraform", "variable \"x\" {}\n");
    c.diagnostics(&uri, 1);
    assert!(start.elapsed() < LIMIT);
    assert_eq!(c.shutdown_and_exit(), Some(0));
}

#[test]
fn hostile_documents_over_the_protocol() {
    let mut c = Client::initialized(json!({}));
    let mut texts = hostile_texts();
    texts.push(("ten-mb", ten_megabytes()));
    for (i, (name, text)) in texts.into_iter().enumerate() {
        let uri = format!("file:///onus-hostile/{i}/main.tf");
        let start = Instant::now();
        c.open(&uri, "terraform", &text);
        let published = |version: i64| {
            let uri = uri.clone();
            move |m: &Value| {
                m["method"] == "textDocument/publishDiagnostics"
                    && m["params"]["uri"] == uri.as_str()
                    && m["params"]["version"] == version
            }
        };
        let diags = c.wait_for_within(limit(name), published(1)).unwrap_or_else(|| panic!("{name}: no diagnostics"));
        let diags = diags["params"]["diagnostics"].as_array().unwrap().clone();
        assert!(start.elapsed() < limit(name), "{name} took {:?}", start.elapsed());
        if name == "long-line" || name == "nul" {
            assert!(codes(&diags).iter().any(|c| c == "s3-public-acl"), "{name}: {diags:?}");
        }
        if name == "ten-mb" {
            // 328k findings: the editor gets the 5,000 most severe and a note saying how many more there are.
            assert_eq!(diags.len(), 5_001, "{name}");
            assert!(codes(&diags[..5_000]).iter().all(|c| c == "s3-public-acl" || c.starts_with("s3-pab")), "{name}");
            assert_eq!(diags[5_000]["code"], "more-findings", "{name}");
            // Re-analysing 10 MB once more only costs time in a debug build.
            c.notify("textDocument/didClose", json!({ "textDocument": { "uri": uri } }));
            continue;
        }
        // An edit at the end of it is analysed too.
        let end = json!({ "line": 1_000_000, "character": 0 });
        c.change(&uri, 2, json!([{ "range": { "start": end, "end": end }, "text": "\n# more\n" }]));
        c.wait_for_within(limit(name), published(2)).unwrap_or_else(|| panic!("{name}: no diagnostics after an edit"));
        c.notify("textDocument/didClose", json!({ "textDocument": { "uri": uri } }));
    }
    let answer = c.request("onus/stillThere", json!({}));
    assert_eq!(answer["error"]["code"], -32601);
    assert_eq!(c.shutdown_and_exit(), Some(0));
}

#[test]
fn module_sources_outside_the_workspace_are_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    let (ws, outside) = (dir.path().join("ws"), dir.path().join("outside"));
    std::fs::create_dir_all(&ws).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    // Outside the workspace: a file that would raise a finding if onus read it.
    std::fs::write(outside.join("main.tf"), BUCKET).unwrap();
    let main = "module \"up\" {\n  source = \"../outside\"\n}\n\nmodule \"etc\" {\n  source = \"../../../../etc\"\n}\n\nmodule \"abs\" {\n  source = \"/etc\"\n}\n";
    std::fs::write(ws.join("main.tf"), main).unwrap();
    let (out, took) = check(&["--format", "json", "."], &ws);
    assert_no_crash(&out, "module sources");
    assert!(took < LIMIT);
    let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        findings.iter().all(|f| f["path"].as_str().is_some_and(|p| !p.contains("outside") && !p.starts_with("/etc"))),
        "{findings:?}"
    );
    assert!(!findings.iter().any(|f| f["rule"] == "s3-public-acl"), "the outside module was read: {findings:?}");

    let mut c = Client::start();
    let root = format!("file://{}", ws.display());
    let answer = c.request("initialize", json!({ "processId": null, "rootUri": root, "capabilities": {} }));
    assert!(answer.get("result").is_some());
    c.notify("initialized", json!({}));
    let uri = format!("file://{}/main.tf", ws.display());
    c.open(&uri, "terraform", main);
    let diags = c.diagnostics(&uri, 1);
    assert!(!codes(&diags).iter().any(|c| c == "s3-public-acl"), "{diags:?}");
    // Nothing is ever published for a file outside the workspace.
    let stray = c.wait_for_within(Duration::from_secs(1), |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && !m["params"]["uri"].as_str().unwrap_or("").starts_with(&root)
    });
    assert!(stray.is_none(), "{stray:?}");
    // A file outside the workspace that the client opens is analysed, but its folder is not read: a variable
    // default there would make this a finding.
    std::fs::write(outside.join("vars.tf"), "variable \"acl\" {\n  default = \"public-read\"\n}\n").unwrap();
    let other = format!("file://{}/other.tf", outside.display());
    c.open(&other, "terraform", "resource \"aws_s3_bucket\" \"o\" {\n  acl = var.acl\n}\n");
    let diags = c.diagnostics(&other, 1);
    assert!(!codes(&diags).iter().any(|c| c == "s3-public-acl"), "a sibling outside the workspace was read: {diags:?}");
    // Nor is a watched file outside the workspace, whatever the client says.
    let change = json!({ "changes": [{ "uri": format!("file://{}/vars.tf", outside.display()), "type": 2 }] });
    c.notify("workspace/didChangeWatchedFiles", change);
    c.change(&other, 2, json!([{ "text": "resource \"aws_s3_bucket\" \"o\" {\n  acl = var.acl\n}\n\n" }]));
    let diags = c.diagnostics(&other, 2);
    assert!(
        !codes(&diags).iter().any(|c| c == "s3-public-acl"),
        "a watched file outside the workspace was read: {diags:?}"
    );
    assert_eq!(c.shutdown_and_exit(), Some(0));
}

/// onus never executes or downloads, and writes only what it is asked to and its own rule pages: none of the
/// APIs that would (spawning a process, opening a socket, creating, writing or removing a file) appears in its
/// sources, but for the writes of files the user named (`check --fix`, `--create-baseline`, `report --html`),
/// each in its own function, and the rule pages (`docs::write_pages`, into the cache folder or `docs --out`).
#[test]
fn the_sources_use_no_api_that_executes_downloads_or_writes() {
    const FORBIDDEN: &[&str] = &[
        "process::Command",
        "Command::new",
        "TcpStream",
        "TcpListener",
        "UdpSocket",
        "UnixStream",
        "fs::write",
        "File::create",
        "OpenOptions",
        "remove_file",
        "remove_dir",
        "create_dir",
        "fs::rename",
        "fs::copy",
        "set_permissions",
    ];
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    let mut dirs = vec![repo.join("analysis/src"), repo.join("server/src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                files.push(p);
            }
        }
    }
    assert!(files.len() > 50, "{files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        // Unit tests may write temporary files; the shipped code may not.
        let shipped = text.split("#[cfg(test)]").next().unwrap_or("");
        // The writes the CLI makes, each of a file the user named: the fixed files (`--fix`), the baseline
        // (`--create-baseline`), the report (`onus report --html`). Each function writes once; nothing else writes.
        let writers: Vec<(usize, usize)> = if file.ends_with("server/src/check/mod.rs") {
            ["\nfn fix(", "\nfn create_baseline(", "\nfn write_report("]
                .iter()
                .map(|head| {
                    let start = shipped.find(head).unwrap_or_else(|| panic!("check has {head}"));
                    let end = shipped[start + 1..].find("\nfn ").map_or(shipped.len(), |i| start + 1 + i);
                    (start, end)
                })
                .collect()
        } else {
            Vec::new()
        };
        // The rule pages are written into a folder of their own, placed whole by a rename (partial folder
        // removed): that function alone may create, rename and remove, and only there.
        let pages = file.ends_with("server/src/docs.rs").then(|| {
            let start = shipped.find("\npub fn write_pages(").expect("docs has write_pages");
            let end = shipped[start + 1..].find("\nfn ").map_or(shipped.len(), |i| start + 1 + i);
            (start, end)
        });
        for api in FORBIDDEN {
            for (at, _) in shipped.match_indices(api) {
                let sanctioned = (*api == "fs::write" && writers.iter().any(|(s, e)| *s < at && at < *e))
                    || (["fs::write", "create_dir", "fs::rename", "remove_dir"].contains(api)
                        && pages.is_some_and(|(s, e)| s < at && at < e));
                assert!(sanctioned, "{} uses {api}", file.display());
            }
        }
        for (start, end) in writers {
            assert_eq!(shipped[start..end].matches("fs::write").count(), 1, "one write, of the file named");
        }
    }
    // And no dependency that talks to the network.
    let lock = std::fs::read_to_string(repo.join("Cargo.lock")).unwrap();
    for net in ["name = \"reqwest\"", "name = \"hyper\"", "name = \"ureq\"", "name = \"curl\""] {
        assert!(!lock.contains(net), "Cargo.lock has {net}");
    }
}
