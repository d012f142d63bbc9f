//! End to end: the real `onus lsp` process, driven over stdio as an editor drives it.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::{codes, file_uri, start_of, Client};

/// The rules these tests exercise. The catalog grows; these tests are about the protocol, so they look only at
/// these rules' findings (and syntax errors).
const FOCUS: &[&str] = &["s3-public-acl", "s3-public-write-acl", "rds-storage-unencrypted", "syntax-error"];

fn focus(diags: Vec<Value>) -> Vec<Value> {
    diags.into_iter().filter(|d| FOCUS.contains(&d["code"].as_str().unwrap_or(""))).collect()
}

const BUCKET: &str = "resource \"aws_s3_bucket\" \"b\" {\n  acl = \"public-read\"\n}\n";

/// Applies LSP text edits (UTF-16 positions) to `text`, as a client does.
fn apply_edits(text: &str, edits: &[Value]) -> String {
    let offset = |pos: &Value| -> usize {
        let (line, ch) = (pos["line"].as_u64().unwrap() as usize, pos["character"].as_u64().unwrap() as usize);
        let mut at = 0;
        for (i, l) in text.split_inclusive('\n').enumerate() {
            if i == line {
                let mut units = 0;
                for (b, c) in l.char_indices() {
                    if units >= ch || c == '\n' || c == '\r' {
                        return at + b;
                    }
                    units += c.len_utf16();
                }
                return at + l.trim_end_matches(['\n', '\r']).len();
            }
            at += l.len();
        }
        text.len()
    };
    let mut edits: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| (offset(&e["range"]["start"]), offset(&e["range"]["end"]), e["newText"].as_str().unwrap().to_string()))
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (s, e, t) in edits {
        out.replace_range(s..e, &t);
    }
    out
}

#[test]
fn initialize_advertises_incremental_sync_and_negotiates_the_encoding() {
    let mut c = Client::start();
    let answer = c.request("initialize", json!({ "processId": null, "capabilities": {} }));
    let caps = &answer["result"]["capabilities"];
    assert_eq!(caps["textDocumentSync"]["change"], 2, "{caps}");
    assert_eq!(caps["positionEncoding"], "utf-16");
    // A client that cannot pull diagnostics is pushed them, and offered no provider (see below for one that can).
    assert!(caps.get("diagnosticProvider").is_none(), "{caps}");
    assert_eq!(c.shutdown_and_exit(), Some(0));

    let mut c = Client::start();
    let answer = c.request(
        "initialize",
        json!({ "processId": null, "capabilities": { "general": { "positionEncodings": ["utf-8", "utf-16"] } } }),
    );
    assert_eq!(answer["result"]["capabilities"]["positionEncoding"], "utf-8");
}

