//! Baselines: the findings a repository had when it adopted onus, so that CI fails on new ones only and the
//! editor shows the old ones as hints.
//!
//! A finding's identity is its rule, its file (relative to the baseline's folder), its resource (the first line
//! of the resource: `resource "aws_s3_bucket" "logs" {`, `Logs:`) and the text it points at, whitespace folded
//! (`acl = "public-read"`; the resource's header for a missing setting). Line numbers are not part of it: lines
//! move, unrelated edits come and go, and the finding stays the same finding. Identical findings (two alike
//! ingress entries of one group) are counted: a baseline of two covers two.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::text::TextRange;
use crate::workspace::Diagnostic;

/// What the file says it is, so that another JSON file given by mistake is an error, not an empty baseline.
const FORMAT: &str = "onus-baseline";
const VERSION: u32 = 1;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Baseline {
    /// `(rule, path, fingerprint)` and how many findings have it.
    counts: BTreeMap<(String, String, String), usize>,
}

#[derive(Serialize, Deserialize)]
struct File {
    format: String,
    version: u32,
    findings: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    rule: String,
    path: String,
    /// For people reading the file: the resource and the message when it was made.
    resource: String,
    message: String,
    fingerprint: String,
}

/// A finding, as a baseline identifies it: its rule, path and fingerprint (see the module's documentation).
#[derive(Clone, Debug)]
pub struct Identity {
    pub rule: String,
    pub path: String,
    pub fingerprint: String,
    pub resource: String,
}

