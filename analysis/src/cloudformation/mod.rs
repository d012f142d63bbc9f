//! CloudFormation: templates in YAML or JSON, their resources, and the evaluator of intrinsic functions.

pub mod check;
pub mod edit;
pub mod eval;
pub mod suppress;
pub mod tree;

use crate::document::Document;
use crate::file_kind::FileKind;
use tree::{Entry, Node, Reader};

/// A parsed template.
#[derive(Debug)]
pub struct Template {
    pub path: String,
    pub source: String,
    /// The first document: its `Parameters`, `Mappings` and `Conditions` are the template's.
    pub root: Node,
    /// Further YAML documents of the stream (`---`): CloudFormation deploys one, but a file may hold several
    /// (fixtures, concatenated templates), and their resources are checked too.
    pub more: Vec<Node>,
}

/// A resource of a template: `Resources.<logical id>`.
#[derive(Clone, Copy, Debug)]
pub struct CfnResource<'t> {
    pub logical_id: &'t str,
    /// The `LogicalId: {...}` entry: its key is where findings about the resource point.
    pub entry: &'t Entry,
    /// `AWS::S3::Bucket`.
    pub ty: &'t str,
    pub properties: Option<&'t Node>,
}

impl<'t> CfnResource<'t> {
    pub fn body(&self) -> &'t Node {
        &self.entry.value
    }
    pub fn get(&self, key: &str) -> Option<&'t Node> {
        self.entry.value.get(key)
    }
}

impl Template {
    pub fn from_document(doc: &Document) -> Option<Template> {
        if !matches!(doc.kind(), FileKind::CloudFormationYaml | FileKind::CloudFormationJson) {
            return None;
        }
        let tree = doc.tree()?;
        let source = doc.text();
        let mut documents = Reader::new(source.as_bytes()).documents(tree.root_node()).into_iter();
        let root = documents.next()?;
        let more = documents.collect();
        Some(Template { path: doc.path().to_string(), source, root, more })
    }

    pub fn resources(&self) -> impl Iterator<Item = CfnResource<'_>> {
        let documents = std::iter::once(&self.root).chain(&self.more);
        documents.flat_map(|d| d.get("Resources").map(Node::entries).unwrap_or_default()).filter_map(|entry| {
            let ty = entry.value.get("Type")?.as_str()?;
            Some(CfnResource { logical_id: &entry.key, entry, ty, properties: entry.value.get("Properties") })
        })
    }

    pub fn resources_of<'a>(&'a self, ty: &'a str) -> impl Iterator<Item = CfnResource<'a>> + 'a {
        self.resources().filter(move |r| r.ty == ty)
    }
}