#[test]
fn diagnostics_follow_incremental_edits() {
    let mut c = Client::initialized(json!({}));
    let uri = file_uri("/onus-e2e/a/main.tf");
    c.open(&uri, "terraform", BUCKET);
    let diags = focus(c.diagnostics(&uri, 1));
    assert_eq!(codes(&diags), ["s3-public-acl"]);
    assert_eq!(start_of(&diags[0]), (1, 2));
    assert_eq!(diags[0]["source"], "onus");
    let href = diags[0]["codeDescription"]["href"].as_str().unwrap_or_else(|| panic!("{diags:?}"));
    assert!(href.starts_with("file://") && href.ends_with("/s3-public-acl.md"), "{href}");
    assert!(diags[0]["message"].as_str().unwrap().contains("[data-sharing]"));

    // `public-read` -> `private`: the finding goes.
    let r = json!({ "start": { "line": 1, "character": 9 }, "end": { "line": 1, "character": 20 } });
    c.change(&uri, 2, json!([{ "range": r, "text": "private" }]));
    assert!(focus(c.diagnostics(&uri, 2)).is_empty());

    // Two changes in one notification, the first with multi-byte and astral characters before the finding:
    // the second change's positions are counted in UTF-16 on the text the first produced.
    let comment = "# é日本😀\n";
    let changes = json!([
        { "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "text": comment },
        { "range": { "start": { "line": 2, "character": 9 }, "end": { "line": 2, "character": 16 } }, "text": "public-read-write" },
    ]);
    c.change(&uri, 3, changes);
    let diags = focus(c.diagnostics(&uri, 3));
    assert_eq!(codes(&diags), ["s3-public-write-acl"]);
    assert_eq!(start_of(&diags[0]), (2, 2));
    assert_eq!(diags[0]["range"]["end"], json!({ "line": 2, "character": 27 }));

    // A change on the comment's line: characters after 😀 count two UTF-16 units for it.
    let r = json!({ "start": { "line": 0, "character": 7 }, "end": { "line": 0, "character": 7 } });
    c.change(&uri, 4, json!([{ "range": r, "text": "!" }]));
    assert_eq!(codes(&focus(c.diagnostics(&uri, 4))), ["s3-public-write-acl"]);
    let pulled = c.request("textDocument/diagnostic", json!({ "textDocument": { "uri": uri } }));
    assert_eq!(pulled["result"]["kind"], "full");
    assert_eq!(codes(&focus(pulled["result"]["items"].as_array().unwrap().clone())), ["s3-public-write-acl"]);

    // A stale version is ignored: the next real version still applies to the right text.
    c.change(&uri, 4, json!([{ "text": "garbage {{{" }]));
    c.change(&uri, 5, json!([{ "text": BUCKET }]));
    assert_eq!(codes(&focus(c.diagnostics(&uri, 5))), ["s3-public-acl"]);
    assert_eq!(c.shutdown_and_exit(), Some(0));
}

#[test]
fn utf8_positions_and_crlf_line_endings() {
    let text = "resource \"aws_db_instance\" \"dé😀\" {\r\n  engine = \"postgres\"\r\n}\r\n";
    // The finding is the resource's header: its end counts é and 😀 in the negotiated encoding.
    let mut c = Client::initialized(json!({}));
    let uri = file_uri("/onus-e2e/b16/main.tf");
    c.open(&uri, "terraform", text);
    let diags = focus(c.diagnostics(&uri, 1));
    assert_eq!(diags[0]["range"]["end"], json!({ "line": 0, "character": 33 }));

    let mut c = Client::initialized(json!({ "general": { "positionEncodings": ["utf-8"] } }));
    let uri = file_uri("/onus-e2e/b8/main.tf");
    c.open(&uri, "terraform", text);
    let diags = focus(c.diagnostics(&uri, 1));
    assert_eq!(codes(&diags), ["rds-storage-unencrypted"]);
    assert_eq!(diags[0]["range"]["end"], json!({ "line": 0, "character": 36 }));
    // Byte columns: `é😀` is bytes 29..35 of the first line. Then a line inserted on the CRLF file.
    let rename = json!({ "start": { "line": 0, "character": 29 }, "end": { "line": 0, "character": 35 } });
    c.change(&uri, 2, json!([{ "range": rename, "text": "b" }]));
    let diags = focus(c.diagnostics(&uri, 2));
    assert_eq!(diags[0]["range"]["end"], json!({ "line": 0, "character": 31 }));
    let at = json!({ "start": { "line": 2, "character": 0 }, "end": { "line": 2, "character": 0 } });
    c.change(&uri, 3, json!([{ "range": at, "text": "  storage_encrypted = true\r\n" }]));
    assert!(focus(c.diagnostics(&uri, 3)).is_empty());
}

#[test]
fn a_quick_fix_removes_its_finding() {
    let mut c = Client::initialized(json!({}));
    let uri = file_uri("/onus-e2e/c/main.tf");
    let text = "resource \"aws_db_instance\" \"db\" {\n  engine = \"postgres\"\n}\n";
    c.open(&uri, "terraform", text);
    let diags = focus(c.diagnostics(&uri, 1));
    assert_eq!(codes(&diags), ["rds-storage-unencrypted"]);
    let answer = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": diags[0]["range"], "context": { "diagnostics": diags } }),
    );
    // Every finding on the header offers its fix and its suppression; this test follows the encryption one.
    let actions: Vec<&Value> = answer["result"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["diagnostics"][0]["code"] == "rds-storage-unencrypted")
        .collect();
    assert_eq!(actions.len(), 2, "the fix and the suppression: {answer}");
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["isPreferred"], true);
    let edits = actions[0]["edit"]["changes"][&uri].as_array().unwrap();
    let fixed = apply_edits(text, edits);
    assert_eq!(
        fixed,
        "resource \"aws_db_instance\" \"db\" {\n  engine = \"postgres\"\n  storage_encrypted = true\n}\n"
    );
    c.change(&uri, 2, json!([{ "text": fixed }]));
    assert!(focus(c.diagnostics(&uri, 2)).is_empty());
}

#[test]
fn syntax_errors_are_reported_and_the_rest_is_still_analysed() {
    let mut c = Client::initialized(json!({}));
    let uri = file_uri("/onus-e2e/d/main.tf");
    let text = format!("{BUCKET}\nresource \"aws_s3_bucket\" \"broken\" {{\n  acl = \n");
    c.open(&uri, "terraform", &text);
    let diags = focus(c.diagnostics(&uri, 1));
    let codes = codes(&diags);
    assert!(codes.contains(&"s3-public-acl".to_string()), "{diags:?}");
    assert!(codes.contains(&"syntax-error".to_string()), "{diags:?}");
}

#[test]
fn yaml_that_is_not_cloudformation_gets_no_diagnostics() {
    let mut c = Client::initialized(json!({}));
    let uri = file_uri("/onus-e2e/e/pod.yaml");
    c.open(&uri, "yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: [broken\n");
    assert!(focus(c.diagnostics(&uri, 1)).is_empty());
}

