//! The typed view of a Terraform file: blocks, attributes and expressions with their source ranges.
//!
//! Built from the tree-sitter tree of a `.tf`/`.tfvars` file (and, with the same types, from `.tf.json`), owned
//! so that it outlives the tree and can be shared between the files of a module.

use tree_sitter::Node;

use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// `resource`, `data`, `module`, `variable`, `locals`, ..., or a nested block's name (`ingress`).
    pub kind: String,
    pub labels: Vec<String>,
    /// From the block's first byte to its closing brace.
    pub range: TextRange,
    /// The block's type and labels: where a finding about a missing attribute points.
    pub header: TextRange,
    /// Just after the `{`, and at the `}` (equal to `range.end` when the brace is missing).
    pub open_brace_end: usize,
    pub close_brace_start: usize,
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<Block>,
}

/// A comment, with its `#`, `//` or `/* */` markers.
#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    pub range: TextRange,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub name: String,
    pub name_range: TextRange,
    /// The whole `name = value`.
    pub range: TextRange,
    pub expr: Expr,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub range: TextRange,
    pub kind: ExprKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Null,
    Bool(bool),
    Number(f64),
    /// A quoted string or heredoc; a plain string is one literal part.
    Template(Vec<TemplatePart>),
    Tuple(Vec<Expr>),
    Object(Vec<(Expr, Expr)>),
    /// `var.x`, `local.y[0]`, `aws_s3_bucket.b.id`: a root name and the steps after it.
    Traversal(String, Vec<Step>),
    Call(String, Vec<Expr>),
    /// `f(a, list...)`: the last argument's elements are the call's last arguments.
    CallExpanded(String, Vec<Expr>),
    Conditional(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `a + b`, `a == b`, `a && b`, ...
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `-a`, `!a` on anything but a literal (`-1` is a number).
    Unary(UnaryOp, Box<Expr>),
    /// Steps after an expression that is not a name: `f(x)[0]`, `(local.a).b`, `[for ...][0]`.
    Steps(Box<Expr>, Vec<Step>),
    /// `[for k, v in coll : value if cond]` and `{for k, v in coll : key => value... if cond}`.
    For(Box<ForExpr>),
    /// A value known before evaluation: an iterator's element written into an expanded `dynamic` block or a
    /// resource instance.
    Known(crate::value::Value),
    /// What onus does not read (never known).
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Mul,
    Div,
    Mod,
    Add,
    Sub,
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
    Ne,
    And,
    Or,
}

impl BinaryOp {
    pub fn from_token(token: &str) -> Option<BinaryOp> {
        Some(match token {
            "*" => BinaryOp::Mul,
            "/" => BinaryOp::Div,
            "%" => BinaryOp::Mod,
            "+" => BinaryOp::Add,
            "-" => BinaryOp::Sub,
            ">" => BinaryOp::Gt,
            ">=" => BinaryOp::Ge,
            "<" => BinaryOp::Lt,
            "<=" => BinaryOp::Le,
            "==" => BinaryOp::Eq,
            "!=" => BinaryOp::Ne,
            "&&" => BinaryOp::And,
            "||" => BinaryOp::Or,
            _ => return None,
        })
    }

    /// Binding strength, as tree-sitter-hcl's grammar has it (higher binds tighter; all left-associative).
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => 6,
            BinaryOp::Add | BinaryOp::Sub => 5,
            BinaryOp::Gt | BinaryOp::Ge | BinaryOp::Lt | BinaryOp::Le => 4,
            BinaryOp::Eq | BinaryOp::Ne => 3,
            BinaryOp::And => 2,
            BinaryOp::Or => 1,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Not,
}

