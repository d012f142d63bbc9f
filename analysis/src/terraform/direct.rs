//! A direct reader of valid HCL into the model, with no syntax tree in between.
//!
//! tree-sitter-hcl parses about 2.5 MB/s and its tree takes ~80 bytes per byte of text: a 10 MB file costs 5.6 s
//! and 870 MB before any rule runs, and the rules need the model, not a tree. Terraform files are read here, chunk
//! by chunk (`chunked.rs`), in one pass each.
//!
//! The reader gives exactly the model [`super::model::HclReader`] builds from tree-sitter's tree, quirks included
//! (tree-sitter-hcl's scanner skips the whitespace at both ends of a template's literal text; newlines are not
//! significant), and declines (`None`) everything else: syntax errors,
//! and the few constructs where tree-sitter's tree depends on details not worth mirroring (a comment inside a
//! conditional, a non-ASCII identifier). The caller then parses with tree-sitter, so a decline costs time, never
//! a finding. `analysis/tests/hcl_reading.rs` holds the two readers equal over the whole corpus, and the hcl
//! fuzz target over arbitrary text.

use super::model::{heredoc_text, unescape, unescape_template_markers, Attribute, Block, Comment};
use super::model::{BinaryOp, Expr, ExprKind, ForExpr, Step, TemplatePart};
use crate::compact::tight;
use crate::text::TextRange;

/// What the reader gives for a file: its top-level blocks and attributes, and the comments a tree-sitter reading
/// keeps (those outside attributes).
#[derive(Clone, Debug, PartialEq)]
pub struct HclFile {
    pub blocks: Vec<Block>,
    pub attributes: Vec<Attribute>,
    pub comments: Vec<Comment>,
}

/// Reads `source` if it is HCL the reader vouches for; `None` otherwise (parse it with tree-sitter).
pub fn read(source: &str) -> Option<HclFile> {
    read_or_stop(source).ok()
}

/// Like [`read`], or the byte offset where the reader stopped (at or after the first thing it does not read).
pub fn read_or_stop(source: &str) -> Result<HclFile, usize> {
    if let Some(nul) = source.find('\0') {
        return Err(nul);
    }
    let mut reader =
        Reader { src: source.as_bytes(), text: source, pos: 0, depth: 0, comments: Vec::new(), attributes: Vec::new() };
    let Some((blocks, attributes)) = reader.file() else { return Err(reader.pos.min(source.len())) };
    // tree-sitter keeps a comment in the file, a body or a block, but not inside an attribute (its expression
    // owns it, and the model drops it). Attribute spans are disjoint and in order, as are the comments.
    let mut spans = reader.attributes.iter().peekable();
    let mut comments = Vec::with_capacity(reader.comments.len());
    for range in reader.comments {
        while spans.next_if(|s| s.end <= range.start).is_some() {}
        if spans.peek().is_some_and(|s| s.start <= range.start) {
            continue;
        }
        comments.push(Comment { range, text: source[range.start..range.end].to_string() });
    }
    Ok(HclFile { blocks, attributes, comments })
}

/// Nesting beyond this is declined (tree-sitter's reading then applies the document's depth limit).
const MAX_DEPTH: usize = 200;

struct Reader<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
    depth: usize,
    /// Every comment passed, in order.
    comments: Vec<TextRange>,
    /// The span of every attribute read, in order.
    attributes: Vec<TextRange>,
}

/// Where a template ends.
#[derive(Clone, Copy, PartialEq)]
enum TemplateEnd<'i> {
    Quote,
    Heredoc(&'i str),
}