#[test]
fn bad_requests_get_errors_and_the_server_keeps_serving() {
    let mut c = Client::initialized(json!({}));
    let answer = c.request("onus/noSuchMethod", json!({}));
    assert_eq!(answer["error"]["code"], -32601, "{answer}");
    let answer = c.request("textDocument/diagnostic", json!({ "textDocument": { "uri": "file:///nowhere.tf" } }));
    assert!(answer.get("error").is_some(), "{answer}");
    let answer = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": "file:///nowhere.tf" },
                "range": { "start": { "line": 99, "character": 99 }, "end": { "line": 0, "character": 0 } },
                "context": { "diagnostics": [] } }),
    );
    assert!(answer.get("error").is_none(), "{answer}");
    // Out-of-range and reversed positions on an open document are clamped, not trusted.
    let uri = file_uri("/onus-e2e/f/main.tf");
    c.open(&uri, "terraform", BUCKET);
    focus(c.diagnostics(&uri, 1));
    let r = json!({ "start": { "line": 500, "character": 3 }, "end": { "line": 1, "character": 900 } });
    // Clamped and put in order, this is the end of line 1 to the end of the text: `\n}\n`, written again.
    c.change(&uri, 2, json!([{ "range": r, "text": "\n}\n" }]));
    assert_eq!(codes(&focus(c.diagnostics(&uri, 2))), ["s3-public-acl"]);
    assert_eq!(c.shutdown_and_exit(), Some(0));
}

#[test]
fn exit_codes_follow_the_spec() {
    let mut c = Client::initialized(json!({}));
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(), Some(1), "exit without shutdown");

    let mut c = Client::initialized(json!({}));
    c.close_stdin();
    assert_eq!(c.wait_exit(), Some(1), "client died");
}

/// A copy of the binary installed far from any checkout links each finding to its page, written from the
/// binary into the cache folder on first use and reused, unchanged, by the next server.
#[test]
fn an_installed_binary_links_to_pages_it_wrote_to_the_cache() {
    let home = tempfile::tempdir().unwrap();
    let installed = home.path().join("bin/onus");
    std::fs::create_dir_all(installed.parent().unwrap()).unwrap();
    std::fs::copy(support::onus(), &installed).unwrap();
    let cache = home.path().join("cache");
    let link = || {
        let mut command = std::process::Command::new(&installed);
        command.env_remove("ONUS_CACHE_DIR").env("XDG_CACHE_HOME", &cache).env("HOME", home.path());
        let mut c = Client::start_command(command);
        let answer = c.request("initialize", json!({ "processId": null, "capabilities": {} }));
        assert!(answer.get("result").is_some(), "{answer}");
        c.notify("initialized", json!({}));
        let uri = file_uri("/onus-e2e/installed/main.tf");
        c.open(&uri, "terraform", BUCKET);
        let diags = focus(c.diagnostics(&uri, 1));
        assert_eq!(c.shutdown_and_exit(), Some(0));
        let href = diags[0]["codeDescription"]["href"].as_str().unwrap_or_else(|| panic!("{diags:?}")).to_string();
        url_path(&href)
    };
    let page = link();
    assert!(page.starts_with(cache.join("onus")), "{}", page.display());
    let text = std::fs::read_to_string(&page).unwrap();
    assert!(text.starts_with("# s3-public-acl: "), "{text}");
    // The index links to every page beside it.
    let index = std::fs::read_to_string(page.with_file_name("README.md")).unwrap();
    assert!(index.contains("[s3-public-acl](s3-public-acl.md)"), "{index}");
    let written = std::fs::metadata(&page).unwrap().modified().unwrap();
    std::thread::sleep(Duration::from_millis(20));
    assert_eq!(link(), page, "the same binary uses the same folder");
    assert_eq!(std::fs::metadata(&page).unwrap().modified().unwrap(), written, "and does not write it again");
    let folders: Vec<_> = std::fs::read_dir(cache.join("onus")).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(folders.len(), 1, "{folders:?}");
}

/// The local path a `file://` URL names.
fn url_path(href: &str) -> std::path::PathBuf {
    let url = tower_lsp::lsp_types::Url::parse(href).unwrap_or_else(|e| panic!("{href}: {e}"));
    url.to_file_path().unwrap_or_else(|()| panic!("not a file URL: {href}"))
}

