//! End to end: `onus check`, `onus rules` and `onus explain` as CI and scripts run them.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

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
    assert_eq!(results.len(), findings.len(), "one result per finding");
    for r in results {
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "examples/terraform/main.tf");
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(loc["region"]["startColumn"].as_u64().unwrap() >= 1);
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
    }
    if let Ok(validator) = std::env::var("ONUS_SARIF_VALIDATOR") {
        // CI installs the official schema and a validator (see .ci/run).
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), &out.stdout).unwrap();
        let status = Command::new(validator).arg(file.path()).status().unwrap();
        assert!(status.success(), "the SARIF log does not validate against the SARIF 2.1.0 schema");
    }
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
    assert_eq!(s3["equivalents"]["kics"][0], "38c5ee0d-7f22-4260-ab72-5073048df100");

    let out = onus(&["explain", "s3-public-acl"], repo());
    assert_eq!(out.status.code(), Some(0));
    let doc = stdout(&out);
    assert!(doc.starts_with("# s3-public-acl: "));
    assert!(doc.contains("## Why is this bad?") && doc.contains("CKV_AWS_20"));
    assert_eq!(onus(&["explain", "no-such-rule"], repo()).status.code(), Some(2));
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

    // A malformed configuration is reported, and the defaults apply.
    std::fs::write(dir.path().join(".onus.toml"), "exclude = [\n").unwrap();
    let out = onus(&["check", "--format", "json", "app"], dir.path());
    assert!(String::from_utf8_lossy(&out.stderr).contains(".onus.toml:"), "{out:?}");
    let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let acl = findings.iter().find(|f| f["rule"] == "s3-public-acl").unwrap();
    assert_eq!(acl["severity"], "critical");
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
