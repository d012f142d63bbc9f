//! `.tf.json`: Terraform's JSON syntax, read into the same model as HCL.
//!
//! `{"resource": {"aws_s3_bucket": {"b": {"acl": "private"}}}}` is `resource "aws_s3_bucket" "b" { acl = ... }`.
//! JSON cannot tell a nested block from a map attribute, so nested objects become object attributes, which the
//! [`super::view::Config`] view reads like blocks. Strings are templates: `"${var.acl}"` is a reference.

use tree_sitter::Node;

use super::model::{Attribute, Block, Expr, ExprKind, Step, TemplatePart};
use crate::text::TextRange;

pub struct JsonReader<'a> {
    source: &'a [u8],
}

/// How many labels each top-level block kind takes.
fn label_count(kind: &str) -> Option<usize> {
    match kind {
        "resource" | "data" => Some(2),
        "module" | "variable" | "output" | "provider" => Some(1),
        "locals" | "terraform" => Some(0),
        _ => None,
    }
}

impl<'a> JsonReader<'a> {
    pub fn new(source: &'a [u8]) -> Self {
        Self { source }
    }

    fn text(&self, node: Node) -> &'a str {
        std::str::from_utf8(&self.source[node.start_byte()..node.end_byte()]).unwrap_or("")
    }

    /// The pairs of an object node: (key text, key node, value node).
    fn pairs(&self, object: Node<'a>) -> Vec<(String, Node<'a>, Node<'a>)> {
        let mut cursor = object.walk();
        object
            .named_children(&mut cursor)
            .filter(|c| c.kind() == "pair")
            .filter_map(|pair| {
                let key = pair.child_by_field_name("key")?;
                let value = pair.child_by_field_name("value")?;
                Some((self.string(key)?, key, value))
            })
            .collect()
    }

    fn string(&self, node: Node) -> Option<String> {
        (node.kind() == "string").then(|| {
            let raw = self.text(node);
            serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.trim_matches('"').to_string())
        })
    }

    /// The top-level blocks of a `.tf.json` document.
    pub fn file(&self, root: Node<'a>) -> Vec<Block> {
        let Some(top) = root.named_child(0).filter(|n| n.kind() == "object") else { return Vec::new() };
        let mut blocks = Vec::new();
        for (kind, key, value) in self.pairs(top) {
            let Some(depth) = label_count(&kind) else { continue };
            self.blocks(&kind, key, value, depth, Vec::new(), &mut blocks);
        }
        blocks
    }

    /// Descends `depth` levels of label objects, then reads the body (or each body of an array).
    fn blocks(&self, kind: &str, key: Node, value: Node<'a>, depth: usize, labels: Vec<String>, out: &mut Vec<Block>) {
        if depth == 0 {
            let bodies: Vec<Node> = match value.kind() {
                "array" => {
                    let mut c = value.walk();
                    value.named_children(&mut c).filter(|n| n.kind() == "object").collect()
                }
                "object" => vec![value],
                _ => Vec::new(),
            };
            for body in bodies {
                out.push(self.block(kind, labels.clone(), key, body));
            }
            return;
        }
        if value.kind() != "object" {
            return;
        }
        // The header of a labelled block is its last label (`"b"` of `"aws_s3_bucket": {"b": {...}}`).
        for (label, label_key, inner) in self.pairs(value) {
            let mut labels = labels.clone();
            labels.push(label);
            self.blocks(kind, label_key, inner, depth - 1, labels, out);
        }
    }

    fn block(&self, kind: &str, labels: Vec<String>, key: Node, body: Node) -> Block {
        let attributes = self
            .pairs(body)
            .into_iter()
            .filter(|(name, _, _)| name != "//")
            .map(|(name, k, v)| Attribute {
                name,
                name_range: TextRange::from_node(&k),
                range: TextRange::new(k.start_byte(), v.end_byte()),
                expr: self.expr(v),
            })
            .collect();
        Block {
            kind: kind.to_string(),
            labels,
            range: TextRange::from_node(&body),
            header: TextRange::from_node(&key),
            open_brace_end: body.start_byte() + 1,
            close_brace_start: body.end_byte().saturating_sub(1),
            attributes,
            blocks: Vec::new(),
        }
    }

    fn expr(&self, node: Node) -> Expr {
        let range = TextRange::from_node(&node);
        let kind = match node.kind() {
            "null" => ExprKind::Null,
            "true" => ExprKind::Bool(true),
            "false" => ExprKind::Bool(false),
            "number" => self.text(node).parse().map(ExprKind::Number).unwrap_or(ExprKind::Other),
            "string" => template(&self.string(node).unwrap_or_default(), range),
            "array" => {
                let mut c = node.walk();
                ExprKind::Tuple(
                    node.named_children(&mut c).filter(|n| n.kind() != "comment").map(|n| self.expr(n)).collect(),
                )
            }
            "object" => ExprKind::Object(
                self.pairs(node)
                    .into_iter()
                    .map(|(k, kn, v)| {
                        let key = Expr {
                            range: TextRange::from_node(&kn),
                            kind: ExprKind::Template(vec![TemplatePart::Literal(k)]),
                        };
                        (key, self.expr(v))
                    })
                    .collect(),
            ),
            _ => ExprKind::Other,
        };
        Expr { range, kind }
    }
}

/// A JSON string as an HCL template: literal text and `${reference}` interpolations (anything more complex
/// inside `${}` is unknown).
fn template(s: &str, range: TextRange) -> ExprKind {
    if !s.contains("${") && !s.contains("%{") {
        return ExprKind::Template(vec![TemplatePart::Literal(s.replace("$${", "${"))]);
    }
    let mut parts = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        if rest[..i].ends_with('$') {
            parts.push(TemplatePart::Literal(format!("{}{{", &rest[..i])));
            rest = &rest[i + 2..];
            continue;
        }
        if i > 0 {
            parts.push(TemplatePart::Literal(rest[..i].to_string()));
        }
        let Some(end) = rest[i..].find('}') else { return ExprKind::Other };
        let inner = rest[i + 2..i + end].trim();
        parts.push(TemplatePart::Interpolation(Expr { range, kind: reference(inner) }));
        rest = &rest[i + end + 1..];
    }
    if rest.contains("%{") {
        parts.push(TemplatePart::Directive);
    } else if !rest.is_empty() {
        parts.push(TemplatePart::Literal(rest.to_string()));
    }
    // `"${var.x}"` alone is the reference itself, keeping its type.
    match <[TemplatePart; 1]>::try_from(parts) {
        Ok([TemplatePart::Interpolation(e)]) => e.kind,
        Ok([p]) => ExprKind::Template(vec![p]),
        Err(parts) => ExprKind::Template(parts),
    }
}

/// `var.x`, `local.y`, `aws_s3_bucket.b.id`: dotted names only.
fn reference(text: &str) -> ExprKind {
    let mut names = text.split('.');
    let Some(root) = names.next().filter(|r| !r.is_empty()) else { return ExprKind::Other };
    let valid = |n: &str| !n.is_empty() && n.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    if !valid(root) {
        return ExprKind::Other;
    }
    let mut steps = Vec::new();
    for name in names {
        if !valid(name) {
            return ExprKind::Other;
        }
        steps.push(Step::Attr(name.to_string()));
    }
    ExprKind::Traversal(root.to_string(), steps)
}