#[test]
fn hover_code_lens_and_the_suppression_action() {
    let mut c = Client::start();
    c.request(
        "initialize",
        json!({ "processId": null, "capabilities": {}, "initializationOptions": { "docsBaseUrl": "https://docs.example/rules" } }),
    );
    c.notify("initialized", json!({}));
    let uri = file_uri("/onus-e2e/g/main.tf");
    c.open(&uri, "terraform", BUCKET);
    let diags = focus(c.diagnostics(&uri, 1));
    assert_eq!(diags[0]["codeDescription"]["href"], "https://docs.example/rules/s3-public-acl.md");
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 12 } }),
    );
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.contains("AWS takes care of") && text.contains("✗"), "{text}");
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 4 } }),
    );
    assert!(hover["result"]["contents"]["value"].as_str().unwrap().contains("data-sharing"), "{hover}");
    let lenses = c.request("textDocument/codeLens", json!({ "textDocument": { "uri": uri } }));
    let title = lenses["result"][0]["command"]["title"].as_str().unwrap();
    assert!(title.contains("customer dut") && title.contains("open"), "{title}");

    let answer = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": diags[0]["range"], "context": { "diagnostics": diags } }),
    );
    let actions = answer["result"].as_array().unwrap();
    // The public ACL finding carries the public access block findings about it: one comment silences all three.
    let suppress = actions
        .iter()
        .find(|a| {
            a["title"]
                == "Suppress s3-public-acl, s3-pab-block-public-acls, s3-pab-ignore-public-acls for this resource"
        })
        .unwrap_or_else(|| panic!("{actions:?}"));
    assert_eq!(suppress["isPreferred"], false);
    let fixed = apply_edits(BUCKET, suppress["edit"]["changes"][&uri].as_array().unwrap());
    assert!(fixed.starts_with("# onus:ignore:s3-public-acl"), "{fixed}");
    c.change(&uri, 2, json!([{ "text": fixed }]));
    assert!(focus(c.diagnostics(&uri, 2)).is_empty());
}

/// A client that shows progress sees indexing begin, report how many files the worker took in, and end with the
/// count; the token is created first, and an open file is analysed without waiting for the end. A client that
/// does not declare the capability is sent none of it.
#[test]
fn indexing_is_reported_as_work_done_progress() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    for i in 0..1_250 {
        let folder = root.join(format!("m{}", i / 50));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join(format!("f{i}.tf")), format!("variable \"v{i}\" {{}}\n")).unwrap();
    }
    let root_uri = format!("file://{}", root.display());
    for shows in [true, false] {
        let mut c = Client::start();
        let caps = json!({ "window": { "workDoneProgress": shows } });
        c.request("initialize", json!({ "processId": null, "rootUri": root_uri, "capabilities": caps }));
        c.notify("initialized", json!({}));
        let uri = format!("{root_uri}/main.tf");
        c.open(&uri, "terraform", BUCKET);
        assert_eq!(codes(&focus(c.diagnostics(&uri, 1))), ["s3-public-acl"]);
        if !shows {
            let any = c.wait_for_within(Duration::from_secs(2), |m| {
                m["method"] == "window/workDoneProgress/create" || m["method"] == "$/progress"
            });
            assert!(any.is_none(), "progress sent to a client that does not show it: {any:?}");
            assert_eq!(c.shutdown_and_exit(), Some(0));
            continue;
        }
        let create = c.wait_for(|m| m["method"] == "window/workDoneProgress/create").expect("a token is created");
        let token = create["params"]["token"].clone();
        c.send(json!({ "jsonrpc": "2.0", "id": create["id"], "result": null }));
        let mut seen: Vec<(String, String)> = Vec::new();
        loop {
            let p = c.wait_for(|m| m["method"] == "$/progress").expect("progress until it ends");
            assert_eq!(p["params"]["token"], token);
            let value = &p["params"]["value"];
            let text = value["message"].as_str().or(value["title"].as_str()).unwrap_or("").to_string();
            seen.push((value["kind"].as_str().unwrap().to_string(), text));
            if value["kind"] == "end" {
                break;
            }
        }
        let kinds: Vec<&str> = seen.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(kinds, ["begin", "report", "end"], "{seen:?}");
        assert_eq!(seen[1].1, "1000 files");
        assert_eq!(seen[2].1, "1250 files indexed");
        assert_eq!(c.shutdown_and_exit(), Some(0));
    }
}

#[test]
fn the_workspace_is_indexed_and_the_configuration_reloads_live() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::write(root.join("variables.tf"), "variable \"acl\" {\n  default = \"public-read\"\n}\n").unwrap();
    let main_tf = root.join("main.tf");
    std::fs::write(&main_tf, "").unwrap();
    let root_uri = format!("file://{}", root.display());
    let mut c = Client::start();
    c.request("initialize", json!({ "processId": null, "rootUri": root_uri, "capabilities": {} }));
    c.notify("initialized", json!({}));
    let uri = format!("file://{}", main_tf.display());
    // The default comes from variables.tf on disk, never opened.
    c.open(&uri, "terraform", "resource \"aws_s3_bucket\" \"b\" {\n  acl = var.acl\n}\n");
    assert_eq!(codes(&focus(c.diagnostics(&uri, 1))), ["s3-public-acl"]);

    // Opening .onus.toml in the editor applies it as it is typed; its mistakes are shown on it.
    let config_uri = format!("file://{}/.onus.toml", root.display());
    c.open(&config_uri, "toml", "disable = [\"s3-public-acl\", \"no-such-rule\"]\n");
    let config_diags =
        c.wait_for(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == config_uri).unwrap();
    assert_eq!(config_diags["params"]["diagnostics"][0]["code"], "config-error");
    let diags = c
        .wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && focus(m["params"]["diagnostics"].as_array().unwrap().clone()).is_empty()
        })
        .expect("the disabled rule's finding goes away");
    assert_eq!(diags["params"]["version"], 1);
    c.change(&config_uri, 2, json!([{ "text": "disable = [" }]));
    let broken = c
        .wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == config_uri
                && m["params"]["diagnostics"][0]["message"].as_str().unwrap_or("").contains("defaults")
        })
        .expect("a malformed config is reported");
    assert_eq!(broken["params"]["diagnostics"][0]["severity"], 1);
    // ...and onus runs with its defaults: the finding is back.
    assert!(c
        .wait_for(|m| m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri
            && codes(&focus(m["params"]["diagnostics"].as_array().unwrap().clone())) == ["s3-public-acl"])
        .is_some());
}