/// Folds whitespace runs to one space, so that re-indenting or re-aligning does not make a finding new.
fn folded(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn slice(text: &str, range: TextRange) -> &str {
    let end = range.end.min(text.len());
    let start = range.start.min(end);
    text.get(start..end).unwrap_or("")
}

/// A path as the baseline writes it: `/` separators, no `./`.
pub fn normalise_path(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut path = path.as_str();
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    path.to_string()
}

impl Identity {
    /// The identity of `d`, found in `text` (the file's text) at `path` (relative to the baseline's folder).
    pub fn of(path: &str, text: &str, d: &Diagnostic) -> Identity {
        let resource = d.resource.map_or("", |r| slice(text, r).lines().next().unwrap_or("")).trim().to_string();
        let place = folded(slice(text, d.range));
        // A long place (a whole block) is cut: what it starts with identifies it.
        let place: String = place.chars().take(400).collect();
        let fingerprint = format!(
            "{:016x}",
            crate::fast_hash::fnv1a(format!("{}\u{1f}{}\u{1f}{place}", d.code, folded(&resource)).bytes())
        );
        Identity { rule: d.code.to_string(), path: normalise_path(path), fingerprint, resource }
    }

    fn key(&self) -> (String, String, String) {
        (self.rule.clone(), self.path.clone(), self.fingerprint.clone())
    }
}

impl Baseline {
    /// Reads a baseline file; the error says what is wrong with it.
    pub fn parse(text: &str) -> Result<Baseline, String> {
        let file: File = serde_json::from_str(text).map_err(|e| format!("not an onus baseline: {e}"))?;
        if file.format != FORMAT {
            return Err(format!("not an onus baseline: `format` is `{}`, not `{FORMAT}`", file.format));
        }
        if file.version != VERSION {
            return Err(format!("baseline version {} is not one this onus reads ({VERSION})", file.version));
        }
        let mut counts = BTreeMap::new();
        for e in file.findings {
            *counts.entry((e.rule, normalise_path(&e.path), e.fingerprint)).or_insert(0) += 1;
        }
        Ok(Baseline { counts })
    }

    /// The file that records `findings` (identity, and the message for a reader), in a stable order.
    pub fn write(findings: &[(Identity, String)]) -> String {
        let mut entries: Vec<Entry> = findings
            .iter()
            .map(|(id, message)| Entry {
                rule: id.rule.clone(),
                path: id.path.clone(),
                resource: id.resource.clone(),
                message: message.clone(),
                fingerprint: id.fingerprint.clone(),
            })
            .collect();
        entries.sort_by(|a, b| (&a.path, &a.rule, &a.fingerprint).cmp(&(&b.path, &b.rule, &b.fingerprint)));
        let file = File { format: FORMAT.to_string(), version: VERSION, findings: entries };
        serde_json::to_string_pretty(&file).expect("a baseline serialises") + "\n"
    }

    pub fn len(&self) -> usize {
        self.counts.values().sum()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Which of `identities` the baseline covers (each entry covers as many findings as it counts).
    pub fn covered<'a>(&self, identities: impl IntoIterator<Item = &'a Identity>) -> Vec<bool> {
        let mut left = self.counts.clone();
        identities
            .into_iter()
            .map(|id| match left.get_mut(&id.key()) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    true
                }
                _ => false,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::workspace::Workspace;

    fn findings(text: &str) -> Vec<(Identity, String)> {
        let mut ws = Workspace::new(crate::catalog::rules());
        let mut config = Config::default();
        let keep = ["s3-public-acl", "sg-ssh-open-to-world", "rds-storage-unencrypted"];
        config.disabled =
            crate::catalog::all().iter().filter(|r| !keep.contains(&r.id)).map(|r| r.id.to_string()).collect();
        ws.set_config(config);
        ws.open("/b/main.tf", text, 1);
        ws.diagnostics("/b/main.tf")
            .iter()
            .filter(|d| d.rule.is_some())
            .map(|d| (Identity::of("./main.tf", text, d), d.message.to_string()))
            .collect()
    }

    const BEFORE: &str = r#"resource "aws_s3_bucket" "site" {
  acl = "public-read"
}

resource "aws_db_instance" "db" {
  engine = "postgres"
}
"#;

    #[test]
    fn findings_keep_their_identity_when_lines_move_and_new_ones_are_new() {
        let baseline = Baseline::parse(&Baseline::write(&findings(BEFORE))).unwrap();
        assert_eq!(baseline.len(), 2);
        // Lines moved, indentation changed, an unrelated resource added above, and one new insecure resource.
        let after = format!(
            "# a comment\nresource \"aws_sqs_queue\" \"q\" {{\n  name = \"q\"\n}}\n\n{}\nresource \"aws_s3_bucket\" \"new\" {{\n  acl    =   \"public-read\"\n}}\n",
            BEFORE.replace("  acl = ", "    acl    = ")
        );
        let now = findings(&after);
        let covered = baseline.covered(now.iter().map(|(id, _)| id));
        let new: Vec<&str> =
            now.iter().zip(&covered).filter(|(_, c)| !**c).map(|((id, _), _)| id.resource.as_str()).collect();
        assert_eq!(new, ["resource \"aws_s3_bucket\" \"new\" {"]);
    }

    #[test]
    fn identical_findings_are_counted() {
        let group = |n: usize| {
            let ingress = "  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = \"tcp\"\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n";
            format!("resource \"aws_security_group\" \"g\" {{\n{}}}\n", ingress.repeat(n))
        };
        let baseline = Baseline::parse(&Baseline::write(&findings(&group(1)))).unwrap();
        let now = findings(&group(2));
        assert_eq!(now.len(), 2);
        assert_eq!(baseline.covered(now.iter().map(|(id, _)| id)), [true, false]);
        // A changed setting is a new finding: it is not the one the baseline accepted.
        let changed = findings(&group(1).replace("0.0.0.0/0", "::/0"));
        assert_eq!(changed.len(), 1);
        assert_eq!(baseline.covered(changed.iter().map(|(id, _)| id)), [false]);
    }

    #[test]
    fn a_file_that_is_not_a_baseline_is_an_error() {
        assert!(Baseline::parse("[]").unwrap_err().contains("not an onus baseline"));
        assert!(Baseline::parse("{\"format\": \"sarif\", \"version\": 1, \"findings\": []}")
            .unwrap_err()
            .contains("sarif"));
        assert!(Baseline::parse("{\"format\": \"onus-baseline\", \"version\": 9, \"findings\": []}")
            .unwrap_err()
            .contains("version 9"));
        assert!(Baseline::parse("{\"format\": \"onus-baseline\", \"version\": 1, \"findings\": []}")
            .unwrap()
            .is_empty());
    }
}
