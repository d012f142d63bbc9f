//! End to end: `onus check`, `onus rules` and `onus explain` as CI and scripts run them.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{json, Value};

fn onus(args: &[&str], dir: &Path) -> Output {
    Command::new(support::onus()).args(args).current_dir(dir).output().expect("run onus")
}

fn repo() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn text_output_on_the_examples() {
    let out = onus(&["check", "examples/"], repo());
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("examples/terraform/")).collect();
    assert!(lines.contains(&"examples/terraform/main.tf:5:3: critical s3-public-acl `aws_s3_bucket.assets` lets everyone read with its `public-read` ACL [data-sharing]"), "{text}");
    for rule in ["s3-public-acl", "sg-ssh-open-to-world", "rds-storage-unencrypted"] {
        assert!(lines.iter().any(|l| l.contains(&format!(" {rule} "))), "{rule} missing from {text}");
    }
    // Not a terminal: no colour codes.
    assert!(!text.contains('\x1b'));
}

#[test]
fn json_output_and_fail_on() {
    let out = onus(&["check", "--format", "json", "examples/terraform"], repo());
    assert_eq!(out.status.code(), Some(1));
    let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let rules: std::collections::BTreeSet<&str> = findings.iter().map(|f| f["rule"].as_str().unwrap()).collect();
    for rule in ["s3-public-acl", "sg-ssh-open-to-world", "rds-storage-unencrypted"] {
        assert!(rules.contains(rule), "{rule} missing from {rules:?}");
    }
    let acl = findings.iter().find(|f| f["rule"] == "s3-public-acl").unwrap();
    assert_eq!(acl["path"], "examples/terraform/main.tf");
    assert_eq!(acl["line"], 5);
    assert_eq!(acl["column"], 3);
    assert_eq!(acl["severity"], "critical");
    assert_eq!(acl["row"], "data-sharing");
    assert_eq!(acl["fix"], true);
    // Only the critical finding is at or above `critical`; high ones are below it.
    let out = onus(&["check", "--fail-on", "critical", "examples/terraform"], repo());
    assert_eq!(out.status.code(), Some(1));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), "resource \"aws_db_instance\" \"db\" {\n  engine = \"mysql\"\n}\n")
        .unwrap();
    assert_eq!(onus(&["check", "--fail-on", "critical", "."], dir.path()).status.code(), Some(0));
    assert_eq!(onus(&["check", "."], dir.path()).status.code(), Some(1));
}

#[test]
fn sarif_output() {
    let out = onus(&["check", "--format", "sarif", "examples/terraform/main.tf"], repo());
    assert_eq!(out.status.code(), Some(1));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "s3-public-acl" && r["help"]["text"].as_str().is_some()));
    let results = run["results"].as_array().unwrap();
    let json = onus(&["check", "--format", "json", "examples/terraform/main.tf"], repo());
    let findings: Vec<Value> = serde_json::from_slice(&json.stdout).unwrap();
    // A finding folded into a more specific one (same problem) is its own result, pointing at its carrier.
    let folded: usize = findings.iter().map(|f| f["also"].as_array().map_or(0, Vec::len)).sum();
    assert!(folded > 0, "the example has a world-open SSH rule: three rules, one problem");
    assert_eq!(results.len(), findings.len() + folded, "one result per rule's finding");
    let carried: Vec<&Value> = results.iter().filter(|r| r["properties"]["foldedInto"].is_string()).collect();
    assert_eq!(carried.len(), folded);
    for r in carried {
        let carrier = r["properties"]["foldedInto"].as_str().unwrap();
        assert!(findings.iter().any(|f| f["rule"] == carrier
            && f["also"].as_array().is_some_and(|a| a.iter().any(|x| x["rule"] == r["ruleId"]))));
        assert!(r["relatedLocations"][0]["physicalLocation"]["region"]["startLine"].as_u64().is_some());
    }
    for r in results {
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "examples/terraform/main.tf");
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(loc["region"]["startColumn"].as_u64().unwrap() >= 1);
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
    }
    // Relative URIs resolve against where onus ran; GitHub ranks alerts by each rule's security-severity.
    let root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"].as_str().unwrap();
    assert!(root.starts_with("file:///") && root.ends_with('/'), "{root}");
    let acl = rules.iter().find(|r| r["id"] == "s3-public-acl").unwrap();
    assert_eq!(acl["properties"]["security-severity"], "9.5");
    assert!(rules.iter().filter(|r| r["properties"]["severity"].is_string()).all(|r| {
        r["properties"]["security-severity"]
            .as_str()
            .and_then(|s| s.parse::<f64>().ok())
            .is_some_and(|n| (0.0..=10.0).contains(&n))
    }));
    assert!(rules.iter().all(|r| r.get("helpUri").is_none()), "no page URL unless told where the pages are");
    validate_sarif(&out.stdout);
}

/// CI installs the official schema and a validator that also holds the log to GitHub's ingestion rules (see
/// .ci/run); elsewhere the log is only parsed.
fn validate_sarif(log: &[u8]) {
    if let Ok(validator) = std::env::var("ONUS_SARIF_VALIDATOR") {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), log).unwrap();
        let status = Command::new(validator).arg(file.path()).status().unwrap();
        assert!(status.success(), "the SARIF log does not validate (schema 2.1.0, GitHub's rules)");
    }
}

