//! The analysis kept between keystrokes (`terraform::incremental`) against analyses afresh, over the Terraform
//! modules of `../shared/corpus`:
//! - a workspace that keeps each module's analysis (the editor's) reports what one that analyses each module
//!   once reports (the CLI's), with the rules' reads recorded or not;
//! - every rule run block by block (as the kept analysis runs a rule once something it read changed) finds
//!   what it finds on the whole module at once;
//! - after each of a series of random edits to a module's files, the kept analysis reports what a new
//!   workspace reports on the same texts.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use onus_analysis::{PositionEncoding, Workspace};

/// A folder of Terraform files, and those files' paths and texts.
type Folder = (PathBuf, Vec<(String, String)>);

/// Every folder of the corpus with Terraform files, and those files' texts.
fn modules() -> Option<Vec<Folder>> {
    fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, Vec<(String, String)>>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_dir() => walk(&path, out),
                Ok(t) if t.is_file() && path.extension().is_some_and(|e| e == "tf" || e == "tfvars") => {
                    if let Ok(text) = std::fs::read_to_string(&path) {
                        out.entry(dir.to_path_buf()).or_default().push((path.display().to_string(), text));
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(&support::shared()?.join("corpus"), &mut out);
    Some(out.into_iter().collect())
}

/// What a workspace says of every file: its diagnostics and its suppressed findings.
type Said = BTreeMap<String, String>;

fn reports(ws: &mut Workspace, files: &[(String, String)]) -> Said {
    let mut out = Said::new();
    for (path, _) in files {
        if out.contains_key(path) {
            continue;
        }
        for (p, report) in ws.reports_of_module(path) {
            out.insert(p, format!("{:#?}\n{:#?}", report.diagnostics, report.suppressed));
        }
    }
    out
}

fn workspace(files: &[(String, String)], once: bool) -> Workspace {
    let mut ws = Workspace::new(onus_analysis::catalog::rules());
    ws.set_today(onus_analysis::date::Date::new(2026, 11, 29));
    if once {
        ws.analyse_each_module_once();
    }
    for (path, text) in files {
        ws.open(path, text, 1);
    }
    ws
}

fn first_difference(a: &Said, b: &Said) -> String {
    for (path, text) in a {
        let other = b.get(path).map(String::as_str).unwrap_or("(missing)");
        if text != other {
            let line = text.lines().zip(other.lines()).position(|(x, y)| x != y).unwrap_or(0);
            let show = |t: &str| t.lines().skip(line.saturating_sub(8)).take(24).collect::<Vec<_>>().join("\n");
            return format!("{path}:\n--- kept:\n{}\n--- afresh:\n{}", show(text), show(other));
        }
    }
    "(different files)".into()
}

#[test]
fn the_kept_analysis_of_a_module_equals_a_single_pass() {
    let Some(modules) = modules() else { return };
    assert!(modules.len() > 100, "the corpus is missing: {} modules", modules.len());
    for (dir, files) in &modules {
        let kept = reports(&mut workspace(files, false), files);
        let once = reports(&mut workspace(files, true), files);
        assert!(kept == once, "{}: {}", dir.display(), first_difference(&kept, &once));
    }
}

#[test]
fn every_rule_run_block_by_block_finds_what_it_finds_on_the_whole_module() {
    use onus_analysis::document::{Document, Parsers};
    use onus_analysis::terraform::{incremental::ModuleAnalysis, Module, TfFile};
    let Some(modules) = modules() else { return };
    let rules: Vec<_> = onus_analysis::catalog::all().iter().copied().filter(|r| r.matcher.has_terraform()).collect();
    let mut parsers = Parsers::new();
    let mut findings = 0;
    for (dir, files) in &modules {
        let read: Vec<TfFile> = files
            .iter()
            .filter_map(|(path, text)| {
                let mut doc = Document::new(path.as_str(), text, 1)?;
                doc.parse_fully(&mut parsers);
                TfFile::read(&doc, None, &mut parsers)
            })
            .collect();
        let expansions = onus_analysis::terraform::expand::Expansions::new();
        let mut module = Module::new(read.iter().collect(), &expansions);
        module.today = Some(onus_analysis::date::Date::new(2026, 11, 29));
        let key = |f: &onus_analysis::finding::Finding| {
            (f.rule.id, f.file, f.range.start, f.range.end, f.message.clone(), format!("{:?}", f.fixes))
        };
        let mut at_once = Vec::new();
        for rule in &rules {
            let mut found = Vec::new();
            onus_analysis::terraform::check::run_rule(
                &module,
                rule,
                &mut found,
                onus_analysis::terraform::check::Subjects::All,
            );
            at_once.extend(found.iter().map(key));
        }
        let mut by_block: Vec<_> =
            ModuleAnalysis::by_subject(rules.iter().copied()).analyse(&module).iter().map(key).collect();
        at_once.sort();
        by_block.sort();
        findings += at_once.len();
        if by_block != at_once {
            let differs = by_block.iter().zip(&at_once).find(|(a, b)| a != b);
            panic!("{}: block by block differs from at once: {differs:#?}", dir.display());
        }
    }
    assert!(findings > 500, "{findings} findings compared");
}

/// A small deterministic generator (xorshift).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// A random edit of `text` as (start, end, replacement): a character typed or deleted, a line deleted or
/// duplicated, a word replaced by another word of the text (a name, `true`/`false`, a type), a `{` or `}`
/// deleted.
fn random_edit(text: &str, rng: &mut Rng) -> (usize, usize, String) {
    let floor = |mut at: usize| {
        at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let at = floor(rng.below(text.len() + 1));
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
    let words: Vec<(usize, usize)> = {
        let mut out = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            let word = c.is_ascii_alphanumeric() || c == '_' || c == '-';
            match (word, start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    out.push((s, i));
                    start = None;
                }
                _ => {}
            }
        }
        out
    };
    match rng.below(7) {
        0 => (at, at, ["x", "\"", "{", "}", "\n", "#", "1"][rng.below(7)].to_string()),
        1 => (at, floor(at + 1).max(text[at..].chars().next().map_or(at, |c| at + c.len_utf8())), String::new()),
        2 => (line_start, line_end, String::new()),
        3 => (line_start, line_start, text[line_start..line_end].to_string()),
        4 | 5 if words.len() > 1 => {
            let (s, e) = words[rng.below(words.len())];
            let (ws, we) = words[rng.below(words.len())];
            (s, e, text[ws..we].to_string())
        }
        _ => match text.match_indices(['{', '}']).nth(rng.below(text.matches(['{', '}']).count())) {
            Some((i, _)) => (i, i + 1, String::new()),
            None => (at, at, "}".into()),
        },
    }
}

#[test]
fn the_kept_analysis_after_random_edits_equals_an_analysis_afresh() {
    let Some(modules) = modules() else { return };
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut edits = 0;
    // Every fourth module (the whole corpus takes minutes in a debug build), 16 edits each.
    for (dir, files) in modules.iter().step_by(4) {
        let mut files = files.clone();
        let mut ws = workspace(&files, false);
        reports(&mut ws, &files);
        for version in 2..18 {
            let which = rng.below(files.len());
            let (path, text) = &files[which];
            let (start, end, insert) = random_edit(text, &mut rng);
            let rope = ropey::Rope::from_str(text);
            let range = onus_analysis::Range {
                start: onus_analysis::text::position_at(&rope, start, PositionEncoding::Utf8),
                end: onus_analysis::text::position_at(&rope, end, PositionEncoding::Utf8),
            };
            ws.change(path, version, &[(Some(range), insert.clone())], PositionEncoding::Utf8).unwrap();
            let edited = format!("{}{}{}", &text[..start], insert, &text[end..]);
            let before = text.clone();
            files[which].1 = edited;
            edits += 1;
            let kept = reports(&mut ws, &files);
            let afresh = reports(&mut workspace(&files, false), &files);
            assert!(
                kept == afresh,
                "{} after edit {version} ({start}..{end} -> {insert:?} in {}, whose text was {before:?}): {}",
                dir.display(),
                files[which].0,
                first_difference(&kept, &afresh)
            );
        }
    }
    assert!(edits > 1000, "{edits} edits");
}

/// A rule that finds more than the analysis keeps (a generated file) runs at every analysis: its findings are
/// all there after an edit, where they are.
#[test]
fn a_rule_with_too_many_findings_to_keep_still_reports_them_all() {
    let bucket = |i: usize| format!("resource \"aws_s3_bucket\" \"b{i}\" {{\n  acl = \"public-read\"\n}}\n\n");
    let text: String = (0..5_100).map(bucket).collect();
    let path = "/many/main.tf".to_string();
    let mut ws = workspace(&[(path.clone(), text.clone())], false);
    let count = |ws: &mut Workspace| ws.diagnostics(&path).iter().filter(|d| d.code == "s3-public-acl").count();
    assert_eq!(count(&mut ws), 5_100);
    // A block inserted at the top moves every finding.
    let range =
        onus_analysis::Range { start: onus_analysis::Position::new(0, 0), end: onus_analysis::Position::new(0, 0) };
    ws.change(&path, 2, &[(Some(range), bucket(9_999))], PositionEncoding::Utf8).unwrap();
    let edited = format!("{}{text}", bucket(9_999));
    let kept = reports(&mut ws, &[(path.clone(), edited.clone())]);
    let afresh = reports(&mut workspace(&[(path.clone(), edited.clone())], true), &[(path, edited)]);
    assert!(kept == afresh, "{}", first_difference(&kept, &afresh));
}

/// The kept analysis of `files` after each text of `edits` replaces the first file's, against an analysis afresh.
fn assert_kept_equals_afresh(files: &[(&str, &str)], edits: &[&str]) {
    let mut files: Vec<(String, String)> = files.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect();
    let mut ws = workspace(&files, false);
    reports(&mut ws, &files);
    for (i, text) in edits.iter().enumerate() {
        let version = i as i32 + 2;
        ws.change(&files[0].0, version, &[(None, text.to_string())], PositionEncoding::Utf8).unwrap();
        files[0].1 = text.to_string();
        let kept = reports(&mut ws, &files);
        let afresh = reports(&mut workspace(&files, false), &files);
        assert!(kept == afresh, "after edit {i}: {}", first_difference(&kept, &afresh));
    }
}

/// A local read while the policy documents are rendered (before any rule runs) still makes the rules that read
/// it depend on what it reads.
#[test]
fn a_local_a_policy_document_reads_keeps_its_dependencies() {
    let main = |acl: &str| {
        format!(
            "variable \"acl\" {{\n  default = \"{acl}\"\n}}\n\nlocals {{\n  acl = var.acl\n}}\n\n\
             data \"aws_iam_policy_document\" \"p\" {{\n  statement {{\n    sid       = local.acl\n    \
             actions   = [\"s3:GetObject\"]\n    resources = [\"*\"]\n  }}\n}}\n\n\
             resource \"aws_s3_bucket\" \"b\" {{\n  acl = local.acl\n}}\n"
        )
    };
    assert_kept_equals_afresh(&[("/local-doc/main.tf", &main("private"))], &[&main("public-read"), &main("private")]);
}

/// A local read both leniently (a policy) and strictly (a bucket's name) gives each reader its own value, whoever
/// reads it first.
#[test]
fn a_local_read_leniently_and_strictly_does_not_depend_on_who_reads_first() {
    let main = |status: &str| {
        format!(
            "variable \"env\" {{}}\n\nlocals {{\n  bucket = \"${{var.env}}-logs\"\n}}\n\n\
             resource \"aws_iam_policy\" \"p\" {{\n  policy = jsonencode({{ Statement = [{{ Effect = \"Allow\", \
             Action = \"s3:*\", Resource = \"arn:aws:s3:::${{local.bucket}}/*\" }}] }})\n}}\n\n\
             resource \"aws_s3_bucket\" \"b\" {{\n  bucket = local.bucket\n}}\n\n\
             resource \"aws_s3_bucket_versioning\" \"v\" {{\n  bucket = \"${{local.bucket}}\"\n  \
             versioning_configuration {{\n    status = \"{status}\"\n  }}\n}}\n"
        )
    };
    assert_kept_equals_afresh(&[("/local-modes/main.tf", &main("Enabled"))], &[&main("Enabledx"), &main("Enabled")]);
}

/// Once a rule runs block by block, a block's run is made again when what it read changes elsewhere: a
/// variable, a companion resource, the bucket a logging target names, a block added or removed before it.
#[test]
fn runs_block_by_block_are_made_again_when_what_they_read_changes() {
    let main = |top: &str, acl: &str, status: &str, target: &str, tag: &str| {
        format!(
            "{top}variable \"acl\" {{\n  default = \"{acl}\"\n}}\n\n\
             resource \"aws_s3_bucket\" \"a\" {{\n  bucket = \"a-data\"\n  acl    = var.acl\n  tags = {{ Name = \"{tag}\" }}\n}}\n\n\
             resource \"aws_s3_bucket\" \"b\" {{\n  bucket = \"b-data\"\n}}\n\n\
             resource \"aws_s3_bucket_versioning\" \"b\" {{\n  bucket = aws_s3_bucket.b.id\n  \
             versioning_configuration {{\n    status = \"{status}\"\n  }}\n}}\n\n\
             resource \"aws_s3_bucket_logging\" \"b\" {{\n  bucket        = aws_s3_bucket.b.id\n  \
             target_bucket = \"{target}\"\n  target_prefix = \"b/\"\n}}\n\n\
             resource \"aws_db_instance\" \"db\" {{\n  engine            = \"postgres\"\n  \
             storage_encrypted = {}\n}}\n",
            acl == "private"
        )
    };
    let start = main("", "private", "Enabled", "a-data", "one");
    let edits = [
        // Every rule that read the buckets runs block by block from here on.
        main("", "private", "Enabled", "a-data", "two"),
        main("", "public-read", "Enabled", "a-data", "two"),
        main("", "public-read", "Suspended", "a-data", "two"),
        main("", "public-read", "Suspended", "nowhere", "two"),
        main("", "public-read", "Suspended", "a-data", "three"),
        main("locals {\n  x = 1\n}\n\n", "public-read", "Suspended", "a-data", "three"),
        main("locals {\n  x = 1\n}\n\n", "private", "Enabled", "a-data", "three"),
        main("", "private", "Enabled", "a-data", "three"),
    ];
    let edits: Vec<&str> = edits.iter().map(String::as_str).collect();
    assert_kept_equals_afresh(&[("/by-block/main.tf", &start)], &edits);
}

/// A keystroke in a variable compares only that variable's value; a variable added, gone, renamed or declared
/// twice (the later one wins) still reaches every bucket that reads it.
#[test]
fn variables_edited_renamed_and_declared_twice_reach_their_readers() {
    let main = |first: &str, second: &str| {
        format!(
            "{first}\n\n{second}\n\nresource \"aws_s3_bucket\" \"a\" {{\n  bucket = \"a\"\n  acl    = var.acl\n}}\n\n\
             resource \"aws_s3_bucket\" \"b\" {{\n  bucket = \"b\"\n  acl    = var.other\n}}\n"
        )
    };
    let var = |name: &str, acl: &str| format!("variable \"{name}\" {{\n  default = \"{acl}\"\n}}");
    let texts = [
        main(&var("acl", "private"), &var("other", "private")),
        main(&var("acl", "public-read"), &var("other", "private")),
        main(&var("acl", "public-read"), &var("acl", "private")),
        main(&var("acl", "public-read"), &var("acl", "public-read")),
        main(&var("acl", "private"), &var("acl", "public-read")),
        main(&var("other", "private"), &var("acl", "public-read")),
        main(&var("other", "public-read"), &var("acl", "private")),
        main("", &var("acl", "private")),
        main(&var("other", "public-read"), &var("acl", "private")),
    ];
    let edits: Vec<&str> = texts[1..].iter().map(String::as_str).collect();
    assert_kept_equals_afresh(&[("/variables/main.tf", &texts[0])], &edits);
}

/// The indexes an analysis carries to the next hold blocks by position: after blocks are added or removed
/// before them, they are built again, not read where the blocks were.
#[test]
fn indexes_carried_between_analyses_follow_blocks_added_and_removed() {
    let main = |top: &str, tag: &str, status: &str| {
        format!(
            "{top}resource \"aws_s3_bucket\" \"b\" {{\n  bucket = \"b\"\n  tags   = {{ Name = \"{tag}\" }}\n}}\n\n\
             resource \"aws_s3_bucket_logging\" \"b\" {{\n  bucket        = aws_s3_bucket.b.id\n  \
             target_bucket = \"logs\"\n}}\n\n\
             resource \"aws_s3_bucket_versioning\" \"b\" {{\n  bucket = aws_s3_bucket.b.id\n  \
             versioning_configuration {{\n    status = \"{status}\"\n  }}\n}}\n"
        )
    };
    let sg = "resource \"aws_security_group\" \"s\" {\n  description = \"x\"\n}\n\n";
    let texts = [
        main("", "one", "Suspended"),
        main("", "two", "Suspended"),
        main(sg, "two", "Suspended"),
        main(sg, "three", "Suspended"),
        main(sg, "three", "Enabled"),
        main("", "three", "Enabled"),
        main("", "four", "Enabled"),
        main("", "four", "Suspended"),
    ];
    let edits: Vec<&str> = texts[1..].iter().map(String::as_str).collect();
    assert_kept_equals_afresh(&[("/carried/main.tf", &texts[0])], &edits);
}

/// A keystroke that leaves a module-wide index as it was (the references of the module, after a bucket's tag
/// changes) makes one reader of the index run again, to compute it, not all of them (every security group's
/// run); and the findings stay those of an analysis afresh.
#[test]
fn an_index_left_equal_by_a_keystroke_reruns_one_of_its_readers() {
    let module = |tag: &str| {
        let mut text = format!("resource \"aws_s3_bucket\" \"a\" {{\n  tags = {{ Name = \"{tag}\" }}\n}}\n");
        for i in 0..30 {
            text.push_str(&format!("resource \"aws_security_group\" \"g{i}\" {{\n  name = \"g{i}\"\n}}\n"));
        }
        text
    };
    let mut ws = only_rule("sg-not-attached");
    let path = "/one-reader/main.tf";
    ws.open(path, &module("one"), 1);
    assert_eq!(ws.diagnostics(path).len(), 30);
    // The first keystroke turns the rule's run over the module into runs on each group; the next ones reuse them.
    // Every group is still attached to nothing.
    let runs = retype_tag(&mut ws, path, module, 30);
    assert!(runs <= 2, "a keystroke in the bucket ran the rule {runs} times");
}

/// A rule that looks a block up by its address (each versioning resource's bucket) reads that block, not every
/// block of its type: a keystroke in one bucket reruns the runs about that bucket, not the thirty others'.
#[test]
fn a_lookup_by_address_reads_the_block_at_it_only() {
    let module = |tag: &str| {
        let mut text = String::new();
        for i in 0..30 {
            let tags = if i == 0 { format!("  tags = {{ Name = \"{tag}\" }}\n") } else { String::new() };
            text.push_str(&format!(
                "resource \"aws_s3_bucket\" \"b{i}\" {{\n{tags}}}\nresource \"aws_s3_bucket_versioning\" \"b{i}\" {{\n  \
                 bucket = aws_s3_bucket.b{i}.id\n  versioning_configuration {{\n    status = \"Enabled\"\n  }}\n}}\n"
            ));
        }
        text
    };
    let mut ws = only_rule("s3-mfa-delete-disabled");
    let path = "/by-address/main.tf";
    ws.open(path, &module("one"), 1);
    assert_eq!(ws.diagnostics(path).len(), 30);
    // Every versioning resource still lacks MFA delete.
    let runs = retype_tag(&mut ws, path, module, 30);
    assert!(runs <= 2, "a keystroke in one bucket ran the rule {runs} times");
    // And what is kept is what an analysis afresh finds, through the bucket gone and back.
    let texts = [
        module("one"),
        module("two"),
        module("two").replacen("resource \"aws_s3_bucket\" \"b0\" {\n  tags = { Name = \"two\" }\n}\n", "", 1),
        module("two"),
    ];
    let edits: Vec<&str> = texts[1..].iter().map(String::as_str).collect();
    assert_kept_equals_afresh(&[("/by-address-afresh/main.tf", &texts[0])], &edits);
}

/// A memo read entry by entry (which blocks are referenced, which databases use a group): an edit that
/// changes one entry (a database no longer lists its group) reruns the runs that read that entry, not every
/// reader of the memo; and what is kept equals an analysis afresh.
#[test]
fn a_memo_read_by_entry_reruns_the_readers_of_the_entries_that_changed() {
    let module = |listed: bool| {
        let mut text = String::new();
        for i in 0..30 {
            let groups = if i == 0 && !listed { "[]".to_string() } else { format!("[aws_security_group.g{i}.id]") };
            text.push_str(&format!(
                "resource \"aws_security_group\" \"g{i}\" {{\n  name   = \"g{i}\"\n  vpc_id = \"vpc-1\"\n  ingress {{\n    \
                 from_port   = 5432\n    to_port     = 5432\n    protocol    = \"tcp\"\n    cidr_blocks = [\"10.0.0.0/16\"]\n  \
                 }}\n}}\nresource \"aws_db_instance\" \"d{i}\" {{\n  vpc_security_group_ids = {groups}\n}}\n"
            ));
        }
        text
    };
    for rule in ["sg-not-attached", "rds-security-group-broad-cidr"] {
        let mut ws = only_rule(rule);
        let path = format!("/by-entry-{rule}/main.tf");
        ws.open(&path, &module(true), 1);
        let before = ws.diagnostics(&path).len();
        // Unlisted and listed again, twice (the first edit turns the run over the module into runs by block).
        for (version, listed) in [(2, false), (3, true), (4, false), (5, true)] {
            ws.change(&path, version, &[(None, module(listed))], PositionEncoding::Utf16).unwrap();
            let now = ws.diagnostics(&path).len();
            match rule {
                "sg-not-attached" => assert_eq!(now, if listed { 0 } else { 1 }, "{rule}, edit {version}"),
                _ => assert_eq!(now, if listed { before } else { before - 1 }, "{rule}, edit {version}"),
            }
            if version > 2 {
                let runs = ws.runs_made(&path).expect("an analysis kept");
                assert!(runs <= 3, "{rule}: an edit of one database's groups ran the rule {runs} times");
            }
        }
    }
    let texts = [module(true), module(false), module(true), module(false)];
    let edits: Vec<&str> = texts[1..].iter().map(String::as_str).collect();
    assert_kept_equals_afresh(&[("/by-entry-afresh/main.tf", &texts[0])], &edits);
}

/// A workspace where only `rule` runs.
fn only_rule(rule: &str) -> Workspace {
    let mut config = onus_analysis::config::Config::default();
    config.disabled = onus_analysis::catalog::all().iter().filter(|r| r.id != rule).map(|r| r.id.to_string()).collect();
    let mut ws = Workspace::new(onus_analysis::catalog::rules());
    ws.set_config(config);
    ws
}

/// Three keystrokes in the tag on line 2 of `module(tag)` (its text, from column 19, replaced); after each the
/// file has `findings` findings. The runs the last keystroke made.
fn retype_tag(ws: &mut Workspace, path: &str, module: impl Fn(&str) -> String, findings: usize) -> usize {
    let mut tag = "one";
    for (version, next) in [(2, "two"), (3, "six"), (4, "ten")] {
        let at = |c| onus_analysis::Position::new(1, c);
        let range = onus_analysis::Range { start: at(19), end: at(19 + tag.len() as u32) };
        ws.change(path, version, &[(Some(range), next.to_string())], PositionEncoding::Utf16).unwrap();
        tag = next;
        assert_eq!(ws.document(path).unwrap().text(), module(tag));
        assert_eq!(ws.diagnostics(path).len(), findings, "after the keystroke to {tag}");
    }
    ws.runs_made(path).expect("an analysis kept")
}

/// The index of referenced blocks is built from the last analysis's, counting again only the blocks that came
/// and went. Through a block broken and mended, references added and removed, a block that stops existing
/// (`count = 0` through a variable) and one deleted, each edit sent as the range that changed (so that the
/// blocks around it keep their identities), what the kept analysis reports equals an analysis afresh, and the
/// unattached groups are those expected.
#[test]
fn the_referenced_blocks_index_built_from_the_last_one_equals_one_afresh() {
    let module = |refs: &str, on: bool, output: bool, extra: bool| {
        let mut text = format!("variable \"on\" {{\n  default = {on}\n}}\n");
        for g in ["a", "b", "c"] {
            text.push_str(&format!("resource \"aws_security_group\" \"{g}\" {{\n  name = \"{g}\"\n}}\n"));
        }
        if extra {
            // A block more before the instance: the instance, kept, is at another place.
            text.push_str("resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n}\n");
        }
        text.push_str(&format!(
            "resource \"aws_instance\" \"i\" {{\n  count                  = var.on ? 1 : 0\n  vpc_security_group_ids = [{refs}]\n}}\n"
        ));
        if output {
            text.push_str("output \"b\" {\n  value = aws_security_group.b.id\n}\n");
        }
        text
    };
    let a = "aws_security_group.a.id";
    let ac = "aws_security_group.a.id, aws_security_group.c.id";
    let broken = module(a, true, true, false).replacen("\"i\" {", "\"i\" ", 1);
    // Each text, and the groups attached to nothing in it.
    let steps: [(String, &[&str]); 11] = [
        (module(a, true, true, false), &["c"]),
        // The instance's `{` deleted: it is read as broken, and what it referred to with it.
        (broken, &["a", "c"]),
        (module(a, true, true, false), &["c"]),
        (module("", true, true, false), &["a", "c"]),
        (module(ac, true, true, false), &[]),
        (module(ac, false, true, false), &["a", "c"]),
        (module(ac, true, true, false), &[]),
        // A block added before the instance, then the instance made not to exist where it is now.
        (module(ac, true, true, true), &[]),
        (module(ac, false, true, true), &["a", "c"]),
        (module(a, true, false, true), &["b", "c"]),
        (module(a, true, true, false), &["c"]),
    ];
    unattached_through("/referenced-updated/main.tf", &steps);
}

/// The names of the groups in `security_groups` lists, collected from the last analysis's (the blocks that have
/// no list are not looked into again): through a list's variable edited, a list added and removed, and its
/// block made not to exist, deleted, and moved by a block removed before it, the kept analysis equals an
/// analysis afresh.
#[test]
fn the_listed_group_names_built_from_the_last_ones_equal_those_afresh() {
    let module = |listed: &str, list: bool, on: bool, instance: bool| {
        let mut text =
            format!("variable \"g\" {{\n  default = \"{listed}\"\n}}\nvariable \"on\" {{\n  default = {on}\n}}\n");
        for g in ["a", "b"] {
            text.push_str(&format!("resource \"aws_security_group\" \"{g}\" {{\n  name = \"{g}\"\n}}\n"));
        }
        text.push_str("resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n}\n");
        if instance {
            let groups = if list { "  security_groups = [var.g]\n" } else { "" };
            text.push_str(&format!("resource \"aws_instance\" \"i\" {{\n  count = var.on ? 1 : 0\n{groups}}}\n"));
        }
        text
    };
    let steps: [(String, &[&str]); 9] = [
        (module("a", true, true, true), &["b"]),
        (module("b", true, true, true), &["a"]),
        (module("b", false, true, true), &["a", "b"]),
        (module("a", true, true, true), &["b"]),
        (module("a", true, false, true), &["a", "b"]),
        (module("a", true, true, false), &["a", "b"]),
        (module("a", true, true, true), &["b"]),
        // The bucket before the list removed (the list's block, kept, is at another place), then the list's
        // variable edited.
        (
            module("a", true, true, true).replacen(
                "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n}\n",
                "",
                1,
            ),
            &["b"],
        ),
        (
            module("b", true, true, true).replacen(
                "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n}\n",
                "",
                1,
            ),
            &["a"],
        ),
    ];
    unattached_through("/listed-updated/main.tf", &steps);
}

/// Types each text of `steps` in turn into `path` (as the range that changed, so that the blocks around it keep
/// their identities), checking that sg-not-attached flags the groups given, as an analysis afresh does.
fn unattached_through(path: &str, steps: &[(String, &[&str])]) {
    let mut ws = only_rule("sg-not-attached");
    ws.open(path, &steps[0].0, 1);
    let mut text = steps[0].0.clone();
    for (version, (next, unattached)) in steps.iter().enumerate() {
        if version > 0 {
            let prefix = text.bytes().zip(next.bytes()).take_while(|(x, y)| x == y).count();
            let most = text.len().min(next.len()) - prefix;
            let suffix = text.bytes().rev().zip(next.bytes().rev()).take(most).take_while(|(x, y)| x == y).count();
            let rope = ropey::Rope::from_str(&text);
            let at = |offset| onus_analysis::text::position_at(&rope, offset, PositionEncoding::Utf8);
            let range = onus_analysis::Range { start: at(prefix), end: at(text.len() - suffix) };
            let inserted = next[prefix..next.len() - suffix].to_string();
            ws.change(path, version as i32 + 1, &[(Some(range), inserted)], PositionEncoding::Utf8).unwrap();
            text = next.clone();
            assert_eq!(ws.document(path).unwrap().text(), text);
        }
        let mut flagged: Vec<String> = ws
            .diagnostics(path)
            .iter()
            .filter(|d| d.code == "sg-not-attached")
            .map(|d| {
                d.message.split('`').nth(1).unwrap_or_default().trim_start_matches("aws_security_group.").to_string()
            })
            .collect();
        flagged.sort();
        assert_eq!(flagged, *unattached, "at step {version}");
        let mut afresh = only_rule("sg-not-attached");
        afresh.open(path, &text, 1);
        assert_eq!(ws.diagnostics(path), afresh.diagnostics(path), "at step {version}");
    }
}