/// A `for` expression.
#[derive(Clone, Debug, PartialEq)]
pub struct ForExpr {
    /// `k` of `for k, v in ...` (absent with one variable).
    pub key_var: Option<String>,
    pub value_var: String,
    pub collection: Expr,
    /// The key expression of an object `for` (`k => v`); `None` for a tuple `for`.
    pub key: Option<Expr>,
    pub value: Expr,
    /// `...` after an object `for`'s value: values of equal keys are grouped in lists.
    pub group: bool,
    pub cond: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TemplatePart {
    Literal(String),
    Interpolation(Expr),
    /// `%{ if }`/`%{ for }`: makes the template unknown.
    Directive,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    Attr(String),
    Index(Expr),
    /// `.*` or `[*]`, with the steps that follow it (applied to each element).
    Splat(Vec<Step>),
}

fn shift_range(r: &mut TextRange, delta: isize) {
    *r = r.shifted(delta);
}

impl Block {
    /// Moves every range of the block by `delta` bytes (the block was reused after an edit before it).
    pub fn shift(&mut self, delta: isize) {
        shift_range(&mut self.range, delta);
        shift_range(&mut self.header, delta);
        self.open_brace_end = self.open_brace_end.saturating_add_signed(delta);
        self.close_brace_start = self.close_brace_start.saturating_add_signed(delta);
        for a in &mut self.attributes {
            a.shift(delta);
        }
        for b in &mut self.blocks {
            b.shift(delta);
        }
    }

    pub fn label(&self, i: usize) -> Option<&str> {
        self.labels.get(i).map(String::as_str)
    }
    pub fn attr(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }
    /// Nested blocks named `name`, including the `content` of `dynamic "name"` blocks.
    pub fn blocks<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter_map(move |b| {
            if b.kind == name {
                Some(b)
            } else if b.kind == "dynamic" && b.label(0) == Some(name) {
                b.blocks.iter().find(|c| c.kind == "content")
            } else {
                None
            }
        })
    }
    pub fn block<'a>(&'a self, name: &'a str) -> Option<&'a Block> {
        self.blocks(name).next()
    }
    /// Whether this nested block is the `content` of a `dynamic` block (its values depend on the iterator).
    pub fn is_dynamic_content(&self) -> bool {
        self.kind == "content"
    }
}

fn shift_steps(steps: &mut [Step], delta: isize) {
    for step in steps {
        match step {
            Step::Index(e) => e.shift(delta),
            Step::Splat(rest) => shift_steps(rest, delta),
            Step::Attr(_) => {}
        }
    }
}

impl Attribute {
    pub fn shift(&mut self, delta: isize) {
        shift_range(&mut self.name_range, delta);
        shift_range(&mut self.range, delta);
        self.expr.shift(delta);
    }
}

impl Comment {
    pub fn shift(&mut self, delta: isize) {
        shift_range(&mut self.range, delta);
    }
}

impl Expr {
    pub fn shift(&mut self, delta: isize) {
        shift_range(&mut self.range, delta);
        match &mut self.kind {
            ExprKind::Template(parts) => {
                for p in parts {
                    if let TemplatePart::Interpolation(e) = p {
                        e.shift(delta);
                    }
                }
            }
            ExprKind::Tuple(items) | ExprKind::Call(_, items) => items.iter_mut().for_each(|e| e.shift(delta)),
            ExprKind::Object(elems) => {
                for (k, v) in elems {
                    k.shift(delta);
                    v.shift(delta);
                }
            }
            ExprKind::Traversal(_, steps) => shift_steps(steps, delta),
            ExprKind::Steps(base, steps) => {
                base.shift(delta);
                shift_steps(steps, delta);
            }
            ExprKind::CallExpanded(_, items) => items.iter_mut().for_each(|e| e.shift(delta)),
            ExprKind::Conditional(c, t, f) => {
                c.shift(delta);
                t.shift(delta);
                f.shift(delta);
            }
            ExprKind::Binary(_, a, b) => {
                a.shift(delta);
                b.shift(delta);
            }
            ExprKind::Unary(_, a) => a.shift(delta),
            ExprKind::For(f) => {
                f.collection.shift(delta);
                f.value.shift(delta);
                if let Some(k) = &mut f.key {
                    k.shift(delta);
                }
                if let Some(c) = &mut f.cond {
                    c.shift(delta);
                }
            }
            ExprKind::Null | ExprKind::Bool(_) | ExprKind::Number(_) | ExprKind::Known(_) | ExprKind::Other => {}
        }
    }