/// `--docs-base-url` (where `onus docs --out` pages are published) gives each rule a `helpUri`; a base that is
/// not an absolute URL is a usage error.
#[test]
fn sarif_rules_link_to_published_pages() {
    let args = ["check", "--format", "sarif", "--docs-base-url", "https://example.org/onus/rules"];
    let out = onus(&[&args[..], &["examples/terraform/main.tf"]].concat(), repo());
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let acl = rules.iter().find(|r| r["id"] == "s3-public-acl").unwrap();
    assert_eq!(acl["helpUri"], "https://example.org/onus/rules/s3-public-acl.md");
    let pages = tempfile::tempdir().unwrap();
    let written = onus(&["docs", "--out", pages.path().to_str().unwrap()], repo());
    assert!(written.status.success(), "{written:?}");
    for rule in rules.iter().filter(|r| r["properties"]["severity"].is_string()) {
        let uri = rule["helpUri"].as_str().unwrap_or_else(|| panic!("{rule}"));
        let page = uri.strip_prefix("https://example.org/onus/rules/").unwrap();
        assert!(pages.path().join(page).is_file(), "{page} is not among the pages `onus docs --out` writes");
    }
    validate_sarif(&out.stdout);

    let out = onus(&["check", "--format", "sarif", "--docs-base-url", "docs/rules", "examples"], repo());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an absolute URL"), "{out:?}");
}

#[test]
fn unreadable_files_are_reported_and_the_rest_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.tf"), "resource \"aws_s3_bucket\" \"b\" {\n  acl = \"public-read\"\n}\n")
        .unwrap();
    std::fs::write(dir.path().join("b.tf"), b"resource \"x\" \"y\" {\n  a = \"\xff\xfe\"\n}\n").unwrap();
    let out = onus(&["check", "."], dir.path());
    assert_eq!(out.status.code(), Some(2), "an I/O error is exit code 2");
    assert!(String::from_utf8_lossy(&out.stderr).contains("b.tf: not valid UTF-8"), "{out:?}");
    assert!(stdout(&out).contains("a.tf:2:3: critical s3-public-acl"), "{out:?}");
    let out = onus(&["check", "no/such/dir"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let out = onus(&["check", "--format", "yaml", "."], dir.path());
    assert_eq!(out.status.code(), Some(2), "usage error");
}

#[test]
fn ignored_folders_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let bad = "resource \"aws_s3_bucket\" \"b\" {\n  acl = \"public-read\"\n}\n";
    for sub in [".terraform/modules/x", "vendored", "ok"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        std::fs::write(dir.path().join(sub).join("main.tf"), bad).unwrap();
    }
    std::fs::write(dir.path().join(".gitignore"), "vendored/\n").unwrap();
    let out = onus(&["check", "--format", "json", "."], dir.path());
    let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let paths: std::collections::BTreeSet<&str> = findings.iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(paths.into_iter().collect::<Vec<_>>(), ["./ok/main.tf"]);
}

#[test]
fn the_rule_catalog_contract() {
    let out = onus(&["rules", "--format", "json"], repo());
    assert_eq!(out.status.code(), Some(0));
    let rules: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rules.len() >= 3);
    for r in &rules {
        for key in ["id", "title", "severity", "row", "service"] {
            assert!(r[key].is_string(), "{key} in {r}");
        }
        assert!(r["formats"].as_array().unwrap().iter().all(|f| f == "terraform" || f == "cloudformation"));
        assert!(r["fix"].is_boolean());
        for tool in ["checkov", "kics", "trivy"] {
            assert!(r["equivalents"][tool].is_array(), "{tool} in {r}");
        }
    }
    let s3 = rules.iter().find(|r| r["id"] == "s3-public-acl").unwrap();
    assert_eq!(s3["equivalents"]["kics"][0], "219f4c95-aa50-44e0-97de-cf71f4641170");
    assert_eq!(s3["related"]["kics"][0], "38c5ee0d-7f22-4260-ab72-5073048df100");

    let out = onus(&["explain", "s3-public-acl"], repo());
    assert_eq!(out.status.code(), Some(0));
    let doc = stdout(&out);
    assert!(doc.starts_with("# s3-public-acl: "));
    assert!(doc.contains("## Why is this bad?") && doc.contains("CKV_AWS_20"));
    assert_eq!(onus(&["explain", "no-such-rule"], repo()).status.code(), Some(2));

    // The text table: a header, and every column starting where the header's does, the longest ids included.
    let table = stdout(&onus(&["rules"], repo()));
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), rules.len() + 1);
    let header = lines[0];
    assert!(header.starts_with("RULE "), "{header}");
    let at = |name: &str| header.find(name).unwrap_or_else(|| panic!("no {name} in {header}"));
    let (severity, duty, title) = (at("SEVERITY"), at("DUTY"), at("TITLE"));
    for line in &lines[1..] {
        for column in [severity, duty, title] {
            let (before, from) = line.split_at(column);
            assert!(before.ends_with("  ") && !from.starts_with(' '), "a column out of line: {line}");
        }
        let severity_name = line[severity..].split_whitespace().next().unwrap();
        assert!(["low", "medium", "high", "critical"].contains(&severity_name), "{line}");
    }
}

