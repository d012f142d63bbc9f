//! YAML and JSON read into one owned tree of maps, lists and scalars with their source ranges.
//!
//! CloudFormation's YAML short forms become their long forms: `!Ref X` is `{Ref: X}`, `!GetAtt A.B` is
//! `{Fn::GetAtt: A.B}`, `!Sub ...` is `{Fn::Sub: ...}`; so the evaluator and the rules know one shape.

use crate::compact::tight;
use tree_sitter::Node as TsNode;

use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub range: TextRange,
    pub kind: NodeKind,
    /// How a map or list is written: a fix must write in the same style.
    pub style: Style,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// YAML block style (indentation).
    Block,
    /// YAML flow style (`{a: 1}`, `[1]`).
    Flow,
    Json,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    List(Vec<Node>),
    Map(Vec<Entry>),
    /// An alias, a broken node: nothing can be said about it.
    Unknown,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_range: TextRange,
    /// From the key to the end of the value.
    pub range: TextRange,
    pub value: Node,
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.kind {
            NodeKind::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.kind {
            NodeKind::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.kind {
            NodeKind::List(items) => items,
            _ => &[],
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::String(s) => Some(s),
            _ => None,
        }
    }

    /// An intrinsic function (`{Ref: X}`, `{Fn::Sub: ...}`): its name and argument.
    pub fn intrinsic(&self) -> Option<(&str, &Node)> {
        match &self.kind {
            NodeKind::Map(entries) if entries.len() == 1 => {
                let e = &entries[0];
                (e.key == "Ref" || e.key == "Condition" || e.key.starts_with("Fn::"))
                    .then_some((e.key.as_str(), &e.value))
            }
            _ => None,
        }
    }
}