    /// Calls `f` on this expression and on every expression inside it (operands, elements, template parts,
    /// indexes of steps), outermost first.
    pub fn visit<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        f(self);
        fn visit_steps<'a>(steps: &'a [Step], f: &mut dyn FnMut(&'a Expr)) {
            for s in steps {
                match s {
                    Step::Index(e) => e.visit(f),
                    Step::Splat(rest) => visit_steps(rest, f),
                    Step::Attr(_) => {}
                }
            }
        }
        match &self.kind {
            ExprKind::Traversal(_, s) => visit_steps(s, f),
            ExprKind::Steps(base, s) => {
                base.visit(f);
                visit_steps(s, f);
            }
            ExprKind::Template(parts) => {
                for p in parts {
                    if let TemplatePart::Interpolation(e) = p {
                        e.visit(f);
                    }
                }
            }
            ExprKind::Tuple(items) | ExprKind::Call(_, items) | ExprKind::CallExpanded(_, items) => {
                items.iter().for_each(|e| e.visit(f))
            }
            ExprKind::Object(elems) => {
                for (k, v) in elems {
                    k.visit(f);
                    v.visit(f);
                }
            }
            ExprKind::Conditional(c, t, e) => {
                c.visit(f);
                t.visit(f);
                e.visit(f);
            }
            ExprKind::Binary(_, a, b) => {
                a.visit(f);
                b.visit(f);
            }
            ExprKind::Unary(_, a) => a.visit(f),
            ExprKind::For(fe) => {
                fe.collection.visit(f);
                fe.value.visit(f);
                if let Some(k) = &fe.key {
                    k.visit(f);
                }
                if let Some(c) = &fe.cond {
                    c.visit(f);
                }
            }
            ExprKind::Null | ExprKind::Bool(_) | ExprKind::Number(_) | ExprKind::Known(_) | ExprKind::Other => {}
        }
    }

    /// Whether `pred` holds for this expression or any expression inside it (see [`Expr::visit`]).
    pub fn any(&self, pred: impl Fn(&Expr) -> bool) -> bool {
        let mut found = false;
        self.visit(&mut |e| found = found || pred(e));
        found
    }

    /// A string with no interpolation, as written.
    pub fn as_literal_str(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::Template(parts) => match parts.as_slice() {
                [TemplatePart::Literal(s)] => Some(s),
                [] => Some(""),
                _ => None,
            },
            _ => None,
        }
    }
}

/// Builds the model of an HCL file from its tree.
pub struct HclReader<'a> {
    source: &'a [u8],
}

impl<'a> HclReader<'a> {
    pub fn new(source: &'a [u8]) -> Self {
        Self { source }
    }