#[test]
fn editor_rule_settings_apply_on_top_of_the_configuration() {
    let mut c = Client::start();
    c.request(
        "initialize",
        json!({ "processId": null, "capabilities": {},
                "initializationOptions": { "rules": { "disable": ["s3-public-acl"] } } }),
    );
    c.notify("initialized", json!({}));
    let uri = file_uri("/onus-e2e/settings/main.tf");
    c.open(
        &uri,
        "terraform",
        "resource \"aws_s3_bucket\" \"b\" {\n  acl = \"public-read\"\n}\nresource \"aws_db_instance\" \"d\" {}\n",
    );
    let diags = c.diagnostics(&uri, 1);
    assert!(diags.iter().all(|d| d["code"] != "s3-public-acl"), "{diags:?}");
    let rds = diags.iter().find(|d| d["code"] == "rds-storage-unencrypted").unwrap();
    assert_eq!(rds["severity"], 1);
    // Settings changed in the editor apply at once: the rule is back, and the other one is lowered to low.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "onus": { "rules": { "disable": [], "severity": { "rds-storage-unencrypted": "low" } } } } }),
    );
    let published = c
        .wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["diagnostics"].as_array().unwrap().iter().any(|d| d["code"] == "s3-public-acl")
        })
        .expect("the rule is enabled again");
    let diags = published["params"]["diagnostics"].as_array().unwrap();
    let rds = diags.iter().find(|d| d["code"] == "rds-storage-unencrypted").unwrap();
    assert_eq!(rds["severity"], 3, "low is shown as information");
    let message = rds["message"].as_str().unwrap();
    assert!(message.starts_with("low: "), "the message names the severity in force: {message}");
}

#[test]
fn cloudformation_templates_in_yaml_and_json() {
    let mut c = Client::initialized(json!({}));
    let yaml_uri = file_uri("/onus-e2e/cfn/template.yaml");
    let yaml = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Site:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n";
    c.open(&yaml_uri, "yaml", yaml);
    let diags = focus(c.diagnostics(&yaml_uri, 1));
    assert_eq!(codes(&diags), ["s3-public-acl"]);
    assert_eq!(start_of(&diags[0]), (5, 6));
    let answer = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": yaml_uri }, "range": diags[0]["range"], "context": { "diagnostics": diags } }),
    );
    let fix = answer["result"].as_array().unwrap().iter().find(|a| a["isPreferred"] == true).unwrap().clone();
    let fixed = apply_edits(yaml, fix["edit"]["changes"][&yaml_uri].as_array().unwrap());
    assert!(fixed.contains("AccessControl: Private"), "{fixed}");
    c.change(&yaml_uri, 2, json!([{ "text": fixed }]));
    assert!(focus(c.diagnostics(&yaml_uri, 2)).is_empty());

    let json_uri = file_uri("/onus-e2e/cfn/template.json");
    let json_text = "{\n  \"Resources\": {\n    \"Site\": {\n      \"Type\": \"AWS::S3::Bucket\",\n      \"Properties\": {\"AccessControl\": \"PublicReadWrite\"}\n    }\n  }\n}\n";
    c.open(&json_uri, "json", json_text);
    assert_eq!(codes(&focus(c.diagnostics(&json_uri, 1))), ["s3-public-write-acl"]);
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": json_uri }, "position": { "line": 2, "character": 6 } }),
    );
    assert!(hover["result"]["contents"]["value"].as_str().unwrap().contains("AWS takes care of"), "{hover}");
}

/// Waits for diagnostics of `uri` whose `s3-public-acl` findings are `expected` (line, message start), in order.
fn wait_acl(c: &mut Client, uri: &str, expected: &[(u64, &str)]) -> Vec<Value> {
    let expected: Vec<(u64, String)> = expected.iter().map(|(l, m)| (*l, m.to_string())).collect();
    let acl = move |diags: &Value| -> Vec<(u64, String)> {
        let diags = diags.as_array().cloned().unwrap_or_default();
        diags
            .iter()
            .filter(|d| d["code"] == "s3-public-acl")
            .map(|d| {
                let message = d["message"].as_str().unwrap_or("");
                (start_of(d).0, message.split(' ').nth(1).unwrap_or("").to_string())
            })
            .collect()
    };
    let found = c.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri
            && acl(&m["params"]["diagnostics"]) == expected
    });
    let found = found.unwrap_or_else(|| panic!("no diagnostics of {uri} with {expected:?}; backlog: {:?}", c.backlog));
    found["params"]["diagnostics"].as_array().unwrap().clone()
}