#[test]
fn configuration_and_summary() {
    let dir = tempfile::tempdir().unwrap();
    let bad = "resource \"aws_s3_bucket\" \"b\" {\n  acl = \"public-read\"\n}\n\n# onus:ignore:rds-storage-unencrypted a test database\nresource \"aws_db_instance\" \"db\" {\n  engine = \"mysql\"\n}\n";
    for sub in ["app", "vendor"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        std::fs::write(dir.path().join(sub).join("main.tf"), bad).unwrap();
    }
    // Every rule but the two under test is turned off, so the test does not depend on the rest of the catalog.
    let catalog: Vec<Value> = serde_json::from_slice(&onus(&["rules", "--format", "json"], dir.path()).stdout).unwrap();
    let others: Vec<String> = catalog
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .filter(|id| !["s3-public-acl", "rds-storage-unencrypted"].contains(id))
        .map(|id| format!("\"{id}\""))
        .collect();
    let config =
        format!("disable = [{}]\nexclude = [\"vendor/**\"]\n[severity]\ns3-public-acl = \"low\"\n", others.join(", "));
    std::fs::write(dir.path().join(".onus.toml"), &config).unwrap();
    let out = onus(&["check", "--format", "json", "--fail-on", "medium", "."], dir.path());
    assert_eq!(out.status.code(), Some(0), "the only finding was lowered to low: {out:?}");
    let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["path"], "./app/main.tf");
    assert_eq!(findings[0]["severity"], "low");

    let out = onus(&["check", "--summary", "app"], dir.path());
    let text = stdout(&out);
    // Columns: resources checked, findings open, findings suppressed.
    let row = |slug: &str| -> Vec<u32> {
        let line = text.lines().find(|l| l.starts_with(slug)).unwrap();
        line.split_whitespace().skip(1).take(3).map(|n| n.parse().unwrap()).collect()
    };
    // Both resources have data-sharing duties (a public ACL; a master password kept out of the code).
    assert_eq!(row("data-sharing"), [2, 1, 0]);
    // Both resources have managed-service-config duties; the database's finding is suppressed.
    assert_eq!(row("managed-service-config"), [2, 0, 1]);
    assert!(text.contains("aws-physical") && text.contains("AWS: physical access"));
    // The machine formats carry the same rows, as data, on stdout.
    let out = onus(&["check", "--summary", "--format", "json", "app"], dir.path());
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["findings"].as_array().unwrap().len(), 1);
    let data_sharing = json["summary"].as_array().unwrap().iter().find(|r| r["row"] == "data-sharing").unwrap();
    assert_eq!(
        (&data_sharing["resources"], &data_sharing["open"], &data_sharing["suppressed"]),
        (&json!(2), &json!(1), &json!(0))
    );
    assert!(json["summary"].as_array().unwrap().iter().any(|r| r["row"] == "aws-physical" && r["side"] == "aws"));
    assert!(out.stderr.is_empty() || !String::from_utf8_lossy(&out.stderr).contains("responsibility"));
    let out = onus(&["check", "--summary", "--format", "sarif", "app"], dir.path());
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["runs"][0]["properties"]["responsibility"], json["summary"]);

    // A malformed configuration is reported where it is wrong, and nothing is checked (CI must not pass on
    // what the configuration did not say): exit 2.
    std::fs::write(dir.path().join(".onus.toml"), "exclude = [\n").unwrap();
    let out = onus(&["check", "--format", "json", "app"], dir.path());
    assert!(String::from_utf8_lossy(&out.stderr).contains(".onus.toml:2:1: error config-error"), "{out:?}");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_eq!(onus(&["check", "--config", "missing.toml", "app"], dir.path()).status.code(), Some(2));
}

#[test]
fn a_file_is_analysed_with_its_module_but_only_it_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), "resource \"aws_s3_bucket\" \"b\" {\n  acl = var.acl\n}\n").unwrap();
    std::fs::write(dir.path().join("variables.tf"), "variable \"acl\" {}\n").unwrap();
    std::fs::write(dir.path().join("terraform.tfvars"), "acl = \"public-read\"\n").unwrap();
    std::fs::write(dir.path().join("other.tf"), "resource \"aws_db_instance\" \"d\" {}\n").unwrap();
    let out = onus(&["check", "--format", "json", "main.tf"], dir.path());
    let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(findings.iter().any(|f| f["rule"] == "s3-public-acl"), "{findings:?}");
    assert!(findings.iter().all(|f| f["path"] == "main.tf"), "{findings:?}");
}

/// Writes `files` (path, text) under a new folder.
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// The `(path, line, message)` of each finding of `rule` in `onus check --format json ARGS`.
fn findings_of(rule: &str, args: &[&str], dir: &Path) -> Vec<(String, u64, String)> {
    let out = onus(&[&["check", "--format", "json"], args].concat(), dir);
    let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {out:?}"));
    let mut out: Vec<_> = findings
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            let text = |k: &str| f[k].as_str().unwrap().to_string();
            (text("path"), f["line"].as_u64().unwrap(), text("message"))
        })
        .collect();
    out.sort();
    out
}

const SITE: &str = "variable \"acl\" {}\n\nmodule \"store\" {\n  source = \"./store\"\n  acl    = var.acl\n}\n";
const STORE: &str =
    "variable \"acl\" {}\n\nresource \"aws_s3_bucket\" \"this\" {\n  bucket = \"x\"\n  acl    = var.acl\n}\n";

#[test]
fn findings_two_modules_down_are_reported_in_the_child_and_on_the_root_argument() {
    let root = r#"module "site" {
  source = "./modules/site"
  acl    = "public-read"
}

