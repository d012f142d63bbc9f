//! Reading Terraform, over every `.tf`/`.tfvars` file of `../shared/corpus`:
//! - the direct reader (`terraform::direct`) against tree-sitter's reading: where it reads a file, the tree has
//!   no error and the models are equal (ranges, values, comments); it declines only a few valid files;
//! - the chunked reading (`terraform::chunked`) of a valid file gives the whole file's model, and reading a file
//!   after an edit from its previous reading gives what reading it afresh gives.

use std::path::{Path, PathBuf};

use onus_analysis::document::Parsers;
use onus_analysis::file_kind::Syntax;
use onus_analysis::terraform::{chunked, direct, read_tree};

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
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    let mut files = Vec::new();
    walk(&root, &mut files);
    assert!(files.len() > 2000, "the corpus is missing: {} files under {}", files.len(), root.display());
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
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/real");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
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