#[test]
fn module_calls_two_levels_deep_update_callers_and_modules_as_either_is_typed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    for sub in ["modules/site", "modules/bucket"] {
        std::fs::create_dir_all(root.join(sub)).unwrap();
    }
    let main_tf = "module \"site\" {\n  source = \"./modules/site\"\n  acl    = \"public-read\"\n}\n";
    let site_tf = "variable \"acl\" {}\n\nmodule \"store\" {\n  source = \"../bucket\"\n  acl    = var.acl\n}\n";
    let bucket_tf =
        "variable \"acl\" {\n  default = \"private\"\n}\n\nresource \"aws_s3_bucket\" \"this\" {\n  acl = var.acl\n}\n";
    std::fs::write(root.join("main.tf"), main_tf).unwrap();
    std::fs::write(root.join("modules/site/main.tf"), site_tf).unwrap();
    std::fs::write(root.join("modules/bucket/main.tf"), bucket_tf).unwrap();
    let root_uri = format!("file://{}", root.display());
    let mut c = Client::start();
    c.request("initialize", json!({ "processId": null, "rootUri": root_uri, "capabilities": {} }));
    c.notify("initialized", json!({}));

    // The module opened first shows what it shows alone; its caller, opened next, finds the public ACL its
    // argument causes two calls down, on the argument, and the module's file then shows it at the resource.
    let bucket = format!("{root_uri}/modules/bucket/main.tf");
    c.open(&bucket, "terraform", bucket_tf);
    wait_acl(&mut c, &bucket, &[]);
    let caller = format!("{root_uri}/main.tf");
    c.open(&caller, "terraform", main_tf);
    let at_call = wait_acl(&mut c, &caller, &[(2, "`module.site.module.store.aws_s3_bucket.this`")]);
    let acl = at_call.iter().find(|d| d["code"] == "s3-public-acl").unwrap();
    assert!(acl["message"].as_str().unwrap().contains("`public-read` ACL"), "{acl:?}");
    wait_acl(&mut c, &bucket, &[(5, "`module.site.module.store.aws_s3_bucket.this`")]);

    // A keystroke in the caller updates the module's open file...
    c.change(&caller, 2, json!([{ "text": main_tf.replace("public-read", "private") }]));
    wait_acl(&mut c, &caller, &[]);
    wait_acl(&mut c, &bucket, &[]);
    c.change(&caller, 3, json!([{ "text": main_tf }]));
    wait_acl(&mut c, &bucket, &[(5, "`module.site.module.store.aws_s3_bucket.this`")]);
    // ...and one in the module updates its callers: the resource no longer reads the argument.
    c.change(&bucket, 2, json!([{ "text": bucket_tf.replace("var.acl", "\"private\"") }]));
    wait_acl(&mut c, &bucket, &[]);
    wait_acl(&mut c, &caller, &[]);
}

#[test]
fn var_files_from_the_editor_settings_apply_to_root_modules() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let main_tf =
        "variable \"acl\" {\n  default = \"private\"\n}\n\nresource \"aws_s3_bucket\" \"b\" {\n  acl = var.acl\n}\n";
    std::fs::write(root.join("main.tf"), main_tf).unwrap();
    std::fs::write(root.join("prod.tfvars"), "acl = \"public-read\"\n").unwrap();
    let root_uri = format!("file://{}", root.display());
    let mut c = Client::start();
    c.request(
        "initialize",
        json!({ "processId": null, "rootUri": root_uri, "capabilities": {},
                "initializationOptions": { "varFiles": ["prod.tfvars"] } }),
    );
    c.notify("initialized", json!({}));
    let uri = format!("{root_uri}/main.tf");
    c.open(&uri, "terraform", main_tf);
    wait_acl(&mut c, &uri, &[(5, "`aws_s3_bucket.b`")]);
    // Changed in the settings: without the file, the default applies.
    c.notify("workspace/didChangeConfiguration", json!({ "settings": { "onus": { "varFiles": [] } } }));
    wait_acl(&mut c, &uri, &[]);
}

/// Pulled items of `uri`'s `textDocument/diagnostic` answer.
fn pulled(c: &mut Client, uri: &str) -> Vec<Value> {
    let answer = c.request("textDocument/diagnostic", json!({ "textDocument": { "uri": uri } }));
    answer["result"]["items"].as_array().cloned().unwrap_or_else(|| panic!("no items: {answer}"))
}