module "many" {
  source   = "./modules/site"
  for_each = { a = "private", b = "public-read" }
  acl      = each.value
}

module "quiet" {
  source = "./modules/site"
  acl    = "private"
}
"#;
    let dir = folder(&[("main.tf", root), ("modules/site/main.tf", SITE), ("modules/site/store/main.tf", STORE)]);
    let store = "modules/site/store/main.tf".to_string();
    let reads =
        |call: &str| format!("`{call}.module.store.aws_s3_bucket.this` lets everyone read with its `public-read` ACL");
    assert_eq!(
        findings_of("s3-public-acl", &["."], dir.path()),
        [
            ("./main.tf".to_string(), 3, reads("module.site")),
            ("./main.tf".to_string(), 9, reads("module.many[\"b\"]")),
            (format!("./{store}"), 5, reads("module.many[\"b\"]")),
            (format!("./{store}"), 5, reads("module.site")),
        ]
    );
    // The child checked alone knows no caller: its `acl` is unknown, never a finding.
    assert_eq!(findings_of("s3-public-acl", &[&store], dir.path()), []);
}

#[test]
fn variables_from_var_files_and_var_apply_in_order() {
    let root =
        "variable \"acl\" {\n  default = \"private\"\n}\n\nresource \"aws_s3_bucket\" \"b\" {\n  acl = var.acl\n}\n";
    let dir = folder(&[
        ("main.tf", root),
        ("public.tfvars", "acl = \"public-read\"\n"),
        ("json.tfvars.json", "{\"acl\": \"public-read-write\"}"),
    ]);
    assert_eq!(findings_of("s3-public-acl", &["main.tf"], dir.path()), []);
    let public = findings_of("s3-public-acl", &["--var-file", "public.tfvars", "main.tf"], dir.path());
    assert_eq!(public.len(), 1);
    assert!(public[0].2.contains("`public-read`"), "{public:?}");
    let later = findings_of(
        "s3-public-write-acl",
        &["--var-file", "public.tfvars", "--var-file", "json.tfvars.json", "main.tf"],
        dir.path(),
    );
    assert!(later[0].2.contains("`public-read-write`"), "{later:?}");
    let var_wins = &["--var-file", "public.tfvars", "--var", "acl=private", "main.tf"];
    assert_eq!(findings_of("s3-public-acl", var_wins, dir.path()), []);
    let bad = onus(&["check", "--var", "no equals sign", "main.tf"], dir.path());
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("expected NAME=VALUE"));
    let missing = onus(&["check", "--var-file", "nowhere.tfvars", "main.tf"], dir.path());
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn null_is_judged_as_absent_where_it_is_written() {
    let tf = "variable \"enc\" {\n  default = null\n}\n\nresource \"aws_ebs_volume\" \"v\" {\n  availability_zone = \"eu-west-1a\"\n  size              = 1\n  encrypted         = var.enc\n}\n";
    let dir = folder(&[("main.tf", tf)]);
    let found = findings_of("ebs-volume-unencrypted", &["."], dir.path());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1, 8);
    assert!(found[0].2.contains("sets `encrypted` to null (`var.enc` is null)"), "{found:?}");
    assert_eq!(findings_of("ebs-volume-unencrypted", &["--var", "enc=true", "."], dir.path()), []);
}

#[test]
fn onus_is_never_silent_about_what_it_does_not_check() {
    let dir = folder(&[("package.json", "{\"name\": \"x\"}"), ("empty/README.md", "nothing here")]);
    let named = onus(&["check", "package.json"], dir.path());
    assert_eq!(named.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&named.stderr)
        .contains("package.json: not a Terraform file or CloudFormation template"));
    let empty = onus(&["check", "empty"], dir.path());
    assert_eq!(empty.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&empty.stderr).contains("empty: no Terraform or CloudFormation file to check"));
}

/// A plan as `terraform show -json` writes it: a public bucket ACL at the root, two instances of a database
/// in a local module (one encrypted), and an attachment whose volume is known after apply.
const PLAN: &str = r#"{
  "format_version": "1.2",
  "terraform_version": "1.9.0",
  "planned_values": {
    "root_module": {
      "resources": [
        {"address": "aws_s3_bucket_acl.logs", "mode": "managed", "type": "aws_s3_bucket_acl", "name": "logs",
         "values": {"bucket": "logs", "acl": "public-read"}},
        {"address": "aws_ebs_volume.v", "mode": "managed", "type": "aws_ebs_volume", "name": "v",
         "values": {"availability_zone": "eu-west-1a", "size": 10, "encrypted": true, "kms_key_id": "arn:aws:kms:eu-west-1:1:key/k"}},
        {"address": "aws_volume_attachment.a", "mode": "managed", "type": "aws_volume_attachment", "name": "a",
         "values": {"device_name": "/dev/sdh", "instance_id": "i-1"}}
      ],
      "child_modules": [
        {"address": "module.db", "resources": [
          {"address": "module.db.aws_db_instance.this[\"a\"]", "mode": "managed", "type": "aws_db_instance",
           "name": "this", "index": "a", "values": {"engine": "postgres", "storage_encrypted": false}},
          {"address": "module.db.aws_db_instance.this[\"b\"]", "mode": "managed", "type": "aws_db_instance",
           "name": "this", "index": "b", "values": {"engine": "postgres", "storage_encrypted": true}}
        ]}
      ]
    }
  },
  "resource_changes": [
    {"address": "aws_volume_attachment.a", "change": {"after_unknown": {"volume_id": true}}}
  ],
  "configuration": {"root_module": {
    "resources": [{"address": "aws_volume_attachment.a", "mode": "managed", "type": "aws_volume_attachment",
      "name": "a", "expressions": {"volume_id": {"references": ["aws_ebs_volume.v.id", "aws_ebs_volume.v"]}}}],
    "module_calls": {"db": {"source": "./modules/db", "module": {}}}
  }}
}"#;