/// Reads a YAML or JSON tree.
pub struct Reader<'a> {
    source: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(source: &'a [u8]) -> Self {
        Self { source }
    }

    fn text(&self, node: TsNode) -> &'a str {
        std::str::from_utf8(&self.source[node.start_byte()..node.end_byte()]).unwrap_or("")
    }

    /// The document's root value (the first YAML document, or the JSON value).
    pub fn root(&self, root: TsNode) -> Option<Node> {
        self.documents(root).into_iter().next()
    }

    /// The root value of every document: a YAML stream may hold several (`---`); JSON holds one.
    pub fn documents(&self, root: TsNode) -> Vec<Node> {
        match root.kind() {
            "stream" => {
                let mut c = root.walk();
                let docs: Vec<TsNode> = root.named_children(&mut c).filter(|n| n.kind() == "document").collect();
                docs.into_iter()
                    .filter_map(|doc| {
                        let mut c = doc.walk();
                        let value = doc.named_children(&mut c).find(|n| matches!(n.kind(), "block_node" | "flow_node"));
                        value.map(|v| self.yaml(v))
                    })
                    .collect()
            }
            _ => self.root_json(root).into_iter().collect(),
        }
    }

    fn root_json(&self, root: TsNode) -> Option<Node> {
        match root.kind() {
            "document" => {
                let mut c = root.walk();
                let value = root.named_children(&mut c).find(|n| n.kind() != "comment")?;
                Some(self.json(value))
            }
            _ => None,
        }
    }

    fn node(&self, range: TextRange, kind: NodeKind, style: Style) -> Node {
        Node { range, kind, style }
    }

    // ---- JSON

    fn json(&self, n: TsNode) -> Node {
        let range = TextRange::from_node(&n);
        let kind = match n.kind() {
            "object" => {
                let mut c = n.walk();
                let entries = n
                    .named_children(&mut c)
                    .filter(|p| p.kind() == "pair")
                    .filter_map(|p| {
                        let key = p.child_by_field_name("key")?;
                        let value = p.child_by_field_name("value")?;
                        Some(Entry {
                            key: json_string(self.text(key)),
                            key_range: TextRange::from_node(&key),
                            range: TextRange::new(key.start_byte(), value.end_byte()),
                            value: self.json(value),
                        })
                    })
                    .collect();
                NodeKind::Map(tight(entries))
            }
            "array" => {
                let mut c = n.walk();
                NodeKind::List(tight(
                    n.named_children(&mut c).filter(|i| i.kind() != "comment").map(|i| self.json(i)).collect(),
                ))
            }
            "string" => NodeKind::String(json_string(self.text(n))),
            "number" => self.text(n).parse().map(NodeKind::Number).unwrap_or(NodeKind::Unknown),
            "true" => NodeKind::Bool(true),
            "false" => NodeKind::Bool(false),
            "null" => NodeKind::Null,
            _ => NodeKind::Unknown,
        };
        self.node(range, kind, Style::Json)
    }

    // ---- YAML

    fn yaml(&self, n: TsNode) -> Node {
        let range = TextRange::from_node(&n);
        let mut tag = None;
        let mut value = None;
        let mut c = n.walk();
        for child in n.named_children(&mut c) {
            match child.kind() {
                "tag" => tag = Some(self.text(child)),
                "anchor" | "comment" => {}
                _ => value = Some(child),
            }
        }
        let inner = match value {
            Some(v) => self.yaml_value(v, tag.is_some_and(|t| t == "!!str")),
            None => self.node(range, NodeKind::Null, Style::Block),
        };
        match tag.and_then(long_form) {
            Some(name) => {
                // `!GetAtt A.B` and `!Ref X` take the scalar as it is; `!Sub`, `!If`... their argument.
                let entry = Entry { key: name.to_string(), key_range: range, range, value: inner };
                self.node(range, NodeKind::Map(vec![entry]), Style::Flow)
            }
            None => Node { range, ..inner },
        }
    }

    fn yaml_value(&self, v: TsNode, force_string: bool) -> Node {
        let range = TextRange::from_node(&v);
        match v.kind() {
            "block_mapping" | "flow_mapping" => {
                let style = if v.kind() == "block_mapping" { Style::Block } else { Style::Flow };
                let mut c = v.walk();
                let entries = v
                    .named_children(&mut c)
                    .filter(|p| matches!(p.kind(), "block_mapping_pair" | "flow_pair"))
                    .filter_map(|p| {
                        let key = p.child_by_field_name("key")?;
                        let value = p.child_by_field_name("value");
                        let value = match value {
                            Some(value) => self.yaml(value),
                            None => self.node(TextRange::empty(p.end_byte()), NodeKind::Null, Style::Block),
                        };
                        let key_text = match self.yaml(key).kind {
                            NodeKind::String(s) => s,
                            NodeKind::Number(_) | NodeKind::Bool(_) | NodeKind::Null => {
                                self.text(key).trim().to_string()
                            }
                            _ => return None,
                        };
                        Some(Entry {
                            key: key_text,
                            key_range: TextRange::from_node(&key),
                            range: TextRange::new(key.start_byte(), value.range.end.max(key.end_byte())),
                            value,
                        })
                    })
                    .collect();
                self.node(range, NodeKind::Map(tight(entries)), style)
            }
            "block_sequence" => {
                let mut c = v.walk();
                let items = v
                    .named_children(&mut c)
                    .filter(|i| i.kind() == "block_sequence_item")
                    .filter_map(|i| {
                        let mut c2 = i.walk();
                        let value = i.named_children(&mut c2).find(|n| matches!(n.kind(), "block_node" | "flow_node"));
                        value.map(|value| self.yaml(value))
                    })
                    .collect();
                self.node(range, NodeKind::List(tight(items)), Style::Block)
            }
            "flow_sequence" => {
                let mut c = v.walk();
                let items = v
                    .named_children(&mut c)
                    .filter_map(|i| match i.kind() {
                        "flow_node" => Some(self.yaml(i)),
                        // `[a: 1]` is a list holding a one-pair map.
                        "flow_pair" => {
                            let key = i.child_by_field_name("key")?;
                            let value = i.child_by_field_name("value").map(|n| self.yaml(n));
                            let value = value.unwrap_or_else(|| {
                                self.node(TextRange::empty(i.end_byte()), NodeKind::Null, Style::Flow)
                            });
                            let entry = Entry {
                                key: self.text(key).to_string(),
                                key_range: TextRange::from_node(&key),
                                range: TextRange::from_node(&i),
                                value,
                            };
                            Some(self.node(TextRange::from_node(&i), NodeKind::Map(vec![entry]), Style::Flow))
                        }
                        _ => None,
                    })
                    .collect();
                self.node(range, NodeKind::List(tight(items)), Style::Flow)
            }
            "plain_scalar" => {
                let text = self.text(v).trim();
                let kind = if force_string {
                    NodeKind::String(text.to_string())
                } else {
                    match v.named_child(0).map(|c| c.kind()) {
                        Some("boolean_scalar") => NodeKind::Bool(text.eq_ignore_ascii_case("true")),
                        Some("null_scalar") => NodeKind::Null,
                        Some("integer_scalar" | "float_scalar") => {
                            parse_yaml_number(text).map(NodeKind::Number).unwrap_or(NodeKind::String(text.to_string()))
                        }
                        _ => NodeKind::String(text.to_string()),
                    }
                };
                self.node(range, kind, Style::Flow)
            }
            "double_quote_scalar" => self.node(range, NodeKind::String(yaml_double_quoted(self.text(v))), Style::Flow),
            "single_quote_scalar" => {
                let t = self.text(v);
                let inner = t.get(1..t.len().saturating_sub(1)).unwrap_or("");
                self.node(range, NodeKind::String(inner.replace("''", "'")), Style::Flow)
            }
            "block_scalar" => self.node(range, NodeKind::String(block_scalar(self.text(v))), Style::Block),
            "block_node" | "flow_node" => self.yaml(v),
            _ => self.node(range, NodeKind::Unknown, Style::Flow),
        }
    }
}