#[test]
fn a_client_gets_its_diagnostics_one_way_pulled_if_it_can_pull_else_pushed() {
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("main.tf");
    let variables = dir.path().join("variables.tf");
    std::fs::write(&main, "resource \"aws_s3_bucket\" \"b\" {\n  acl = var.acl\n}\n").unwrap();
    std::fs::write(&variables, "variable \"acl\" {\n  default = \"private\"\n}\n").unwrap();
    let (main_uri, variables_uri) = (file_uri(main.to_str().unwrap()), file_uri(variables.to_str().unwrap()));
    let root = file_uri(dir.path().to_str().unwrap());
    let acl = |items: &[Value]| items.iter().any(|d| d["code"] == "s3-public-acl");

    // A client that pulls (as VS Code's does): a diagnostic provider, and nothing pushed.
    let mut c = Client::start();
    let caps = json!({ "textDocument": { "diagnostic": { "dynamicRegistration": false } } });
    let init = c.request("initialize", json!({ "processId": null, "rootUri": root, "capabilities": caps }));
    assert!(init["result"]["capabilities"]["diagnosticProvider"].is_object(), "{init}");
    c.notify("initialized", json!({}));
    c.open(&main_uri, "terraform", &std::fs::read_to_string(&main).unwrap());
    c.open(&variables_uri, "terraform", &std::fs::read_to_string(&variables).unwrap());
    assert!(!acl(&pulled(&mut c, &main_uri)));
    // Another file's change alters main.tf's findings: the client is asked to pull again, and gets them.
    let r = json!({ "start": { "line": 1, "character": 13 }, "end": { "line": 1, "character": 20 } });
    c.change(&variables_uri, 2, json!([{ "range": r, "text": "public-read" }]));
    let refresh = c.wait_for(|m| m["method"] == "workspace/diagnostic/refresh");
    assert!(refresh.is_some_and(|m| m.get("id").is_some()), "a refresh request");
    assert!(acl(&pulled(&mut c, &main_uri)));
    let pushed = c.wait_for_within(Duration::from_millis(500), |m| m["method"] == "textDocument/publishDiagnostics");
    assert!(pushed.is_none(), "a client that pulls is not pushed to as well: {pushed:?}");
    let _ = c.shutdown_and_exit();

    // A client that cannot pull: no provider, and pushed diagnostics.
    let mut c = Client::start();
    let init = c.request("initialize", json!({ "processId": null, "rootUri": root, "capabilities": {} }));
    assert!(init["result"]["capabilities"].get("diagnosticProvider").is_none(), "{init}");
    c.notify("initialized", json!({}));
    c.open(&main_uri, "terraform", &std::fs::read_to_string(&main).unwrap());
    assert!(!acl(&c.diagnostics(&main_uri, 1)));
    let _ = c.shutdown_and_exit();
}

#[test]
fn the_configuration_on_disk_is_live_for_a_client_that_watches_no_files() {
    // Neovim before 0.9 registers no file watchers: the server sees `.onus.toml` change at the next keystroke.
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("main.tf");
    let text = "resource \"aws_s3_bucket\" \"b\" {\n  acl = \"public-read\"\n}\n";
    std::fs::write(&main, text).unwrap();
    let uri = file_uri(main.to_str().unwrap());
    let mut c = Client::start();
    let root = file_uri(dir.path().to_str().unwrap());
    c.request("initialize", json!({ "processId": null, "rootUri": root, "capabilities": {} }));
    c.notify("initialized", json!({}));
    c.open(&uri, "terraform", text);
    assert!(codes(&c.diagnostics(&uri, 1)).contains(&"s3-public-acl".to_string()));
    std::fs::write(dir.path().join(".onus.toml"), "disable = [\"s3-public-acl\"]\n").unwrap();
    let end = json!({ "start": { "line": 3, "character": 0 }, "end": { "line": 3, "character": 0 } });
    c.change(&uri, 2, json!([{ "range": end, "text": "\n" }]));
    let published = c
        .wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && !m["params"]["diagnostics"].as_array().unwrap().iter().any(|d| d["code"] == "s3-public-acl")
        })
        .expect("the rule the file now disables is gone");
    assert!(published["params"]["version"].as_i64().is_some());
    let _ = c.shutdown_and_exit();
}

#[test]
fn fix_all_applies_every_safe_fix_of_the_file_at_once() {
    let mut c = Client::initialized(json!({}));
    let uri = file_uri("/onus-e2e/fixall/main.tf");
    let text = "resource \"aws_s3_bucket\" \"b\" {\n  acl = \"public-read\"\n}\n\nresource \"aws_db_instance\" \"d\" {\n  engine            = \"mysql\"\n  storage_encrypted = false\n}\n";
    c.open(&uri, "terraform", text);
    let before = codes(&c.diagnostics(&uri, 1));
    assert!(before.contains(&"s3-public-acl".to_string()) && before.contains(&"rds-storage-unencrypted".to_string()));
    let whole = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 8, "character": 0 } });
    let answer = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": whole, "context": { "diagnostics": [], "only": ["source.fixAll"] } }),
    );
    let actions = answer["result"].as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.onus");
    let fixed = apply_edits(text, actions[0]["edit"]["changes"][&uri].as_array().unwrap());
    assert!(fixed.contains("acl = \"private\"") && fixed.contains("storage_encrypted = true"), "{fixed}");
    c.change(&uri, 2, json!([{ "text": fixed }]));
    let after = codes(&c.diagnostics(&uri, 2));
    for gone in ["s3-public-acl", "rds-storage-unencrypted"] {
        assert!(!after.contains(&gone.to_string()), "{gone} is still there: {after:?}");
    }
    assert!(!after.contains(&"syntax-error".to_string()), "{after:?}");
    assert!(after.len() < before.len());
}