#[test]
fn a_plan_is_checked_on_its_planned_values_at_each_instance_address() {
    let dir = folder(&[("plan.json", PLAN)]);
    let out = onus(&["check", "plan.json"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(
        findings_of("rds-storage-unencrypted", &["plan.json"], dir.path()),
        [(
            "plan.json".to_string(),
            16,
            "module.db: `aws_db_instance.this[\"a\"]` disables storage encryption".to_string()
        )]
    );
    let acl = findings_of("s3-public-acl", &["plan.json"], dir.path());
    assert_eq!(acl.iter().map(|f| f.1).collect::<Vec<_>>(), [7]);
    // The attachment's volume is unknown in the plan, but the configuration says which volume it is.
    assert_eq!(findings_of("ebs-volume-not-attached", &["plan.json"], dir.path()), []);
    // Found by content in a folder, too.
    assert_eq!(findings_of("s3-public-acl", &["."], dir.path()).len(), 1);
}

#[test]
fn a_plan_beside_its_configuration_places_findings_on_the_blocks_and_honours_their_suppressions() {
    let db = "# onus:ignore:rds-default-port the port is fixed by the client\nresource \"aws_db_instance\" \"this\" {\n  for_each = toset([\"a\", \"b\"])\n  engine   = \"postgres\"\n}\n";
    let dir = folder(&[
        ("plan.json", PLAN),
        ("main.tf", "module \"db\" {\n  source = \"./modules/db\"\n}\n"),
        ("modules/db/main.tf", db),
    ]);
    let unencrypted = findings_of("rds-storage-unencrypted", &["plan.json"], dir.path());
    assert_eq!(unencrypted.iter().map(|f| (f.0.as_str(), f.1)).collect::<Vec<_>>(), [("modules/db/main.tf", 2)]);
    assert!(unencrypted[0].2.starts_with("module.db: `aws_db_instance.this[\"a\"]`"), "{unencrypted:?}");
    assert_eq!(findings_of("rds-default-port", &["plan.json"], dir.path()), []);
    // What the configuration does not hold stays on the plan.
    assert_eq!(findings_of("s3-public-acl", &["plan.json"], dir.path())[0].0, "plan.json");
}

#[test]
fn binary_and_malformed_plans_are_errors() {
    let dir = folder(&[("broken.json", "{\"format_version\": \"1.2\", \"planned_values\": {\"root_module\": ")]);
    std::fs::write(dir.path().join("tfplan"), b"PK\x03\x04\x14\x00binary").unwrap();
    let binary = onus(&["check", "tfplan"], dir.path());
    assert_eq!(binary.status.code(), Some(2));
    let said = String::from_utf8_lossy(&binary.stderr);
    assert!(
        said.contains("tfplan: a binary Terraform plan") && said.contains("`terraform show -json tfplan > plan.json`")
    );
    let broken = onus(&["check", "broken.json"], dir.path());
    assert_eq!(broken.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&broken.stderr)
            .contains("broken.json: a Terraform plan onus cannot read: not valid JSON"),
        "{broken:?}"
    );
}

#[test]
fn a_configuration_with_errors_is_an_error_naming_its_file() {
    let dir =
        folder(&[("main.tf", STORE), ("bad.toml", "disable = [\n"), ("typo.toml", "disable = [\"s3-publik-acl\"]\n")]);
    for file in ["bad.toml", "typo.toml"] {
        let out = onus(&["check", "--config", file, "."], dir.path());
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains(&format!("{file}: the configuration has errors")), "{said}");
        assert!(!said.contains(".onus.toml"), "the file is named as given: {said}");
        assert!(out.stdout.is_empty(), "nothing is checked with a configuration that says something else");
    }
}

/// Runs `onus ARGS` in `dir`, reads the first line of its output and closes the pipe, as `| head -1` does.
fn first_line_then_close(args: &[&str], dir: &Path) -> (String, Output) {
    use std::io::BufRead;
    let mut child = Command::new(support::onus())
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    (line, child.wait_with_output().unwrap())
}

#[test]
fn a_reader_that_stops_reading_ends_the_output_quietly() {
    // Enough output that the writer meets the closed pipe: the JSON catalog and a module of many findings.
    let many: String =
        (0..400).map(|i| format!("resource \"aws_s3_bucket\" \"b{i}\" {{\n  acl = \"public-read\"\n}}\n")).collect();
    let dir = folder(&[("main.tf", &many)]);
    for (args, code) in [(&["rules", "--format", "json"][..], 0), (&["rules"][..], 0), (&["check", "."][..], 1)] {
        let (line, out) = first_line_then_close(args, dir.path());
        assert!(!line.is_empty());
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(!said.contains("panicked") && !said.contains("Broken pipe"), "{args:?}: {said}");
        assert_eq!(out.status.code(), Some(code), "{args:?}: {said}");
    }
}