/// The long form of a CloudFormation short-form tag.
fn long_form(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "!Ref" => "Ref",
        "!Condition" => "Condition",
        "!Sub" => "Fn::Sub",
        "!GetAtt" => "Fn::GetAtt",
        "!Join" => "Fn::Join",
        "!Select" => "Fn::Select",
        "!Split" => "Fn::Split",
        "!If" => "Fn::If",
        "!Equals" => "Fn::Equals",
        "!Not" => "Fn::Not",
        "!And" => "Fn::And",
        "!Or" => "Fn::Or",
        "!FindInMap" => "Fn::FindInMap",
        "!Base64" => "Fn::Base64",
        "!Cidr" => "Fn::Cidr",
        "!GetAZs" => "Fn::GetAZs",
        "!ImportValue" => "Fn::ImportValue",
        "!Transform" => "Fn::Transform",
        "!ToJsonString" => "Fn::ToJsonString",
        "!Length" => "Fn::Length",
        _ => return None,
    })
}

fn json_string(raw: &str) -> String {
    serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.trim_matches('"').to_string())
}

fn parse_yaml_number(text: &str) -> Option<f64> {
    let t = text.replace('_', "");
    if let Some(hex) = t.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok().map(|n| n as f64);
    }
    if let Some(oct) = t.strip_prefix("0o") {
        return i64::from_str_radix(oct, 8).ok().map(|n| n as f64);
    }
    t.parse().ok()
}

fn yaml_double_quoted(raw: &str) -> String {
    let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
    // YAML's escapes are a superset of JSON's; JSON's decoder handles the common ones.
    let folded: String = inner.split('\n').map(str::trim).collect::<Vec<_>>().join(" ");
    serde_json::from_str::<String>(&format!("\"{folded}\"")).unwrap_or(folded)
}

/// A `|` or `>` block scalar's text, with its indentation removed (`>` folds lines into spaces).
fn block_scalar(raw: &str) -> String {
    let mut lines = raw.lines();
    let header = lines.next().unwrap_or("");
    let body: Vec<&str> = lines.collect();
    let indent = body
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    let stripped: Vec<&str> = body.iter().map(|l| l.get(indent..).unwrap_or("")).collect();
    if header.starts_with('>') {
        stripped.join(" ").trim_end().to_string() + "\n"
    } else {
        stripped.join("\n") + "\n"
    }
}
