//! Reading Terraform, over every `.tf`/`.tfvars` file of `../shared/corpus`:
//! - the direct reader (`terraform::direct`) against tree-sitter's reading: where it reads a file, the tree has
//!   no error and the models are equal (ranges, values, comments); it declines only a few valid files;
//! - the chunked reading (`terraform::chunked`) of a valid file gives the whole file's model, and reading a file
//!   after an edit from its previous reading gives what reading it afresh gives.

mod support;

use std::path::{Path, PathBuf};

use onus_analysis::document::Parsers;
use onus_analysis::file_kind::Syntax;
use onus_analysis::terraform::{chunked, direct, read_tree};

/// The `.tf`/`.tfvars` files under `../shared/<under>`, in path order; `None` without `../shared`.
fn corpus_files(under: &str) -> Option<Vec<PathBuf>> {
    let mut files = Vec::new();
    walk(&support::shared()?.join(under), &mut files);
    files.sort();
    Some(files)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(&path, out),
            Ok(t) if t.is_file() && path.extension().is_some_and(|e| e == "tf" || e == "tfvars") => out.push(path),
            _ => {}
        }
    }
}

/// Reads `text` both ways; returns whether the direct reader declined a text tree-sitter reads without error.
fn compare(name: &str, text: &str, parsers: &mut Parsers) -> Option<bool> {
    let reading = chunked::read(text, None, parsers);
    let tree = parsers.get(Syntax::Hcl).parse(text, None)?;
    let direct = direct::read(text);
    let valid = !tree.root_node().has_error();
    match direct {
        Some(file) => {
            assert!(valid, "{name}: read directly, but tree-sitter finds a syntax error");
            let expected = read_tree(text, &tree);
            // Chunk by chunk, the same model.
            assert_eq!(reading.problems, [], "{name}");
            assert_eq!(
                (&reading.blocks, &reading.attributes, &reading.comments),
                (&file.blocks, &file.attributes, &file.comments),
                "{name}: chunked"
            );
            if file != expected {
                for (a, b) in file.blocks.iter().zip(&expected.blocks) {
                    assert_eq!(a, b, "{name}: first differing block");
                }
                assert_eq!(file.attributes, expected.attributes, "{name}: attributes");
                assert_eq!(file.comments, expected.comments, "{name}: comments");
                assert_eq!(file, expected, "{name}");
            }
            Some(false)
        }
        None => Some(valid),
    }
}

#[test]
fn the_direct_reader_reads_the_corpus_as_tree_sitter_does() {
    let Some(files) = corpus_files("corpus") else { return };
    assert!(files.len() > 2000, "the corpus is missing: {} files under ../shared/corpus", files.len());
    let mut parsers = Parsers::new();
    let (mut read, mut declined) = (0, Vec::new());
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else { continue };
        match compare(&path.display().to_string(), &text, &mut parsers) {
            Some(true) => declined.push(path.display().to_string()),
            Some(false) if direct::read(&text).is_some() => read += 1,
            _ => {}
        }
    }
    let valid = read + declined.len();
    println!("read directly: {read} of {valid} valid files; declined: {}", declined.len());
    for d in &declined {
        println!("  declined {d}");
    }
    // Declines are correct (tree-sitter reads those) but slow: keep them rare.
    assert!(declined.len() * 50 <= valid, "{} of {valid} valid files declined", declined.len());
}

#[test]
fn the_direct_reader_mirrors_tree_sitter_quirks() {
    let mut parsers = Parsers::new();
    for text in [
        // Literal text loses its blanks at both ends, as tree-sitter-hcl's scanner skips them.
        "a = \" x ${y} - ${z} \"\n",
        "a = \"  \"\nb = \"\"\n",
        // Heredocs, plain and indented, with interpolations and directives.
        "a = <<EOF\n  one\n   two ${x}\nEOF\n",
        "a = <<-EOT\n    {\"k\": \"${v}\"}\n      %{ if c }yes%{ else }no%{ endif }\n    EOT\n",
        "a = <<EOF\nEOF\n",
        // Traversals, splats (which keep the steps after them), legacy indexes, calls, conditionals.
        "a = x.y[0].z\nb = x[*].y.z\nc = x.*.y[1]\nd = x.0.y\ne = f(1, \"2\", [3])\nf = g(x...)\n",
        "a = b ? c : d\nb = x ? 1 : y ? 2 : z ? 3 : 4\nb = (x) \nc = (x).y\nd = -1\ne = !true\nf = - - 2\ng = 1 + 2 * 3\n",
        "a = [for x in y : x if x != null]\nb = {for k, v in m : k => v...}\nc = {a = 1, \"b\" : 2 c = 3}\n",
        // Comments: kept between items and after values, dropped inside expressions.
        "# top\nresource \"a\" \"b\" { # header\n  x = 1 # after\n  y = [1, # inside\n  2]\n  /* block */\n}\n// end",
        "a = \"$${literal} %%{literal} \\\"q\\\" \\u00e9\"\nb = 0x1F\nc = 1.5e3\nd = provider::aws::arn(x)\n",
        "a = b ? {\n  # inside\n  k = 1\n} : null\n",
        "a \"b\" c {\n  d {}\n  e { f = 1 }\n}\n",
        // Operators and traversals, grouped as HCL groups them (tree-sitter's tree does not).
        "a = !var.x.y\nb = x == y[0]\nc = -b.c[0]\nd = x.a + y.b * z - w\ne = f(x)[0].b\nf = -1[0]\n",
        "a = (x ? 1 : 2) ? 3 : 4\nb = x > 1 && !y || z != \"a\"\nc = [1, 2][0]\nd = {a = 1}.a\ne = \"s\"[0]\n",
        "a = [for k, v in m : v.x if k != \"a\"][0]\nb = merge(local.l...)\nc = x[*].y[0].z\nd = length(x) > 0 ? x[0] : null\n",
    ] {
        assert_eq!(compare(text, text, &mut parsers), Some(false), "declined: {text}");
    }
    // Declined: syntax errors, and what tree-sitter reads in ways not mirrored.
    for text in ["a = \n", "a {", "a = \"x\ny\"\n", "a = 1e5\n", "{\"a\": 1}\n", "é = 1\n", "a = b # c\n ? 1 : 2\n"] {
        assert!(direct::read(text).is_none(), "read: {text}");
    }
}

