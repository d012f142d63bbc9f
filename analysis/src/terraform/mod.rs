//! Terraform: the typed model of `.tf`, `.tfvars` and `.tf.json` files, the module they form (a folder), and
//! the evaluator rules read values through.

pub mod check;
pub mod edit;
pub mod eval;
pub mod model;

use crate::document::Document;
use crate::file_kind::FileKind;
use eval::Scope;
use model::{Attribute, Block, HclReader};

/// One file of a module, as the model sees it.
#[derive(Debug)]
pub struct TfFile {
    pub path: String,
    pub kind: FileKind,
    pub source: String,
    pub blocks: Vec<Block>,
    /// Top-level attributes: the values of a `.tfvars` file.
    pub attributes: Vec<Attribute>,
}

impl TfFile {
    /// The model of a parsed Terraform document; `None` if the document is not Terraform or not parsed.
    pub fn from_document(doc: &Document) -> Option<TfFile> {
        let tree = doc.tree()?;
        let source = doc.text();
        let (blocks, attributes) = match doc.kind() {
            FileKind::Terraform | FileKind::TerraformVars => HclReader::new(source.as_bytes()).file(tree.root_node()),
            // `.tf.json` is read in a later step of the model; until then it contributes nothing.
            _ => return None,
        };
        Some(TfFile { path: doc.path().to_string(), kind: doc.kind(), source, blocks, attributes })
    }

    /// Whether Terraform loads this file's values for `var.x` (`terraform.tfvars`, `*.auto.tfvars`).
    pub fn is_auto_loaded_vars(&self) -> bool {
        let name = self.path.rsplit(['/', '\\']).next().unwrap_or(&self.path);
        self.kind == FileKind::TerraformVars && (name == "terraform.tfvars" || name.ends_with(".auto.tfvars"))
    }
}

/// A module: the Terraform files of one folder, analysed together.
pub struct Module<'m> {
    pub files: Vec<&'m TfFile>,
    pub scope: Scope<'m>,
}

impl<'m> Module<'m> {
    pub fn new(files: Vec<&'m TfFile>) -> Module<'m> {
        let mut scope = Scope::default();
        let empty = Scope::default();
        for file in &files {
            for block in &file.blocks {
                match (block.kind.as_str(), block.label(0)) {
                    ("variable", Some(name)) => {
                        let value = block.attr("default").map(|a| empty.eval(&a.expr)).unwrap_or(eval_unset());
                        scope.variables.insert(name, value);
                    }
                    ("locals", _) => {
                        for a in &block.attributes {
                            scope.locals.insert(&a.name, &a.expr);
                        }
                    }
                    _ => {}
                }
            }
        }
        // Values given by tfvars files override the defaults.
        for file in files.iter().filter(|f| f.is_auto_loaded_vars()) {
            for a in &file.attributes {
                scope.variables.insert(&a.name, empty.eval(&a.expr));
            }
        }
        Module { files, scope }
    }

    /// Every resource block of type `ty`, with the index of its file.
    pub fn resources<'a>(&'a self, ty: &'a str) -> impl Iterator<Item = (usize, &'m Block)> + 'a {
        self.blocks("resource").filter(move |(_, b)| b.label(0) == Some(ty))
    }

    /// Every top-level block of kind `kind` (`resource`, `data`, `module`, ...).
    pub fn blocks<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = (usize, &'m Block)> + 'a {
        self.files
            .iter()
            .enumerate()
            .flat_map(move |(i, f)| f.blocks.iter().filter(move |b| b.kind == kind).map(move |b| (i, b)))
    }
}

/// A variable without a default: Terraform asks for it, so its value is unknown here.
fn eval_unset() -> crate::value::Value {
    crate::value::Value::Unknown
}