#[test]
fn colour_is_chosen_with_color_and_never_sent_to_a_pipe_by_default() {
    let out = onus(&["check", "examples/terraform"], repo());
    assert!(!stdout(&out).contains('\u{1b}'), "a pipe gets no escape codes");
    let out = onus(&["check", "--color", "always", "examples/terraform"], repo());
    assert!(stdout(&out).contains("\u{1b}[1m"), "--color always colours");
    let out = onus(&["check", "--color", "never", "examples/terraform"], repo());
    assert!(!stdout(&out).contains('\u{1b}'));
}

#[test]
fn lsp_accepts_stdio_as_generic_clients_pass_it() {
    use std::io::{Read, Write};
    let mut child = Command::new(support::onus())
        .args(["lsp", "--stdio"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let initialize =
        serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}});
    let exit = serde_json::json!({"jsonrpc": "2.0", "method": "exit"});
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&support::frame(&initialize)).unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut answer = vec![0; 64];
    stdout.read_exact(&mut answer).unwrap();
    assert!(String::from_utf8_lossy(&answer).starts_with("Content-Length:"));
    stdin.write_all(&support::frame(&exit)).unwrap();
    drop(stdin);
    // `exit` without `shutdown` first: code 1, as the protocol says; what matters is that it ran.
    assert_eq!(child.wait().unwrap().code(), Some(1));
}

#[test]
fn sarif_uris_are_uris_relative_or_file() {
    let dir = folder(&[("my dir/a#b%.tf", "resource \"aws_s3_bucket\" \"b\" {\n  acl = \"public-read\"\n}\n")]);
    let uris = |args: &[&str]| -> Vec<Value> {
        let out = onus(&[&["check", "--format", "sarif"], args].concat(), dir.path());
        let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
        let results = sarif["runs"][0]["results"].as_array().unwrap().clone();
        results.iter().map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"].clone()).collect()
    };
    let relative = uris(&["my dir"]);
    assert!(!relative.is_empty());
    assert!(
        relative.iter().all(|l| l["uri"] == "my%20dir/a%23b%25.tf" && l["uriBaseId"] == "%SRCROOT%"),
        "{relative:?}"
    );
    let absolute = dir.path().join("my dir");
    let absolute = uris(&[absolute.to_str().unwrap()]);
    assert!(
        absolute.iter().all(|l| {
            let uri = l["uri"].as_str().unwrap();
            uri.starts_with("file:///") && uri.ends_with("/my%20dir/a%23b%25.tf") && l.get("uriBaseId").is_none()
        }),
        "{absolute:?}"
    );
}

#[test]
fn rules_are_named_by_onus_ids_peers_ids_and_globs() {
    // explain: a peer's id gives the rules that claim it; a typo, the near ids.
    let out = onus(&["explain", "ckv_aws_20"], repo());
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("# s3-public-acl: "));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`ckv_aws_20` is checked by s3-public-acl"));
    let typo = onus(&["explain", "s3-publik-acl"], repo());
    assert_eq!(typo.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&typo.stderr).contains("did you mean `s3-public-acl`"));

    // check --only / --skip, with the same names.
    let rules_of = |args: &[&str]| -> std::collections::BTreeSet<String> {
        let out = onus(&[&["check", "--format", "json"], args, &["examples/terraform"]].concat(), repo());
        let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
        findings.iter().map(|f| f["rule"].as_str().unwrap().to_string()).collect()
    };
    let all = rules_of(&[]);
    assert!(all.contains("s3-public-acl") && all.contains("rds-storage-unencrypted"));
    assert_eq!(rules_of(&["--only", "CKV_AWS_20"]), ["s3-public-acl".to_string()].into());
    assert_eq!(rules_of(&["--only", "s3-public-acl,rds-storage-unencrypted"]).len(), 2);
    let without_s3 = rules_of(&["--skip", "s3-*"]);
    assert!(!without_s3.is_empty() && without_s3.iter().all(|r| !r.starts_with("s3-")), "{without_s3:?}");
    assert_eq!(without_s3, all.iter().filter(|r| !r.starts_with("s3-")).cloned().collect());
    let unknown = onus(&["check", "--skip", "s3-publik-acl", "examples/terraform"], repo());
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("--skip: no onus rule `s3-publik-acl` (did you mean"));
}