/// Edits of real files, valid and breaking: the reading from the previous reading equals a fresh one.
#[test]
fn reading_after_an_edit_equals_reading_afresh() {
    let Some(files) = corpus_files("corpus/real") else { return };
    let mut parsers = Parsers::new();
    let mut checked = 0;
    for path in files.iter().step_by(7) {
        let Ok(text) = std::fs::read_to_string(path) else { continue };
        let mut previous = (text.clone(), chunked::read(&text, None, &mut parsers));
        // Delete or type at a few places, each edit on the text the previous one left: a brace deleted, a brace
        // typed, a character typed in the middle, a line joined with the next.
        for (i, insert) in
            [(text.find('{'), ""), (text.rfind('}'), "{"), (Some(text.len() / 2), "x"), (text.find('\n'), "")]
        {
            let Some(at) = i else { continue };
            let old = &previous.0;
            let at = onus_analysis::fix::floor_boundary(old, at);
            let end = if insert.is_empty() { old[at..].chars().next().map_or(at, |c| at + c.len_utf8()) } else { at };
            let new = format!("{}{insert}{}", &old[..at], &old[end..]);
            let fresh = chunked::read(&new, None, &mut parsers);
            let (old_text, old_reading) = previous;
            let updated = chunked::read(&new, Some((&old_text, old_reading)), &mut parsers);
            assert_eq!(updated, fresh, "{}: edit at {at}", path.display());
            previous = (new, updated);
            checked += 1;
        }
    }
    assert!(checked > 400, "{checked} edits checked");
}

#[path = "../../bench/generate.rs"]
#[allow(dead_code)] // these tests read the dense kind only
mod generate;

/// A tiny deterministic PRNG (SplitMix64): the same edits on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One random edit of `text`: what a keystroke or a small paste does, at a random place or a line start,
/// with more of those that move chunk boundaries (braces, comment and heredoc openers, header lines).
fn random_edit(text: &str, rng: &mut Rng) -> String {
    let floor = |at: usize| onus_analysis::fix::floor_boundary(text, at.min(text.len()));
    let line_starts: Vec<usize> =
        std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).filter(|&i| i <= text.len()).collect();
    let at =
        if rng.below(3) == 0 { line_starts[rng.below(line_starts.len())] } else { floor(rng.below(text.len() + 1)) };
    let next_char = |at: usize| text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    let (start, end, insert): (usize, usize, String) = match rng.below(12) {
        // One character typed.
        0 | 1 => {
            let c = ["x", " ", "\"", "{", "}", "\n", "=", "*", "/", "<", "#", "é"][rng.below(12)];
            (at, at, c.to_string())
        }
        // One character deleted.
        2 | 3 => (at, next_char(at), String::new()),
        // The next brace deleted.
        4 => match text[at..].find(['{', '}']) {
            Some(i) => (at + i, at + i + 1, String::new()),
            None => (at, at, String::new()),
        },
        // A comment, a block comment or a heredoc opened or closed.
        5 => (at, at, ["/*", "*/", "#", "//"][rng.below(4)].to_string()),
        6 => (at, at, ["<<EOF\n", "<<-EOT\n", "EOF\n", "x = <<EOF\n"][rng.below(4)].to_string()),
        // A line deleted, or repeated elsewhere (the same text before and after: the change is ambiguous).
        7 => {
            let i = rng.below(line_starts.len());
            let end = line_starts.get(i + 1).copied().unwrap_or(text.len());
            (line_starts[i], end, String::new())
        }
        8 => {
            let i = rng.below(line_starts.len());
            let line = &text[line_starts[i]..line_starts.get(i + 1).copied().unwrap_or(text.len())];
            let to = line_starts[rng.below(line_starts.len())];
            (to, to, line.to_string())
        }
        // A header or a whole block typed or pasted.
        9 => (at, at, "resource \"aws_s3_bucket\" \"n\" {\n".to_string()),
        10 => (at, at, "\nresource \"aws_s3_bucket\" \"n\" {\n  bucket = \"x\"\n}\n".to_string()),
        // A newline typed or joined.
        _ => match text[at..].find('\n') {
            Some(i) if rng.below(2) == 0 => (at + i, at + i + 1, String::new()),
            _ => (at, at, "\n".to_string()),
        },
    };
    format!("{}{insert}{}", &text[..start], &text[end..])
}