/// A directive that opened and awaits its end.
#[derive(Clone, Copy, PartialEq)]
enum Open {
    If,
    Else,
    For,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }
    fn peek_at(&self, offset: usize) -> Option<u8> {
        self.src.get(self.pos + offset).copied()
    }
    fn at(&self, s: &str) -> bool {
        self.src[self.pos..].starts_with(s.as_bytes())
    }
    fn eat(&mut self, s: &str) -> bool {
        let found = self.at(s);
        if found {
            self.pos += s.len();
        }
        found
    }
    /// `=` as in `name = value` (not `==` or `=>`).
    fn at_assign(&self) -> bool {
        self.at("=") && !self.at("==") && !self.at("=>")
    }
    fn expect(&mut self, s: &str) -> Option<()> {
        self.trivia()?;
        self.eat(s).then_some(())
    }
    fn deeper(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// Skips whitespace and comments, recording the comments.
    fn trivia(&mut self) -> Option<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) => self.pos += 1,
                Some(b'#') => self.line_comment(),
                Some(b'/') if self.peek_at(1) == Some(b'/') => self.line_comment(),
                Some(b'/') if self.peek_at(1) == Some(b'*') => {
                    let start = self.pos;
                    let close = self.text[start + 2..].find("*/")?;
                    self.pos = start + 2 + close + 2;
                    self.record_comment(start);
                }
                _ => return Some(()),
            }
        }
    }

    fn line_comment(&mut self) {
        let start = self.pos;
        self.pos = self.src[start..].iter().position(|&b| b == b'\n').map_or(self.src.len(), |n| start + n);
        self.record_comment(start);
    }

    fn record_comment(&mut self, start: usize) {
        // Trivia can be skipped twice (peeking after an expression); a comment is recorded once.
        if self.comments.last().is_none_or(|c| c.start < start) {
            self.comments.push(TextRange::new(start, self.pos));
        }
    }

    /// Whether a comment lies in `start..end` (where tree-sitter's tree would hold it among an expression's parts).
    fn comment_within(&self, start: usize, end: usize) -> bool {
        let i = self.comments.partition_point(|c| c.start < start);
        self.comments.get(i).is_some_and(|c| c.start < end)
    }

    /// An identifier at the cursor: `[A-Za-z_][A-Za-z0-9_-]*`, with `::` (provider functions). A non-ASCII
    /// letter is declined (tree-sitter takes Unicode identifiers; not worth mirroring).
    fn identifier(&mut self) -> Option<(TextRange, &'a str)> {
        let start = self.pos;
        match self.peek() {
            Some(b) if b.is_ascii_alphabetic() || b == b'_' => self.pos += 1,
            _ => return None,
        }
        loop {
            match self.peek() {
                Some(b) if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' => self.pos += 1,
                Some(b':') if self.peek_at(1) == Some(b':') => self.pos += 2,
                Some(b) if b >= 0x80 => return None,
                _ => break,
            }
        }
        Some((TextRange::new(start, self.pos), &self.text[start..self.pos]))
    }

    // ---- structure ----

    fn file(&mut self) -> Option<(Vec<Block>, Vec<Attribute>)> {
        let mut blocks = Vec::new();
        let mut attributes = Vec::new();
        self.body(&mut blocks, &mut attributes)?;
        // A `.tfvars` written as one object is read by tree-sitter's `object` rule: declined.
        (self.pos == self.src.len()).then_some((blocks, attributes))
    }

    /// Attributes and blocks until a `}` or the end of the text (left for the caller to check).
    fn body(&mut self, blocks: &mut Vec<Block>, attributes: &mut Vec<Attribute>) -> Option<()> {
        loop {
            self.trivia()?;
            if self.peek().is_none_or(|b| b == b'}') {
                return Some(());
            }
            let (name_range, name) = self.identifier()?;
            self.trivia()?;
            if self.at_assign() {
                self.pos += 1;
                let value_start = self.after_trivia()?;
                if self.comment_within(name_range.start, value_start) {
                    return None;
                }
                let expr = self.expression()?;
                let range = TextRange::new(name_range.start, expr.range.end);
                self.attributes.push(range);
                attributes.push(Attribute { name: name.to_string(), name_range, range, expr });
            } else {
                blocks.push(self.block(name_range, name)?);
            }
        }
    }

    /// A block after its type: labels, `{`, body, `}`.
    fn block(&mut self, kind_range: TextRange, kind: &str) -> Option<Block> {
        self.deeper()?;
        let mut labels = Vec::new();
        let mut header_end = kind_range.end;
        loop {
            self.trivia()?;
            match self.peek()? {
                b'{' => break,
                b'"' => {
                    self.pos += 1;
                    let parts = self.template(TemplateEnd::Quote)?;
                    labels.push(literal_only(parts)?);
                }
                _ => {
                    labels.push(self.identifier()?.1.to_string());
                }
            }
            header_end = self.pos;
        }
        self.pos += 1;
        let open_brace_end = self.pos;
        let mut attributes = Vec::new();
        let mut blocks = Vec::new();
        self.body(&mut blocks, &mut attributes)?;
        let close_brace_start = self.pos;
        self.eat("}").then_some(())?;
        self.depth -= 1;
        Some(Block {
            kind: kind.to_string(),
            labels: tight(labels),
            range: TextRange::new(kind_range.start, self.pos),
            header: TextRange::new(kind_range.start, header_end),
            open_brace_end,
            close_brace_start,
            attributes: tight(attributes),
            blocks: tight(blocks),
        })
    }

    /// Skips trivia and returns where the next token starts.
    fn after_trivia(&mut self) -> Option<usize> {
        self.trivia()?;
        Some(self.pos)
    }

    // ---- expressions ----

    /// A whole expression: an operation, or a conditional (grouped to the right, as HCL does).
    fn expression(&mut self) -> Option<Expr> {
        self.deeper()?;
        let cond = self.operation(0)?;
        self.trivia()?;
        let expr = if self.eat("?") {
            let yes = self.expression()?;
            self.expect(":")?;
            let no = self.expression()?;
            // A comment between the parts would be one of the conditional's children in tree-sitter's tree.
            if self.comment_within(cond.range.end, yes.range.start)
                || self.comment_within(yes.range.end, no.range.start)
            {
                return None;
            }
            let range = TextRange::new(cond.range.start, no.range.end);
            Expr { range, kind: ExprKind::Conditional(Box::new(cond), Box::new(yes), Box::new(no)) }
        } else {
            cond
        };
        self.depth -= 1;
        Some(expr)
    }

    /// Binary operations at or above precedence `min`, left-associative, as HCL groups them.
    fn operation(&mut self, min: u8) -> Option<Expr> {
        let mut left = self.unary()?;
        loop {
            let before = self.pos;
            self.trivia()?;
            let len = match (self.peek(), self.peek_at(1)) {
                (Some(b'&'), Some(b'&')) | (Some(b'|'), Some(b'|')) => 2,
                (Some(b'=' | b'!' | b'<' | b'>'), Some(b'=')) => 2,
                (Some(b'<'), Some(b'<')) => return None,
                (Some(b'<' | b'>' | b'*' | b'/' | b'%' | b'+' | b'-'), _) => 1,
                _ => {
                    self.pos = before;
                    break;
                }
            };
            let op = BinaryOp::from_token(&self.text[self.pos..self.pos + len])?;
            if op.precedence() < min {
                self.pos = before;
                break;
            }
            self.pos += len;
            let right = self.operation(op.precedence() + 1)?;
            // A comment inside an operation: tree-sitter's grouping around it is not worth mirroring.
            if self.comment_within(left.range.end, right.range.start) {
                return None;
            }
            let range = TextRange::new(left.range.start, right.range.end);
            left = Expr { range, kind: ExprKind::Binary(op, Box::new(left), Box::new(right)) };
        }
        Some(left)
    }

    /// `-x`, `!x` (a negated literal is a literal), or a term and its steps.
    fn unary(&mut self) -> Option<Expr> {
        let start = self.after_trivia()?;
        let op = match self.peek()? {
            b'-' => "-",
            b'!' if self.peek_at(1) != Some(b'=') => "!",
            _ => return self.postfix(),
        };
        self.pos += 1;
        self.deeper()?;
        let operand = self.unary()?;
        self.depth -= 1;
        if self.comment_within(start, operand.range.end) {
            return None;
        }
        let range = TextRange::new(start, operand.range.end);
        Some(Expr { range, kind: super::model::unary(op, operand) })
    }

    /// A primary expression and its traversal steps.
    fn postfix(&mut self) -> Option<Expr> {
        let (primary, root) = self.primary()?;
        let start = primary.range.start;
        let mut end = primary.range.end;
        let mut steps = Vec::new();
        loop {
            let before = self.pos;
            self.trivia()?;
            if self.at("...") {
                self.pos = before;
                break;
            } else if self.at(".*") {
                self.pos += 2;
                steps.push(Step::Splat(tight(self.splat_rest()?)));
            } else if self.at("[*]") {
                self.pos += 3;
                steps.push(Step::Splat(tight(self.splat_rest()?)));
            } else if self.at(".") {
                self.pos += 1;
                steps.push(self.dot_step()?);
            } else if self.at("[") {
                self.pos += 1;
                let index = self.expression()?;
                self.expect("]")?;
                steps.push(Step::Index(index));
            } else {
                self.pos = before;
                break;
            }
            end = self.pos;
        }
        if steps.is_empty() {
            return Some(primary);
        }
        if self.comment_within(start, end) {
            return None;
        }
        let range = TextRange::new(start, end);
        let kind = match root {
            Some(root) => ExprKind::Traversal(root, tight(steps)),
            None => ExprKind::Steps(Box::new(primary), tight(steps)),
        };
        Some(Expr { range, kind })
    }

    /// After `.`: an attribute name or a legacy index (`.0`).
    fn dot_step(&mut self) -> Option<Step> {
        let start = self.pos - 1;
        if self.peek()?.is_ascii_digit() {
            let digits_start = self.pos;
            while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                self.pos += 1;
            }
            if self.peek().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_' || b >= 0x80) {
                return None;
            }
            let value = self.text[digits_start..self.pos].parse().unwrap_or(f64::NAN);
            return Some(Step::Index(Expr { range: TextRange::new(start, self.pos), kind: ExprKind::Number(value) }));
        }
        Some(Step::Attr(self.identifier()?.1.to_string()))
    }

    /// The attributes and indexes a splat carries (applied to each element; tree-sitter keeps them inside the
    /// splat).
    fn splat_rest(&mut self) -> Option<Vec<Step>> {
        let mut steps = Vec::new();
        loop {
            let before = self.pos;
            self.trivia()?;
            if self.at(".*") || self.at("[*]") || self.at("...") {
                self.pos = before;
                return Some(steps);
            } else if self.at(".") {
                self.pos += 1;
                steps.push(self.dot_step()?);
            } else if self.at("[") {
                self.pos += 1;
                let index = self.expression()?;
                self.expect("]")?;
                steps.push(Step::Index(index));
            } else {
                self.pos = before;
                return Some(steps);
            }
        }
    }

    /// A primary expression, and the root name when it is a variable (the start of a traversal).
    fn primary(&mut self) -> Option<(Expr, Option<String>)> {
        let start = self.after_trivia()?;
        let kind = match self.peek()? {
            b'"' => {
                self.pos += 1;
                let parts = self.template(TemplateEnd::Quote)?;
                // A string with no interpolation or directive is tree-sitter's `string_lit`: one literal.
                if parts.iter().all(|p| matches!(p, TemplatePart::Literal(_))) {
                    ExprKind::Template(vec![TemplatePart::Literal(literal_only(parts)?)])
                } else {
                    ExprKind::Template(tight(parts))
                }
            }
            b'<' if self.at("<<") => self.heredoc()?,
            b'[' => {
                self.pos += 1;
                self.tuple()?
            }
            b'{' => {
                self.pos += 1;
                self.object()?
            }
            b'(' => {
                self.pos += 1;
                let inner = self.expression()?;
                self.expect(")")?;
                inner.kind
            }
            b'0'..=b'9' => self.number()?,
            _ => {
                let (_, name) = self.identifier()?;
                match name {
                    "true" => ExprKind::Bool(true),
                    "false" => ExprKind::Bool(false),
                    "null" => ExprKind::Null,
                    "for" | "in" | "if" => return None,
                    _ => {
                        let name_end = self.pos;
                        self.trivia()?;
                        if self.eat("(") {
                            self.call(name)?
                        } else {
                            self.pos = name_end;
                            let kind = ExprKind::Traversal(name.to_string(), Vec::new());
                            return Some((
                                Expr { range: TextRange::new(start, name_end), kind },
                                Some(name.to_string()),
                            ));
                        }
                    }
                }
            }
        };
        Some((Expr { range: TextRange::new(start, self.pos), kind }, None))
    }

    /// `[0-9]+(\.[0-9]+([eE][-+]?[0-9]+)?)?` or `0x...`, as tree-sitter-hcl lexes numbers.
    fn number(&mut self) -> Option<ExprKind> {
        let start = self.pos;
        let digits = |r: &mut Self| {
            let from = r.pos;
            while r.peek().is_some_and(|b| b.is_ascii_digit()) {
                r.pos += 1;
            }
            r.pos > from
        };
        if self.at("0x") {
            self.pos += 2;
            let from = self.pos;
            while self.peek().is_some_and(|b| b.is_ascii_alphanumeric()) {
                self.pos += 1;
            }
            return (self.pos > from).then_some(ExprKind::Other);
        }
        digits(self);
        if self.peek() == Some(b'.') && self.peek_at(1).is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
            digits(self);
            if matches!(self.peek(), Some(b'e' | b'E')) {
                let mark = self.pos;
                self.pos += 1;
                if matches!(self.peek(), Some(b'+' | b'-')) {
                    self.pos += 1;
                }
                if !digits(self) {
                    self.pos = mark;
                }
            }
        }
        // `1e5`, `1.2.3`, `1x`: lexed by tree-sitter into pieces; declined.
        if self.peek().is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80)
            || (self.peek() == Some(b'.') && self.peek_at(1).is_some_and(|b| b.is_ascii_digit()))
        {
            return None;
        }
        Some(self.text[start..self.pos].parse().map(ExprKind::Number).unwrap_or(ExprKind::Other))
    }

    /// After `name(`: the arguments (`f(list...)` expands its last one).
    fn call(&mut self, name: &str) -> Option<ExprKind> {
        let (args, expanded) = self.list(")", true)?;
        let args = tight(args);
        Some(if expanded {
            ExprKind::CallExpanded(name.to_string(), args)
        } else {
            ExprKind::Call(name.to_string(), args)
        })
    }

    /// Expressions separated by commas up to `close` (a trailing comma allowed), after the opening bracket; with
    /// `ellipsis`, the last may be followed by `...` (then says so).
    fn list(&mut self, close: &str, ellipsis: bool) -> Option<(Vec<Expr>, bool)> {
        let mut items = Vec::new();
        self.trivia()?;
        if self.eat(close) {
            return Some((items, false));
        }
        loop {
            items.push(self.expression()?);
            self.trivia()?;
            if ellipsis && self.eat("...") {
                self.expect(close)?;
                return Some((items, true));
            }
            if self.eat(close) {
                return Some((items, false));
            }
            self.expect(",")?;
            self.trivia()?;
            if self.eat(close) {
                return Some((items, false));
            }
        }
    }

    /// Whether a `for` expression starts at the cursor (`for` as a keyword, not `for_each`).
    fn at_for(&self) -> bool {
        self.at("for") && self.src.get(self.pos + 3).is_some_and(|&b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    }

    /// After `[`: a tuple or a `for` expression.
    fn tuple(&mut self) -> Option<ExprKind> {
        self.trivia()?;
        if self.at_for() {
            return self.for_expr(false);
        }
        Some(ExprKind::Tuple(tight(self.list("]", false)?.0)))
    }

    /// After `{`: an object or a `for` expression. Elements are separated by commas or nothing.
    fn object(&mut self) -> Option<ExprKind> {
        self.trivia()?;
        if self.at_for() {
            return self.for_expr(true);
        }
        let mut elems = Vec::new();
        loop {
            self.trivia()?;
            if self.eat("}") {
                return Some(ExprKind::Object(tight(elems)));
            }
            let key = self.expression()?;
            if matches!(key.kind, ExprKind::Conditional(..)) {
                return None;
            }
            self.trivia()?;
            if !(self.at_assign() || self.at(":")) {
                return None;
            }
            self.pos += 1;
            let value = self.expression()?;
            elems.push((key, value));
            self.trivia()?;
            self.eat(",");
        }
    }

    /// `for k, v in coll : value` (then `]`), or `for k, v in coll : key => value...` (then `}`), with an
    /// optional `if cond`.
    fn for_expr(&mut self, object: bool) -> Option<ExprKind> {
        self.pos += 3;
        let (key_var, value_var, collection) = self.for_variables_in()?;
        self.expect(":")?;
        let first = self.expression()?;
        let (key, value, group) = if object {
            self.expect("=>")?;
            let value = self.expression()?;
            self.trivia()?;
            let group = self.eat("...");
            (Some(first), value, group)
        } else {
            (None, first, false)
        };
        self.trivia()?;
        let mut cond = None;
        if self.at("if") && !self.src.get(self.pos + 2).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_') {
            self.pos += 2;
            cond = Some(self.expression()?);
        }
        self.expect(if object { "}" } else { "]" })?;
        let (key_var, value_var) = match value_var {
            Some(v) => (Some(key_var), v),
            None => (None, key_var),
        };
        Some(ExprKind::For(Box::new(ForExpr { key_var, value_var, collection, key, value, group, cond })))
    }

    /// After `for` (an expression's or a template directive's): `k, v in collection`, read as the first name,
    /// the second if any, and the collection.
    fn for_variables_in(&mut self) -> Option<(String, Option<String>, Expr)> {
        self.trivia()?;
        let first = self.identifier()?.1.to_string();
        self.trivia()?;
        let mut second = None;
        if self.eat(",") {
            self.trivia()?;
            second = Some(self.identifier()?.1.to_string());
            self.trivia()?;
        }
        if self.identifier()?.1 != "in" {
            return None;
        }
        Some((first, second, self.expression()?))
    }

    // ---- templates ----

    /// `<<ID` or `<<-ID`, its lines, and the line holding `ID` alone.
    fn heredoc(&mut self) -> Option<ExprKind> {
        self.pos += 2;
        let strip = self.eat("-");
        let id_start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
            self.pos += 1;
        }
        if self.pos == id_start || self.peek().is_some_and(|b| b >= 0x80) {
            return None;
        }
        let id = &self.text[id_start..self.pos];
        // Nothing else on the opening line (tree-sitter would read it into the text).
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | 0x0b | 0x0c)) {
            self.pos += 1;
        }
        if self.peek() != Some(b'\n') {
            return None;
        }
        let body_start = self.pos + 1;
        let parts = self.template(TemplateEnd::Heredoc(id))?;
        let close_start = self.pos - id.len();
        let close_line_start = self.src[..close_start].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        if close_line_start < body_start {
            return Some(ExprKind::Template(vec![TemplatePart::Literal(String::new())]));
        }
        Some(heredoc_text(parts, strip, &self.text[body_start..close_line_start]))
    }

    /// The parts of a template, the cursor just after its opening (`"`, or the heredoc's first line). Leaves the
    /// cursor after the closing `"` or heredoc marker.
    ///
    /// Mirrors tree-sitter-hcl's scanner: whitespace is skipped before each token, so a literal's text runs from
    /// its first to its last non-blank character; a whole `%{ if }`...`%{ endif }` is one directive part.
    fn template(&mut self, end: TemplateEnd) -> Option<Vec<TemplatePart>> {
        let quoted = end == TemplateEnd::Quote;
        let mut parts: Vec<TemplatePart> = Vec::new();
        // Open directives; parts inside one are not parts of the template.
        let mut open: Vec<Open> = Vec::new();
        // The literal being read: its first and last non-blank byte.
        let mut literal: Option<(usize, usize)> = None;
        // Whether the blank run before the cursor holds a newline (where a heredoc's marker may end it).
        let mut at_line_start = !quoted;
        let flush = |literal: &mut Option<(usize, usize)>, parts: &mut Vec<TemplatePart>, open: &[Open], text: &str| {
            if let Some((from, to)) = literal.take() {
                if open.is_empty() {
                    let raw = &text[from..to];
                    let value = if quoted { unescape(raw) } else { unescape_template_markers(raw) };
                    match parts.last_mut() {
                        Some(TemplatePart::Literal(s)) => s.push_str(&value),
                        _ => parts.push(TemplatePart::Literal(value)),
                    }
                }
            }
        };
        loop {
            let c = self.peek()?;
            if c == 0 {
                return None;
            }
            if matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
                if c == b'\n' {
                    // A quoted string on several lines: tree-sitter takes it, HCL does not.
                    if quoted {
                        return None;
                    }
                    at_line_start = true;
                }
                self.pos += 1;
                continue;
            }
            if let TemplateEnd::Heredoc(id) = end {
                if at_line_start && self.at(id) {
                    let mut after = self.pos + id.len();
                    while matches!(self.src.get(after), Some(b' ' | b'\t' | b'\r' | 0x0b | 0x0c)) {
                        after += 1;
                    }
                    if self.src.get(after) == Some(&b'\n') {
                        if !open.is_empty() {
                            return None;
                        }
                        flush(&mut literal, &mut parts, &open, self.text);
                        self.pos += id.len();
                        return Some(parts);
                    }
                }
            }
            at_line_start = false;
            let start = self.pos;
            match c {
                b'"' if quoted => {
                    if !open.is_empty() {
                        return None;
                    }
                    flush(&mut literal, &mut parts, &open, self.text);
                    self.pos += 1;
                    return Some(parts);
                }
                b'$' if self.peek_at(1) == Some(b'{') => {
                    flush(&mut literal, &mut parts, &open, self.text);
                    self.pos += 2;
                    let part = self.interpolation()?;
                    if open.is_empty() {
                        parts.push(part);
                    }
                    continue;
                }
                b'%' if self.peek_at(1) == Some(b'{') => {
                    flush(&mut literal, &mut parts, &open, self.text);
                    self.pos += 2;
                    let closed = self.directive(&mut open)?;
                    if closed && open.is_empty() {
                        parts.push(TemplatePart::Directive);
                    }
                    continue;
                }
                b'$' | b'%' if self.peek_at(1) == Some(c) && self.peek_at(2) == Some(b'{') => self.pos += 3,
                b'\\' if quoted => {
                    self.pos += 1;
                    let hex = match self.peek()? {
                        b'"' | b'n' | b'r' | b't' | b'\\' => 0,
                        b'u' => 4,
                        b'U' => 8,
                        _ => return None,
                    };
                    self.pos += 1;
                    for _ in 0..hex {
                        self.peek().filter(u8::is_ascii_hexdigit)?;
                        self.pos += 1;
                    }
                }
                _ => {
                    let ch = self.text[self.pos..].chars().next()?;
                    // tree-sitter's scanner may skip Unicode blanks (`iswspace`) where this reader keeps them.
                    if ch.is_whitespace() {
                        return None;
                    }
                    self.pos += ch.len_utf8();
                }
            }
            literal = Some((literal.map_or(start, |(from, _)| from), self.pos));
        }
    }

    /// After `${`: `~`, the expression, `~`, `}`. Without an expression tree-sitter has no expression child, which
    /// the model reads as a directive.
    fn interpolation(&mut self) -> Option<TemplatePart> {
        self.trivia()?;
        self.eat("~");
        self.trivia()?;
        if self.eat("}") {
            return Some(TemplatePart::Directive);
        }
        let expr = self.expression()?;
        self.trivia()?;
        self.eat("~");
        self.expect("}")?;
        Some(TemplatePart::Interpolation(expr))
    }

    /// After `%{`: `if cond`, `else`, `endif`, `for x in coll`, `endfor`, between optional `~`, then `}`.
    /// Returns whether it closed a directive.
    fn directive(&mut self, open: &mut Vec<Open>) -> Option<bool> {
        self.trivia()?;
        self.eat("~");
        self.trivia()?;
        let (_, keyword) = self.identifier()?;
        let mut closed = false;
        match keyword {
            "if" => {
                self.expression()?;
                open.push(Open::If);
            }
            "for" => {
                self.for_variables_in()?;
                open.push(Open::For);
            }
            "else" => match open.last_mut() {
                Some(o @ Open::If) => *o = Open::Else,
                _ => return None,
            },
            "endif" => match open.pop() {
                Some(Open::If | Open::Else) => closed = true,
                _ => return None,
            },
            "endfor" => match open.pop() {
                Some(Open::For) => closed = true,
                _ => return None,
            },
            _ => return None,
        }
        self.trivia()?;
        self.eat("~");
        self.expect("}")?;
        Some(closed)
    }
}

/// The text of a template that holds only literals (tree-sitter's `string_lit`: its literal chunks joined).
fn literal_only(parts: Vec<TemplatePart>) -> Option<String> {
    let mut out = String::new();
    for part in parts {
        match part {
            TemplatePart::Literal(s) => out.push_str(&s),
            _ => return None,
        }
    }
    Some(out)
}