    fn text(&self, node: Node) -> &'a str {
        std::str::from_utf8(&self.source[node.start_byte()..node.end_byte()]).unwrap_or("")
    }

    /// The top-level blocks and attributes of a `config_file` (attributes matter for `.tfvars`).
    pub fn file(&self, root: Node) -> (Vec<Block>, Vec<Attribute>) {
        let mut blocks = Vec::new();
        let mut attributes = Vec::new();
        let mut cursor = root.walk();
        for child in root.named_children(&mut cursor) {
            if child.kind() == "body" {
                self.body(child, &mut attributes, &mut blocks);
            }
        }
        (blocks, attributes)
    }

    /// Every comment under `node`, wherever error recovery put it: for files with syntax errors, whose trees
    /// differ between an incremental and a fresh parse of the same text.
    pub fn all_comments(&self, node: Node) -> Vec<Comment> {
        let mut out = Vec::new();
        let mut cursor = node.walk();
        'walk: loop {
            let n = cursor.node();
            if n.kind() == "comment" {
                out.push(Comment { range: TextRange::from_node(&n), text: self.text(n).to_string() });
            }
            if cursor.goto_first_child() {
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    break 'walk;
                }
            }
        }
        out
    }

    /// The comments between blocks and attributes (where suppressions are written), in order.
    pub fn comments(&self, root: Node) -> Vec<Comment> {
        let mut out = Vec::new();
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                match child.kind() {
                    "comment" => {
                        out.push(Comment { range: TextRange::from_node(&child), text: self.text(child).to_string() })
                    }
                    // Error recovery may put a comment under an ERROR node, differently in an incremental and a
                    // fresh parse of the same text: look there too, so both see the same suppressions.
                    "body" | "block" | "ERROR" => stack.push(child),
                    _ => {}
                }
            }
        }
        out.sort_by_key(|c| c.range.start);
        out
    }

    fn body(&self, body: Node, attributes: &mut Vec<Attribute>, blocks: &mut Vec<Block>) {
        let mut cursor = body.walk();
        for child in body.named_children(&mut cursor) {
            match child.kind() {
                "attribute" => attributes.extend(self.attribute(child)),
                "block" => blocks.extend(self.block(child)),
                _ => {}
            }
        }
    }

    pub fn block(&self, node: Node) -> Option<Block> {
        let mut cursor = node.walk();
        let mut kind = None;
        let mut labels = Vec::new();
        let mut header_end = node.start_byte();
        let mut open_brace_end = None;
        let mut close_brace_start = node.end_byte();
        let mut attributes = Vec::new();
        let mut blocks = Vec::new();
        for child in node.children(&mut cursor) {
            match child.kind() {
                "identifier" if kind.is_none() => {
                    kind = Some(self.text(child).to_string());
                    header_end = child.end_byte();
                }
                "identifier" if open_brace_end.is_none() => {
                    labels.push(self.text(child).to_string());
                    header_end = child.end_byte();
                }
                "string_lit" if open_brace_end.is_none() => {
                    labels.push(self.string_lit(child));
                    header_end = child.end_byte();
                }
                "block_start" => open_brace_end = Some(child.end_byte()),
                "body" => self.body(child, &mut attributes, &mut blocks),
                "block_end" if !child.is_missing() => close_brace_start = child.start_byte(),
                _ => {}
            }
        }
        Some(Block {
            kind: kind?,
            labels,
            range: TextRange::from_node(&node),
            header: TextRange::new(node.start_byte(), header_end),
            open_brace_end: open_brace_end?,
            close_brace_start,
            attributes,
            blocks,
        })
    }

    pub fn attribute(&self, node: Node) -> Option<Attribute> {
        let name = node.named_child(0).filter(|n| n.kind() == "identifier")?;
        let value = node.named_child(1)?;
        Some(Attribute {
            name: self.text(name).to_string(),
            name_range: TextRange::from_node(&name),
            range: TextRange::from_node(&node),
            expr: self.expr(value),
        })
    }

    fn string_lit(&self, node: Node) -> String {
        let mut out = String::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            if child.kind() == "template_literal" {
                out.push_str(&unescape(self.text(child)));
            }
        }
        out
    }

    pub fn expr(&self, node: Node) -> Expr {
        let range = TextRange::from_node(&node);
        let kind = self.expr_kind(node);
        Expr { range, kind }
    }

    fn expr_kind(&self, node: Node) -> ExprKind {
        match node.kind() {
            // tree-sitter-hcl groups operators and traversals wrongly (`x == y[0]` as `(x == y)[0]`, `!var.on` as
            // `(!var).on`): an expression's terms and operators are read in order and grouped as HCL does.
            "expression" | "operation" => {
                let mut tokens = Vec::new();
                self.flatten(node, &mut tokens);
                let mut at = 0;
                match self.parse_binary(&tokens, &mut at, 0) {
                    Some(e) if at == tokens.len() => e.kind,
                    _ => ExprKind::Other,
                }
            }
            "for_expr" => match node.named_child(0) {
                Some(n) => self.for_expr(n),
                None => ExprKind::Other,
            },
            "literal_value" => match node.named_child(0) {
                Some(n) => self.expr_kind(n),
                None => ExprKind::Other,
            },
            "numeric_lit" => self.text(node).parse().map(ExprKind::Number).unwrap_or(ExprKind::Other),
            "bool_lit" => ExprKind::Bool(self.text(node) == "true"),
            "null_lit" => ExprKind::Null,
            "string_lit" => ExprKind::Template(vec![TemplatePart::Literal(self.string_lit(node))]),
            "template_expr" => match node.named_child(0) {
                Some(n) if n.kind() == "quoted_template" => ExprKind::Template(self.template_parts(n, true)),
                Some(n) if n.kind() == "heredoc_template" => self.heredoc(n),
                _ => ExprKind::Other,
            },
            "collection_value" => match node.named_child(0) {
                Some(n) => self.expr_kind(n),
                None => ExprKind::Other,
            },
            "tuple" => {
                let mut cursor = node.walk();
                let items = node.named_children(&mut cursor).filter(|c| c.kind() == "expression").map(|c| self.expr(c));
                ExprKind::Tuple(items.collect())
            }
            "object" => {
                let mut cursor = node.walk();
                let mut elems = Vec::new();
                for elem in node.named_children(&mut cursor).filter(|c| c.kind() == "object_elem") {
                    if let (Some(k), Some(v)) = (elem.child_by_field_name("key"), elem.child_by_field_name("val")) {
                        elems.push((self.expr(k), self.expr(v)));
                    }
                }
                ExprKind::Object(elems)
            }
            "variable_expr" => ExprKind::Traversal(self.text(node).to_string(), Vec::new()),
            "function_call" => {
                let mut cursor = node.walk();
                let mut name = String::new();
                let mut args = Vec::new();
                let mut expanded = false;
                for child in node.named_children(&mut cursor) {
                    match child.kind() {
                        "identifier" => name = self.text(child).to_string(),
                        "function_arguments" => {
                            let mut c2 = child.walk();
                            for arg in child.named_children(&mut c2) {
                                match arg.kind() {
                                    "expression" => args.push(self.expr(arg)),
                                    "ellipsis" => expanded = true,
                                    _ => {}
                                }
                            }
                        }
                        _ => {}
                    }
                }
                if expanded {
                    ExprKind::CallExpanded(name, args)
                } else {
                    ExprKind::Call(name, args)
                }
            }
            "conditional" => {
                let mut cursor = node.walk();
                let parts: Vec<Expr> = node.named_children(&mut cursor).map(|c| self.expr(c)).collect();
                match <[Expr; 3]>::try_from(parts) {
                    Ok([c, t, f]) => right_associated(c, t, f),
                    Err(_) => ExprKind::Other,
                }
            }
            _ => ExprKind::Other,
        }
    }

    /// The terms, steps and operators of an expression, in source order, through tree-sitter's (misgrouped)
    /// operation nodes; comments left out.
    fn flatten<'t>(&self, node: Node<'t>, out: &mut Vec<Token<'t>>) {
        let mut cursor = node.walk();
        let children: Vec<Node<'t>> = node.children(&mut cursor).filter(|c| c.kind() != "comment").collect();
        let mut i = 0;
        while i < children.len() {
            let c = children[i];
            match c.kind() {
                "operation" | "binary_operation" | "unary_operation" => self.flatten(c, out),
                "(" => {
                    // `( expression )`: one term, its range the parentheses'.
                    let inner = children.get(i + 1).copied();
                    let close = children.get(i + 2).copied().filter(|n| n.kind() == ")");
                    match (inner, close) {
                        (Some(inner), Some(close)) => {
                            out.push(Token::Paren(inner, TextRange::new(c.start_byte(), close.end_byte())));
                            i += 2;
                        }
                        _ => out.push(Token::Broken),
                    }
                }
                "get_attr" | "index" | "splat" => out.push(Token::Step(c)),
                kind if !c.is_named() => match kind {
                    "-" | "!" | "*" | "/" | "%" | "+" | ">" | ">=" | "<" | "<=" | "==" | "!=" | "&&" | "||" => {
                        out.push(Token::Op(kind, TextRange::from_node(&c)))
                    }
                    _ => out.push(Token::Broken),
                },
                _ => out.push(Token::Term(c)),
            }
            i += 1;
        }
    }

    /// Binary operations at or above `min` precedence, left-associative.
    fn parse_binary(&self, tokens: &[Token], at: &mut usize, min: u8) -> Option<Expr> {
        let mut left = self.parse_unary(tokens, at)?;
        while let Some(Token::Op(token, _)) = tokens.get(*at) {
            let Some(op) = BinaryOp::from_token(token) else { break };
            if op.precedence() < min {
                break;
            }
            *at += 1;
            let right = self.parse_binary(tokens, at, op.precedence() + 1)?;
            let range = TextRange::new(left.range.start, right.range.end);
            left = Expr { range, kind: ExprKind::Binary(op, Box::new(left), Box::new(right)) };
        }
        Some(left)
    }

    /// `-x`, `!x` (a negated literal is a literal: a protocol of `-1` is "all"), or a term and its steps.
    fn parse_unary(&self, tokens: &[Token], at: &mut usize) -> Option<Expr> {
        if let Some(&Token::Op(token @ ("-" | "!"), range)) = tokens.get(*at) {
            *at += 1;
            let operand = self.parse_unary(tokens, at)?;
            let range = TextRange::new(range.start, operand.range.end);
            return Some(Expr { range, kind: unary(token, operand) });
        }
        let (expr, variable) = match tokens.get(*at)? {
            Token::Term(n) => (self.expr(*n), n.kind() == "variable_expr"),
            Token::Paren(inner, range) => (Expr { range: *range, kind: self.expr_kind(*inner) }, false),
            _ => return None,
        };
        *at += 1;
        let mut steps = Vec::new();
        let mut end = expr.range.end;
        while let Some(Token::Step(n)) = tokens.get(*at) {
            steps.push(self.step(*n)?);
            end = n.end_byte();
            *at += 1;
        }
        if steps.is_empty() {
            return Some(expr);
        }
        let range = TextRange::new(expr.range.start, end);
        let kind = match expr.kind {
            ExprKind::Traversal(root, no_steps) if variable && no_steps.is_empty() => ExprKind::Traversal(root, steps),
            _ => ExprKind::Steps(Box::new(expr), steps),
        };
        Some(Expr { range, kind })
    }

    /// A `get_attr`, `index` or `splat` node as a step.
    fn step(&self, node: Node) -> Option<Step> {
        match node.kind() {
            "get_attr" => node.named_child(0).map(|id| Step::Attr(self.text(id).to_string())),
            "index" => match node.named_child(0).map(|n| (n.kind(), n)) {
                Some(("new_index", n)) => n.named_child(0).map(|e| Step::Index(self.expr(e))),
                Some(("legacy_index", n)) => {
                    let digits = self.text(n).trim_start_matches('.');
                    let value = digits.parse().unwrap_or(f64::NAN);
                    Some(Step::Index(Expr { range: TextRange::from_node(&n), kind: ExprKind::Number(value) }))
                }
                _ => None,
            },
            "splat" => {
                let splat = node.named_child(0)?;
                let mut cursor = splat.walk();
                let rest: Option<Vec<Step>> =
                    splat.named_children(&mut cursor).filter(|c| c.kind() != "comment").map(|c| self.step(c)).collect();
                Some(Step::Splat(rest?))
            }
            _ => None,
        }
    }

    /// A `for_tuple_expr` or `for_object_expr`.
    fn for_expr(&self, node: Node) -> ExprKind {
        let mut cursor = node.walk();
        let children: Vec<Node> = node.named_children(&mut cursor).filter(|c| c.kind() != "comment").collect();
        let object = node.kind() == "for_object_expr";
        let Some(intro) = children.iter().find(|c| c.kind() == "for_intro") else { return ExprKind::Other };
        let mut c2 = intro.walk();
        let intro_children: Vec<Node> = intro.named_children(&mut c2).filter(|c| c.kind() != "comment").collect();
        let names: Vec<String> =
            intro_children.iter().filter(|c| c.kind() == "identifier").map(|c| self.text(*c).to_string()).collect();
        let Some(collection) = intro_children.iter().find(|c| c.kind() == "expression") else { return ExprKind::Other };
        let exprs: Vec<Expr> = children.iter().filter(|c| c.kind() == "expression").map(|c| self.expr(*c)).collect();
        let cond =
            children.iter().find(|c| c.kind() == "for_cond").and_then(|c| c.named_child(0)).map(|e| self.expr(e));
        let group = children.iter().any(|c| c.kind() == "ellipsis");
        let (key_var, value_var) = match names.as_slice() {
            [v] => (None, v.clone()),
            [k, v] => (Some(k.clone()), v.clone()),
            _ => return ExprKind::Other,
        };
        let (key, value) = match (object, <[Expr; 2]>::try_from(exprs.clone()), <[Expr; 1]>::try_from(exprs)) {
            (true, Ok([k, v]), _) => (Some(k), v),
            (false, _, Ok([v])) => (None, v),
            _ => return ExprKind::Other,
        };
        let collection = self.expr(*collection);
        ExprKind::For(Box::new(ForExpr { key_var, value_var, collection, key, value, group, cond }))
    }

    fn template_parts(&self, node: Node, quoted: bool) -> Vec<TemplatePart> {
        let mut parts = Vec::new();
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            match child.kind() {
                "template_literal" => {
                    let raw = self.text(child);
                    let text = if quoted { unescape(raw) } else { unescape_template_markers(raw) };
                    match parts.last_mut() {
                        Some(TemplatePart::Literal(s)) => s.push_str(&text),
                        _ => parts.push(TemplatePart::Literal(text)),
                    }
                }
                "template_interpolation" => {
                    let mut c2 = child.walk();
                    let expr = child.named_children(&mut c2).find(|c| c.kind() == "expression");
                    match expr {
                        Some(e) => parts.push(TemplatePart::Interpolation(self.expr(e))),
                        None => parts.push(TemplatePart::Directive),
                    }
                }
                "template_directive" => parts.push(TemplatePart::Directive),
                _ => {}
            }
        }
        parts
    }

    /// A heredoc's text: the lines between its markers, with `<<-` indentation removed.
    fn heredoc(&self, node: Node) -> ExprKind {
        let strip = {
            let mut cursor = node.walk();
            let start = node.named_children(&mut cursor).find(|c| c.kind() == "heredoc_start");
            start.is_some_and(|s| self.text(s).starts_with("<<-"))
        };
        // The body runs from the end of the first line to the start of the closing marker's line.
        let mut cursor = node.walk();
        let idents: Vec<Node> = node.named_children(&mut cursor).filter(|c| c.kind() == "heredoc_identifier").collect();
        let (Some(open), Some(close)) = (idents.first(), idents.get(1)) else { return ExprKind::Other };
        let body_start =
            self.source[open.end_byte()..].iter().position(|&b| b == b'\n').map(|p| open.end_byte() + p + 1);
        let Some(body_start) = body_start else { return ExprKind::Other };
        let close_line_start =
            self.source[..close.start_byte()].iter().rposition(|&b| b == b'\n').map(|p| p + 1).unwrap_or(0);
        if close_line_start < body_start {
            return ExprKind::Template(vec![TemplatePart::Literal(String::new())]);
        }
        let body = std::str::from_utf8(&self.source[body_start..close_line_start]).unwrap_or("");
        heredoc_text(self.template_parts(node, false), strip, body)
    }
}