/// Chains of random edits, each reading from the previous reading: it equals a fresh reading every time (the
/// change found by comparing the texts, or by editing the previous text from a rope), and every block has an
/// identity no other block of the reading has.
#[test]
fn readings_after_chains_of_random_edits_equal_fresh_ones() {
    let Some(files) = corpus_files("corpus") else { return };
    let mut texts: Vec<(String, String)> = files
        .iter()
        .step_by(25)
        .filter_map(|p| Some((p.display().to_string(), std::fs::read_to_string(p).ok()?)))
        .collect();
    texts.push(("generated 300 lines".into(), generate::generate(300)));
    texts.push(("generated 1500 lines".into(), generate::generate(1500)));
    // Top-level attributes and comments between the blocks (as in `.tfvars` files).
    let between = generate::generate(300).replace("}\n\nresource", "}\nflag = true # on\n\nresource");
    texts.push(("generated with top-level attributes".into(), between));
    let mut rng = Rng(0x6f6e_7573);
    let mut parsers = Parsers::new();
    let mut checked = 0;
    for (name, text) in &texts {
        let chains = if text.len() > 20_000 { 6 } else { 2 };
        for chain in 0..chains {
            let mut previous = (text.clone(), chunked::read(text, None, &mut parsers));
            for step in 0..8 {
                let new = random_edit(&previous.0, &mut rng);
                let fresh = chunked::read(&new, None, &mut parsers);
                let (old_text, old_reading) = previous;
                // As the workspace reads: the previous text edited in place from the document's rope.
                let mut edited = old_text.clone();
                let change = chunked::Change::apply(&mut edited, &ropey::Rope::from_str(&new));
                assert_eq!(edited, new, "{name}: the text edited from the rope");
                assert_eq!(change, chunked::Change::between(&old_text, &new), "{name}");
                let from_rope = chunked::read_changed(&new, change, old_reading.clone(), &mut parsers);
                assert_eq!(from_rope, fresh, "{name}, chain {chain}, edit {step}: {old_text:?}\n->\n{new:?}");
                let updated = chunked::read(&new, Some((&old_text, old_reading)), &mut parsers);
                assert_eq!(updated, fresh, "{name}, chain {chain}, edit {step}: {old_text:?}\n->\n{new:?}");
                assert_eq!(updated.ids.len(), updated.blocks.len(), "{name}");
                let mut ids = updated.ids.clone();
                ids.sort();
                ids.dedup();
                assert_eq!(ids.len(), updated.ids.len(), "{name}: an identity given twice");
                previous = (new, updated);
                checked += 1;
            }
        }
    }
    assert!(checked > 600, "{checked} edits checked");
}

/// The index of blocks by kind and type a file's reading keeps up to date (see `terraform::block_index`) equals
/// the index of a fresh reading, and its indentation unit the text's, after every edit of chains of random ones.
#[test]
fn the_block_index_kept_by_a_reading_equals_a_fresh_one() {
    use onus_analysis::document::Document;
    use onus_analysis::terraform::{block_index::BlockIndex, TfFile};
    let Some(files) = corpus_files("corpus") else { return };
    let mut texts: Vec<(String, String)> = files
        .iter()
        .step_by(40)
        .filter_map(|p| Some((p.display().to_string(), std::fs::read_to_string(p).ok()?)))
        .collect();
    texts.push(("generated 600 lines".into(), generate::generate(600)));
    let mut rng = Rng(0x6964_7873);
    let mut parsers = Parsers::new();
    let mut checked = 0;
    for (name, text) in &texts {
        let path = if name.ends_with(".tfvars") { "/m/terraform.tfvars" } else { "/m/main.tf" };
        let mut doc = Document::new(path, text, 1).expect("a Terraform path");
        doc.parse_fully(&mut parsers);
        let mut file = TfFile::read(&doc, None, &mut parsers);
        for step in 0..8 {
            let new = random_edit(&doc.text(), &mut rng);
            doc = Document::new(path, &new, step + 2).expect("a Terraform path");
            doc.parse_fully(&mut parsers);
            file = TfFile::read(&doc, file, &mut parsers);
            let Some(read) = &file else { continue };
            assert_eq!(read.index, BlockIndex::new(&read.blocks), "{name}, edit {step}: {new:?}");
            // The indentation unit, carried through edits that keep it, is the text's.
            let unit = onus_analysis::fix::indent_unit(&read.source);
            assert_eq!(read.indent_unit(), unit, "{name}, edit {step}: {new:?}");
            checked += 1;
        }
    }
    assert!(checked > 300, "{checked} edits checked");
}