/// An organisation policy typed into `.onus.toml` is checked in the open files at once; its tag fix inserts the
/// tags and clears the finding; the policy's finding has no link into onus's rule pages.
#[test]
fn organisation_policies_are_live_and_their_tag_fix_clears_them() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let root_uri = format!("file://{}", root.display());
    let mut c = Client::start();
    c.request("initialize", json!({ "processId": null, "rootUri": root_uri, "capabilities": {} }));
    c.notify("initialized", json!({}));
    let uri = format!("file://{}/main.tf", root.display());
    let text = "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n}\n";
    c.open(&uri, "terraform", text);
    let policy = |diags: &[Value]| -> Vec<Value> {
        diags.iter().filter(|d| d["code"] == "acme-required-tags").cloned().collect()
    };
    assert!(policy(&c.diagnostics(&uri, 1)).is_empty());
    let config_uri = format!("file://{}/.onus.toml", root.display());
    c.open(
        &config_uri,
        "toml",
        "[[policy]]\nid = \"acme-required-tags\"\nresources = [\"aws_s3_bucket\"]\nrequired_tags = [\"Owner\", \"CostCenter\"]\n",
    );
    let published = c
        .wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && !policy(m["params"]["diagnostics"].as_array().unwrap()).is_empty()
        })
        .expect("the policy's finding appears as the configuration is typed");
    let diags = policy(published["params"]["diagnostics"].as_array().unwrap());
    assert!(diags[0].get("codeDescription").is_none(), "{}", diags[0]);
    let answer = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": diags[0]["range"], "context": { "diagnostics": diags } }),
    );
    let fix = answer["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap_or("").starts_with("Add the tags"))
        .unwrap_or_else(|| panic!("a tag fix: {answer}"))
        .clone();
    let fixed = apply_edits(text, fix["edit"]["changes"][&uri].as_array().unwrap());
    assert_eq!(
        fixed,
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n  tags = {\n    Owner      = \"<owner>\"\n    CostCenter = \"<costcenter>\"\n  }\n}\n"
    );
    c.change(&uri, 2, json!([{ "text": fixed }]));
    assert!(policy(&c.diagnostics(&uri, 2)).is_empty());
}

/// `baseline = "..."` in `.onus.toml`: the findings the baseline holds are hints in the editor, new ones keep
/// their severity; a baseline that cannot be read is an error on the line that names it.
#[test]
fn baselined_findings_are_hints_in_the_editor() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let old = "resource \"aws_s3_bucket\" \"old\" {\n  acl = \"public-read\"\n}\n";
    std::fs::write(root.join("main.tf"), old).unwrap();
    let made = std::process::Command::new(support::onus())
        .args(["check", "--create-baseline", "baseline.json", "--only", "s3-public-acl", "."])
        .current_dir(&root)
        .output()
        .unwrap();
    assert_eq!(made.status.code(), Some(0), "{made:?}");
    std::fs::write(root.join(".onus.toml"), "baseline = \"baseline.json\"\n").unwrap();
    let mut c = Client::start();
    let root_uri = format!("file://{}", root.display());
    c.request("initialize", json!({ "processId": null, "rootUri": root_uri, "capabilities": {} }));
    c.notify("initialized", json!({}));
    let uri = format!("file://{}/main.tf", root.display());
    let text = format!("{old}\nresource \"aws_s3_bucket\" \"new\" {{\n  acl = \"public-read\"\n}}\n");
    c.open(&uri, "terraform", &format!("# moved down\n\n{text}"));
    let diags = focus(c.diagnostics(&uri, 1));
    let severities: Vec<(u64, u64)> = diags
        .iter()
        .map(|d| (d["range"]["start"]["line"].as_u64().unwrap(), d["severity"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        severities,
        [(3, 4), (7, 1)],
        "the old bucket's finding is a hint, the new one keeps its severity: {diags:?}"
    );
    assert!(diags[0]["message"].as_str().unwrap().contains("(in the baseline)"), "{diags:?}");
    // A missing baseline is reported on `.onus.toml`.
    let config_uri = format!("file://{}/.onus.toml", root.display());
    c.open(&config_uri, "toml", "baseline = \"missing.json\"\n");
    let reported = c
        .wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == config_uri
                && m["params"]["diagnostics"].as_array().is_some_and(|d| !d.is_empty())
        })
        .expect("the missing baseline is reported");
    assert!(reported["params"]["diagnostics"][0]["message"].as_str().unwrap().contains("missing.json"), "{reported}");
}