#[test]
fn a_text_on_stdin_is_checked_as_the_file_it_names_with_its_module() {
    use std::io::Write;
    let dir = folder(&[
        ("app/main.tf", "resource \"aws_s3_bucket\" \"b\" {\n  acl = \"private\"\n}\n"),
        ("app/variables.tf", "variable \"acl\" {\n  default = \"public-read\"\n}\n"),
    ]);
    // The editor's unsaved text of app/main.tf, which reads the variable the file beside it declares.
    let unsaved = "resource \"aws_s3_bucket\" \"b\" {\n\n  acl = var.acl\n}\n";
    let run = |args: &[&str]| {
        let mut child = Command::new(support::onus())
            .args(args)
            .current_dir(dir.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(unsaved.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let out = run(&["check", "--format", "json", "-", "--stdin-filename", "app/main.tf"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let acl = findings.iter().find(|f| f["rule"] == "s3-public-acl").expect("the unsaved text is checked");
    assert_eq!((&acl["path"], &acl["line"]), (&json!("app/main.tf"), &json!(3)));
    let bad = run(&["check", "-", "--stdin-filename", "notes.txt"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn fix_writes_the_safe_fixes_and_diff_shows_them() {
    let text = "resource \"aws_s3_bucket\" \"b\" {\n  acl = \"public-read\"\n}\n\nresource \"aws_db_instance\" \"d\" {\n  engine            = \"mysql\"\n  storage_encrypted = false\n}\n";
    let dir = folder(&[("main.tf", text)]);
    let main = dir.path().join("main.tf");
    // --diff: nothing is written; the diff applies to the file and says what --fix will write.
    let diff = onus(&["check", "--diff", "main.tf"], dir.path());
    assert_eq!(diff.status.code(), Some(1), "{diff:?}");
    let shown = stdout(&diff);
    assert!(shown.starts_with("--- a/main.tf\n+++ b/main.tf\n@@ "), "{shown}");
    assert!(shown.contains("-  acl = \"public-read\"\n+  acl = \"private\"\n"), "{shown}");
    assert!(shown.contains("-  storage_encrypted = false\n+  storage_encrypted = true\n"), "{shown}");
    assert!(!shown.contains("aws_s3_bucket_public_access_block"), "a companion resource wants a review: {shown}");
    assert_eq!(std::fs::read_to_string(&main).unwrap(), text);
    // --fix: written, and what is left is reported.
    let fixed = onus(&["check", "--fix", "--format", "json", "main.tf"], dir.path());
    assert!(String::from_utf8_lossy(&fixed.stderr).contains("onus: fixed "), "{fixed:?}");
    let now = std::fs::read_to_string(&main).unwrap();
    assert!(now.contains("acl = \"private\"") && now.contains("storage_encrypted = true"), "{now}");
    let left: Vec<Value> = serde_json::from_slice(&fixed.stdout).unwrap();
    for gone in ["s3-public-acl", "rds-storage-unencrypted", "syntax-error"] {
        assert!(left.iter().all(|f| f["rule"] != gone), "{gone} after --fix: {left:?}");
    }
    assert!(!left.is_empty(), "what needs a review is still reported");
    // Fixing again converges: soon nothing is left to fix safely (an empty diff, exit 0), and the file parses.
    let settled = (0..5).any(|_| {
        let diff = onus(&["check", "--diff", "main.tf"], dir.path());
        if diff.status.code() == Some(0) {
            return stdout(&diff).is_empty();
        }
        onus(&["check", "--fix", "main.tf"], dir.path());
        false
    });
    assert!(settled, "--fix does not converge: {}", std::fs::read_to_string(&main).unwrap());
    let json = onus(&["check", "--format", "json", "main.tf"], dir.path());
    let left: Vec<Value> = serde_json::from_slice(&json.stdout).unwrap();
    assert!(left.iter().all(|f| f["rule"] != "syntax-error"), "{left:?}");
}

/// Organisation policies in `.onus.toml` are checked by `onus check`, reported with their own id, severity and
/// row, in every format; SARIF describes them among its rules.
#[test]
fn organisation_policies_are_checked_and_described() {
    let config = "[[policy]]\nid = \"acme-required-tags\"\nseverity = \"high\"\nresources = [\"aws_s3_bucket\", \"AWS::S3::Bucket\"]\nrequired_tags = [\"Owner\"]\n\n[[policy]]\nid = \"acme-regions\"\nallowed_regions = [\"eu-west-1\"]\n";
    let dir = folder(&[
        (".onus.toml", config),
        ("main.tf", "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nresource \"aws_s3_bucket\" \"b\" {\n  tags = { Owner = \"me\" }\n}\n\nresource \"aws_s3_bucket\" \"c\" {\n}\n"),
        ("stack.yaml", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: x\n"),
    ]);
    let tags = findings_of("acme-required-tags", &["."], dir.path());
    let at: Vec<(&str, u64)> = tags.iter().map(|(p, l, _)| (p.as_str(), *l)).collect();
    assert_eq!(at, [("./main.tf", 9), ("./stack.yaml", 2)], "{tags:?}");
    assert_eq!(findings_of("acme-regions", &["."], dir.path()).len(), 1);
    let out = onus(&["check", "--format", "json", "."], dir.path());
    let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let tag = findings.iter().find(|f| f["rule"] == "acme-required-tags").unwrap();
    assert_eq!((tag["severity"].as_str(), tag["row"].as_str()), (Some("high"), Some("compliance")), "{tag}");
    let sarif: Value = serde_json::from_slice(&onus(&["check", "--format", "sarif", "."], dir.path()).stdout).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let index = rules.iter().position(|r| r["id"] == "acme-required-tags").expect("the policy is a SARIF rule");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "acme-required-tags" && r["ruleIndex"] == index));
    // `--only` may name a policy.
    let only = onus(&["check", "--format", "json", "--only", "acme-regions", "."], dir.path());
    let findings: Vec<Value> = serde_json::from_slice(&only.stdout).unwrap_or_else(|e| panic!("{e}: {only:?}"));
    assert!(!findings.is_empty() && findings.iter().all(|f| f["rule"] == "acme-regions"), "{findings:?}");
}

/// `--framework` runs only the framework's rules; with `--summary` each control says met, open or why it is not
/// judged; the catalog lists each rule's controls.
#[test]
fn framework_controls_are_checked_and_summarised() {
    let dir = folder(&[(
        "main.tf",
        "resource \"aws_security_group\" \"ssh\" {\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = \"tcp\"\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n}\n\nresource \"aws_efs_file_system\" \"fs\" {\n  encrypted = true\n}\n\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n}\n",
    )]);
    let out = onus(&["check", "--format", "json", "--summary", "--framework", "cis-aws-3.0", "."], dir.path());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {out:?}"));
    let controls = report["framework"]["controls"].as_array().unwrap();
    let state = |id: &str| controls.iter().find(|c| c["control"] == id).unwrap()["state"].as_str().unwrap().to_string();
    assert_eq!(state("5.2"), "open");
    assert_eq!(state("2.4.1"), "met", "the file system is encrypted");
    assert_eq!(state("2.3.1"), "no resources");
    assert_eq!(state("1.5"), "not checkable from code");
    assert_eq!(state("3.1"), "account-wide, not judged");
    let ids: Vec<&str> = controls.iter().map(|c| c["control"].as_str().unwrap()).collect();
    assert!(ids.iter().position(|i| *i == "1.9") < ids.iter().position(|i| *i == "1.10"), "in reading order");
    // Only the framework's rules ran: the bucket's versioning is no CIS v3.0 control.
    let findings = report["findings"].as_array().unwrap();
    assert!(findings.iter().all(|f| f["rule"] != "s3-versioning-disabled"), "{findings:?}");
    assert!(findings.iter().any(|f| f["rule"] == "sg-ssh-open-to-world"));
    let text = stdout(&onus(&["check", "--summary", "--framework", "cis-aws-3.0", "."], dir.path()));
    assert!(text.contains("CIS AWS Foundations Benchmark v3.0.0"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("5.2") && l.contains("open (1)")), "{text}");
    let bad = onus(&["check", "--framework", "cis-9", "."], dir.path());
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("cis-aws-3.0"), "{bad:?}");
    let rules: Vec<Value> = serde_json::from_slice(&onus(&["rules", "--format", "json"], dir.path()).stdout).unwrap();
    let ssh = rules.iter().find(|r| r["id"] == "sg-ssh-open-to-world").unwrap();
    assert_eq!(ssh["frameworks"]["cis-aws-3.0"], json!(["5.2", "5.3"]), "{ssh}");
    assert_eq!(ssh["frameworks"]["aws-fsbp"], json!(["EC2.13"]), "{ssh}");
}

/// A baseline holds the findings a repository has; with it, only new findings are reported and fail the check,
/// whatever lines moved.
#[test]
fn a_baseline_reports_only_new_findings() {
    let before = "resource \"aws_s3_bucket\" \"site\" {\n  acl = \"public-read\"\n}\n";
    let dir = folder(&[("main.tf", before)]);
    let out = onus(&["check", "--create-baseline", "baseline.json", "."], dir.path());
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("wrote"), "{out:?}");
    let clean = onus(&["check", "--baseline", "baseline.json", "."], dir.path());
    assert_eq!(clean.status.code(), Some(0), "{clean:?}");
    assert!(stdout(&clean).trim().is_empty(), "{clean:?}");
    // Lines move, an unrelated edit, and one new insecure bucket: only it is reported.
    let after = format!(
        "# storage\n\nresource \"aws_s3_bucket\" \"new\" {{\n  acl = \"public-read\"\n}}\n\n{}",
        before.replace("acl =", "acl    =")
    );
    std::fs::write(dir.path().join("main.tf"), after).unwrap();
    let found = findings_of("s3-public-acl", &["--baseline", "baseline.json", "."], dir.path());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, 4, "the new bucket's acl: {found:?}");
    let out = onus(&["check", "--baseline", "baseline.json", "."], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("in the baseline"), "{out:?}");
    // A file that is not a baseline is an error, not an empty baseline.
    std::fs::write(dir.path().join("other.json"), "{\"findings\": []}").unwrap();
    let out = onus(&["check", "--baseline", "other.json", "main.tf"], dir.path());
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an onus baseline"), "{out:?}");
}

/// `../shared` beside the checkout (CI has it); `None`, with a note, on a fresh clone.
fn shared() -> Option<std::path::PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = here.ancestors().map(|a| a.join("shared")).find(|p| p.join("corpus/real").is_dir());
    if found.is_none() {
        let _ =
            std::io::Write::write_all(&mut std::io::stderr(), b"note: skipped, ../shared (which CI has) is absent\n");
    }
    found
}

/// On code nobody here wrote: a baseline of the real-world corpus, then one new insecure resource beside it: only
/// that one fails.
#[test]
fn a_baseline_of_the_real_corpus_fails_only_on_the_new_resource() {
    let Some(shared) = shared() else { return };
    let corpus = shared.join("corpus/real");
    let corpus = corpus.to_str().unwrap();
    let dir = folder(&[(
        "new/main.tf",
        "resource \"aws_db_instance\" \"db\" {\n  engine            = \"mysql\"\n  storage_encrypted = false\n}\n",
    )]);
    let made = onus(&["check", "--create-baseline", "baseline.json", corpus], dir.path());
    assert_eq!(made.status.code(), Some(0), "{}", String::from_utf8_lossy(&made.stderr));
    let out = onus(&["check", "--format", "json", "--baseline", "baseline.json", corpus, "new"], dir.path());
    let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {out:?}"));
    assert!(!findings.is_empty());
    assert!(
        findings.iter().all(|f| f["path"].as_str().unwrap().starts_with("new/")),
        "{:?}",
        &findings[..findings.len().min(5)]
    );
    assert_eq!(out.status.code(), Some(1));
}
