//! Syntax errors: one diagnostic per tree-sitter ERROR node (saying what is unexpected) or MISSING node
//! (saying what is missing).

use ropey::Rope;
use tree_sitter::{Node, Tree};

use crate::text::TextRange;

/// A file with more errors than this is not worth more red: the first ones say enough.
pub const MAX_SYNTAX_ERRORS: usize = 50;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
}

pub fn syntax_errors(tree: &Tree, rope: &Rope) -> Vec<SyntaxError> {
    let mut out = Vec::new();
    let root = tree.root_node();
    if root.has_error() {
        collect(root, rope, &mut out);
    }
    out
}

fn collect(node: Node, rope: &Rope, out: &mut Vec<SyntaxError>) {
    if out.len() >= MAX_SYNTAX_ERRORS {
        return;
    }
    if node.is_missing() {
        let what = token_name(node.kind());
        out.push(SyntaxError { range: TextRange::empty(node.start_byte()), message: format!("missing {what}") });
        return;
    }
    if node.is_error() {
        out.push(SyntaxError { range: TextRange::from_node(&node), message: error_message(node, rope) });
        return;
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        if child.has_error() {
            collect(child, rope, out);
        }
    }
}

fn error_message(node: Node, rope: &Rope) -> String {
    let start = node.start_byte().min(rope.len_bytes());
    let end = node.end_byte().min(rope.len_bytes());
    let text = rope.byte_slice(start..end).to_string();
    let first_line = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    let snippet: String = first_line.chars().take(40).collect();
    let unexpected = if snippet.is_empty() {
        "unexpected end of input".to_string()
    } else if snippet.len() < first_line.len() {
        format!("unexpected `{snippet}…`")
    } else {
        format!("unexpected `{snippet}`")
    };
    // What was expected is said by MISSING nodes. For ERROR nodes tree-sitter's parse state before the error
    // differs between an incremental and a fresh parse of the same text, and a message must not depend on
    // the edit history, so they say what is there.
    format!("syntax error: {unexpected}")
}

/// A grammar symbol as a person would name it.
fn token_name(kind: &str) -> String {
    let punct = match kind {
        "block_start" | "object_start" | "{" => "`{`",
        "block_end" | "object_end" | "}" => "`}`",
        "tuple_start" | "[" => "`[`",
        "tuple_end" | "]" => "`]`",
        "quoted_template_start" | "quoted_template_end" | "\"" => "`\"`",
        "template_interpolation_start" => "`${`",
        "template_interpolation_end" => "`}`",
        "heredoc_identifier" => "the heredoc's closing marker",
        "identifier" => "an identifier",
        "expression" | "_expr_term" => "an expression",
        "string_lit" | "string" | "double_quote_scalar" | "single_quote_scalar" => "a string",
        "numeric_lit" | "number" => "a number",
        k => return format!("`{k}`"),
    };
    punct.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Document, Parsers};

    fn errors(path: &str, text: &str) -> Vec<SyntaxError> {
        let syntax = Document::new(path, text, 0).unwrap().kind().syntax();
        let tree = Parsers::new().get(syntax).parse(text, None).unwrap();
        syntax_errors(&tree, &Rope::from_str(text))
    }

    #[test]
    fn a_missing_brace_is_one_precise_error() {
        let errs = errors("main.tf", "resource \"a\" \"b\" {\n  x = 1\n");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].message.contains('}'), "{errs:?}");
    }

    #[test]
    fn garbage_is_reported_with_its_text() {
        let errs = errors("main.tf", "resource \"a\" \"b\" {\n  x = = 1\n}\n");
        assert!(!errs.is_empty());
        assert!(errs[0].message.starts_with("syntax error") || errs[0].message.starts_with("missing"), "{errs:?}");
    }

    #[test]
    fn valid_files_have_none() {
        assert!(errors("main.tf", "a = 1\nb { c = [1, 2] }\n").is_empty());
        assert!(errors("t.json", "{\"a\": [1, 2]}").is_empty());
        assert!(errors("t.yaml", "a:\n  - b: !Ref X\n").is_empty());
    }
}