/// A term, step or operator of an expression, in source order (see [`HclReader::flatten`]).
#[derive(Clone, Copy)]
enum Token<'t> {
    Term(Node<'t>),
    /// `( expression )`, with the parentheses' range.
    Paren(Node<'t>, TextRange),
    Step(Node<'t>),
    Op(&'static str, TextRange),
    /// Something the reader does not know: the expression is unknown.
    Broken,
}

/// `-x` or `!x`: a literal is negated (`-1` is the number minus one).
pub fn unary(token: &str, operand: Expr) -> ExprKind {
    match (token, operand.kind) {
        ("-", ExprKind::Number(n)) => ExprKind::Number(-n),
        ("!", ExprKind::Bool(b)) => ExprKind::Bool(!b),
        ("-", kind) => ExprKind::Unary(UnaryOp::Neg, Box::new(Expr { range: operand.range, kind })),
        (_, kind) => ExprKind::Unary(UnaryOp::Not, Box::new(Expr { range: operand.range, kind })),
    }
}

/// `c ? t : f` as HCL groups it: to the right (`a ? b : c ? d : e` is `a ? b : (c ? d : e)`), where tree-sitter
/// groups it to the left. A condition that is itself a conditional in parentheses stays as written.
pub fn right_associated(c: Expr, t: Expr, f: Expr) -> ExprKind {
    match c.kind {
        ExprKind::Conditional(c0, t0, f0) if c0.range.start == c.range.start => {
            let range = TextRange::new(f0.range.start, f.range.end);
            let tail = Expr { range, kind: right_associated(*f0, t, f) };
            ExprKind::Conditional(c0, t0, Box::new(tail))
        }
        kind => ExprKind::Conditional(Box::new(Expr { range: c.range, kind }), Box::new(t), Box::new(f)),
    }
}

/// A heredoc's parts as read: its first literal's marker newline dropped and, for `<<-`, the indentation common
/// to the lines of `body` (the text between the marker lines) removed from its literal text.
pub fn heredoc_text(mut parts: Vec<TemplatePart>, strip: bool, body: &str) -> ExprKind {
    // Trim what belongs to the marker lines (the literal nodes can include the first newline).
    if let Some(TemplatePart::Literal(s)) = parts.first_mut() {
        if let Some(rest) = s.strip_prefix('\n') {
            *s = rest.to_string();
        }
    }
    if strip {
        // Indentation is removed from literal text only; with interpolations this is approximate
        // (enough for JSON policies, which is what rules read from heredocs).
        let indent = body
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
            .min()
            .unwrap_or(0);
        for part in &mut parts {
            if let TemplatePart::Literal(s) = part {
                *s = s
                    .split('\n')
                    .map(|l| {
                        let n = l.len() - l.trim_start_matches([' ', '\t']).len();
                        &l[n.min(indent)..]
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
            }
        }
    }
    ExprKind::Template(parts)
}

/// Resolves the escapes of a quoted HCL string: `\n \t \r \" \\ \uXXXX \UXXXXXXXX`, and `$${`/`%%{`.
pub fn unescape(raw: &str) -> String {
    if !raw.contains(['\\', '$', '%']) {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some(u @ ('u' | 'U')) => {
                    let n = if u == 'u' { 4 } else { 8 };
                    let hex: String = (0..n).filter_map(|_| chars.next()).collect();
                    match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        Some(ch) => out.push(ch),
                        None => {
                            out.push('\\');
                            out.push(u);
                            out.push_str(&hex);
                        }
                    }
                }
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            },
            '$' | '%' if chars.peek() == Some(&c) => {
                // `$${` is a literal `${`.
                let mut look = chars.clone();
                look.next();
                if look.peek() == Some(&'{') {
                    chars.next();
                }
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

pub fn unescape_template_markers(raw: &str) -> String {
    raw.replace("$${", "${").replace("%%{", "%{")
}
