//! Terraform: the typed model of `.tf`, `.tfvars` and `.tf.json` files, the module they form (a folder), and
//! the evaluator rules read values through.

pub mod block_index;
pub mod blocks_seen;
pub mod calls;
pub mod check;
pub mod chunked;
pub mod direct;
pub mod edit;
pub mod eval;
pub mod expand;
pub mod functions;
pub mod incremental;
pub mod instances;
pub mod json;
pub mod model;
pub mod plan;
pub mod reads;
pub mod types;
pub mod view;

use std::collections::HashMap;

use crate::document::{Document, Parsers};
use crate::fast_hash::FastMap;
use crate::file_kind::FileKind;
use eval::Scope;
use model::{Attribute, Block, Comment, HclReader};

/// One file of a module, as the model sees it.
#[derive(Debug)]
pub struct TfFile {
    /// Unique to this reading: a model with the same stamp is this one, unchanged.
    pub stamp: u64,
    pub path: String,
    pub kind: FileKind,
    pub source: String,
    pub blocks: Vec<Block>,
    /// The identity of each block (parallel to `blocks`): kept by the blocks a new reading moves unchanged.
    pub block_ids: Vec<chunked::BlockId>,
    /// Top-level attributes: the values of a `.tfvars` file.
    pub attributes: Vec<Attribute>,
    pub comments: Vec<Comment>,
    /// Syntax errors and the parts not analysed, as diagnostics.
    pub problems: Vec<chunked::Problem>,
    /// The chunks the file was read in (empty for `.tf.json`).
    groups: Vec<chunked::Group>,
    /// The blocks by kind and type, and the variables' defaults.
    pub index: block_index::BlockIndex,
    /// The file's indentation unit, found once per reading (see [`TfFile::indent_unit`]).
    indent: std::sync::OnceLock<String>,
    /// What was derived from the text of a top-level block, by what and the block's identity (see
    /// [`Module::block_memo`]): carried to the next reading for the blocks it keeps.
    block_memos: std::sync::Mutex<FastMap<(u64, chunked::BlockId), BlockMemo>>,
}

type BlockMemo = std::sync::Arc<dyn std::any::Any + Send + Sync>;

impl TfFile {
    /// The model of a parsed Terraform document; `None` if the document is not Terraform or not parsed.
    ///
    /// `.tf` and `.tfvars` are read chunk by chunk (see [`chunked`]), moving the chunks of `previous` (the model
    /// of an earlier text of the document) whose text did not change; `.tf.json` is read from its tree.
    pub fn read(doc: &Document, previous: Option<TfFile>, parsers: &mut Parsers) -> Option<TfFile> {
        if !doc.is_parsed() || doc.is_too_large() {
            return None;
        }
        let mut previous_index = None;
        let mut kept_indent = std::sync::OnceLock::new();
        let mut kept_block_memos = FastMap::default();
        let (source, reading) = match doc.kind() {
            FileKind::Terraform | FileKind::TerraformVars => match previous.filter(|p| p.kind == doc.kind()) {
                Some(p) => {
                    let TfFile {
                        mut source,
                        blocks,
                        block_ids: ids,
                        attributes,
                        comments,
                        problems,
                        groups,
                        index,
                        indent,
                        block_memos,
                        ..
                    } = p;
                    kept_block_memos = block_memos.into_inner().unwrap_or_else(|e| e.into_inner());
                    previous_index = Some((index, ids.clone()));
                    // The previous text edited into the document's: a keystroke copies what it changed, not the
                    // whole text.
                    let change = chunked::Change::apply(&mut source, doc.rope());
                    // (Found again at the next use only if the edit may have changed it: a scan of 2,000 lines.)
                    if change.keeps_indentation(&source) {
                        kept_indent = indent;
                    }
                    let reading = chunked::Reading { blocks, ids, attributes, comments, problems, groups };
                    let reading = chunked::read_changed(&source, change, reading, parsers);
                    (source, reading)
                }
                None => {
                    let source = doc.text();
                    let reading = chunked::read(&source, None, parsers);
                    (source, reading)
                }
            },
            FileKind::TerraformJson => {
                let tree = doc.tree()?;
                let source = doc.text();
                let blocks = json::JsonReader::new(source.as_bytes()).file(tree.root_node());
                // Read whole each time: every block is new.
                let ids = blocks.iter().map(|_| chunked::BlockId::fresh()).collect();
                (source, chunked::Reading { blocks, ids, ..Default::default() })
            }
            _ => return None,
        };
        let chunked::Reading { blocks, ids: block_ids, attributes, comments, problems, groups } = reading;
        // What was derived from blocks gone is dropped now and then (it is looked up by identity: a block gone is
        // never asked for again), when it may hold more than the blocks kept.
        if kept_block_memos.len() > 2 * block_ids.len() + 64 {
            let ids: crate::fast_hash::FastSet<chunked::BlockId> = block_ids.iter().copied().collect();
            kept_block_memos.retain(|(_, id), _| ids.contains(id));
        }
        let index = match previous_index {
            // The blocks the reading kept (the same identities at the start and at the end) keep their entries.
            Some((index, old_ids)) => {
                let (start, end) = chunked::kept_at_ends(&old_ids, &block_ids);
                index.update(&blocks, start, old_ids.len() - end, block_ids.len() - end)
            }
            None => block_index::BlockIndex::new(&blocks),
        };
        Some(TfFile {
            stamp: next_stamp(),
            path: doc.path().to_string(),
            kind: doc.kind(),
            source,
            blocks,
            block_ids,
            attributes,
            comments,
            problems,
            groups,
            index,
            indent: kept_indent,
            block_memos: std::sync::Mutex::new(kept_block_memos),
        })
    }

    /// The file's indentation unit ([`crate::fix::indent_unit`]): what fixes indent with, and part of the style
    /// each analysis compares. Found once per reading (a keystroke's analysis asked for it once per fix made).
    pub fn indent_unit(&self) -> &str {
        self.indent.get_or_init(|| crate::fix::indent_unit(&self.source))
    }

    /// Whether Terraform loads this file's values for `var.x` (`terraform.tfvars`, `*.auto.tfvars`).
    pub fn is_auto_loaded_vars(&self) -> bool {
        self.kind == FileKind::TerraformVars
            && (self.is_terraform_tfvars() || self.file_name().ends_with(".auto.tfvars"))
    }

    fn is_terraform_tfvars(&self) -> bool {
        self.kind == FileKind::TerraformVars && self.file_name() == "terraform.tfvars"
    }

    /// The file's name, without its folder.
    fn file_name(&self) -> &str {
        self.path.rsplit(['/', '\\']).next().unwrap_or(&self.path)
    }
}

fn next_stamp() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The model of an HCL text from its tree-sitter tree (what [`direct::read`] gives for valid text).
pub fn read_tree(source: &str, tree: &tree_sitter::Tree) -> direct::HclFile {
    let reader = HclReader::new(source.as_bytes());
    let (blocks, attributes) = reader.file(tree.root_node());
    direct::HclFile { blocks, attributes, comments: file_comments(&reader, tree.root_node()) }
}

/// The comments of a file: through its blocks, or, when it has syntax errors, from a walk of the whole tree
/// (error recovery puts comments in places that differ between incremental and fresh parses).
fn file_comments(reader: &HclReader, root: tree_sitter::Node) -> Vec<Comment> {
    let mut comments = if root.has_error() { reader.all_comments(root) } else { reader.comments(root) };
    comments.sort_by_key(|c| c.range.start);
    comments
}

/// A top-level block with its file's index and its index in the file (what the indexes built on it keep).
type Indexed<'m> = (usize, usize, &'m Block);

/// A module: the Terraform files of one folder, analysed together.
pub struct Module<'m> {
    pub files: Vec<&'m TfFile>,
    pub scope: Scope<'m>,
    /// What day it is, for rules keyed by support dates; `None` when the caller did not say.
    pub today: Option<crate::date::Date>,
    /// Indexes built on first use and shared by every matcher of this analysis, by the fingerprint of their key
    /// (see [`Module::memo`]).
    memos: std::cell::RefCell<FastMap<u64, MemoEntry>>,
    /// The values of the last analysis's memos that this one builds again (they read something that changed),
    /// for a build that updates the last value rather than starting afresh (see [`Module::keyed_memo_updated`]).
    previous: std::cell::RefCell<FastMap<u64, std::sync::Arc<dyn std::any::Any + Send + Sync>>>,
    /// Blocks as the objects they stand for: instances of `count`/`for_each`, `dynamic` blocks' contents.
    pub expander: expand::Expander<'m>,
}

/// An index kept by [`Module::memo`], with its key.
struct MemoEntry {
    key: [String; 3],
    value: MemoRef,
}

/// How a memo is read: whole, or entry by entry ([`Module::keyed_memo`]).
#[derive(Clone, Copy)]
enum MemoRead {
    Whole,
    ByEntry,
}

/// A memo read entry by entry (see [`Module::keyed_memo`]).
pub struct Keyed<T> {
    value: std::sync::Arc<T>,
    name: u64,
}

impl<T> Keyed<T> {
    /// The memo, to look up the entry `key` (a fingerprint) in, and nothing else: what the reader records is
    /// that entry.
    pub fn entry(&self, module: &Module, key: u64) -> &T {
        module.reads().record_memo(reads::memo_entry(self.name, key));
        &self.value
    }
}

/// A memo that may serve a later analysis (see [`Module::take_memos`]).
pub struct LastingMemo {
    key: [String; 3],
    value: std::sync::Arc<dyn std::any::Any + Send + Sync>,
}

/// A memo's value: shared with later analyses (and the threads they run on), or for this analysis only.
#[derive(Clone)]
enum MemoRef {
    Lasting(std::sync::Arc<dyn std::any::Any + Send + Sync>),
    ThisAnalysis(std::rc::Rc<dyn std::any::Any>),
}

impl reads::MemoValue for LinkIndex {
    fn fingerprint(&self) -> u64 {
        let references = self.references.iter().map(|(ty, names)| (ty, names.fingerprint()));
        reads::fingerprint(&(reads::unordered(references), self.literals.fingerprint()))
    }
}

/// Companions of one type by what one link attribute designates: (file index, block index in the file), in
/// module order. Looked up by borrowed names (a lookup per checked block builds no string).
#[derive(Default)]
pub struct LinkIndex {
    /// By reference: resource type, then name (`aws_s3_bucket`, `b` for `aws_s3_bucket.b.id`).
    pub references: FastMap<String, FastMap<String, Vec<(usize, usize)>>>,
    /// By the literal's value (a bucket given by its name).
    pub literals: FastMap<String, Vec<(usize, usize)>>,
}

/// Where a module's variables get their values, beyond their defaults.
#[derive(Clone, Copy)]
pub enum Given<'m> {
    /// A root module: its `terraform.tfvars` and `*.auto.tfvars`, then values given from outside (`--var-file`,
    /// `--var`, the editor's `varFiles`), later ones winning, as Terraform applies them.
    Root(&'m FastMap<String, crate::value::Value>),
    /// A module called by another: its caller's arguments (Terraform loads no tfvars file of a called module).
    Call(&'m FastMap<String, crate::value::Value>),
}

/// No values given from outside.
pub fn no_values() -> &'static FastMap<String, crate::value::Value> {
    static NONE: std::sync::OnceLock<FastMap<String, crate::value::Value>> = std::sync::OnceLock::new();
    NONE.get_or_init(FastMap::default)
}

impl<'m> Module<'m> {
    /// The root module of `files`; the blocks its analysis expands live in `expansions`.
    pub fn new(files: Vec<&'m TfFile>, expansions: &'m expand::Expansions) -> Module<'m> {
        Module::given(files, expansions, Given::Root(no_values()))
    }

    /// The module of `files`, its variables given values as `given` says.
    pub fn given(files: Vec<&'m TfFile>, expansions: &'m expand::Expansions, given: Given<'m>) -> Module<'m> {
        // From each file's index (which a reading keeps up to date): the scope's names, not a walk of every block.
        let mut scope = Scope::default();
        let empty = Scope::default();
        scope.defaults = files.iter().map(|f| &f.index).collect();
        for file in &files {
            for &i in file.index.of_kind("locals") {
                scope.locals.extend(file.blocks[i].attributes.iter().map(|a| (a.name.as_str(), &a.expr)));
            }
        }
        // Values given by tfvars files override the defaults: `terraform.tfvars` first, then the
        // `*.auto.tfvars` in lexical order, each overriding the ones before (as Terraform loads them).
        let convert = |scope: &Scope, name: &str, value: crate::value::Value| match scope.variable_type(name) {
            Some(ty) => ty.convert(value),
            None => value,
        };
        let outside = match given {
            Given::Root(outside) => {
                let mut vars_files: Vec<&&TfFile> = files.iter().filter(|f| f.is_auto_loaded_vars()).collect();
                vars_files.sort_by_key(|f| (!f.is_terraform_tfvars(), f.file_name()));
                for file in vars_files {
                    for a in &file.attributes {
                        let value = convert(&scope, &a.name, empty.eval(&a.expr));
                        scope.tfvars.insert(&a.name, value);
                    }
                }
                outside
            }
            Given::Call(arguments) => arguments,
        };
        for (name, value) in outside {
            let value = convert(&scope, name, value.clone());
            scope.tfvars.insert(name, value);
        }
        let documents: Vec<(&str, String)> = files
            .iter()
            .flat_map(|f| f.index.of_type("data", "aws_iam_policy_document").iter().map(|&i| &f.blocks[i]))
            .filter_map(|b| Some((b.label(1)?, render_policy_document(&scope, b).to_string())))
            .collect();
        for (name, json) in documents {
            scope.policy_documents.insert(name, crate::value::Value::String(json));
        }
        // Locals read while rendering were evaluated before every document was known.
        scope.forget_local_values();
        Module {
            files,
            scope,
            today: None,
            memos: Default::default(),
            previous: Default::default(),
            expander: expand::Expander::new(expansions),
        }
    }

    /// Every resource block of type `ty`, with the index of its file.
    pub fn resources<'a>(&'a self, ty: &'a str) -> impl Iterator<Item = (usize, &'m Block)> + 'a {
        self.typed("resource", ty)
    }

    /// What the rules read of the module is recorded here (see [`reads`]); it is the scope's recorder, as
    /// evaluating reads the module too.
    pub fn reads(&self) -> &reads::Reads {
        &self.scope.reads
    }

    /// An index matchers share, built by `build` on first use and kept for the rest of the analysis: asking
    /// "which versioning resource names this bucket" for every bucket must not scan every companion, or a large
    /// module costs the square of its size. `key` names what the index holds (`["link", ty, attr]`); it must not
    /// be reused for another type. Indexes hold owned keys and (file, block) indices, so that the module stays
    /// covariant in `'m`.
    ///
    /// Whoever uses an index reads what building it read (a memo of [`Module::reads`]). What it read must be
    /// all its value depends on: a later analysis may use it again (see [`Module::take_memos`]).
    pub fn memo<T: reads::MemoValue + Send + Sync + 'static>(
        &self,
        key: [&str; 3],
        build: impl FnOnce() -> T,
    ) -> std::sync::Arc<T> {
        let (_, found) = self.memo_ref(key, MemoRead::Whole, || {
            let value = build();
            (value.fingerprint(), MemoRef::Lasting(std::sync::Arc::new(value)), None)
        });
        let MemoRef::Lasting(value) = found else { panic!("one kind of memo per key") };
        value.downcast().expect("one type per memo key")
    }

    /// A [`Module::memo`] read entry by entry: who asks for an entry ([`Keyed::entry`]) depends on that entry,
    /// not on the whole value. An index of which resource refers to which changes at a keystroke that breaks
    /// one block; each security group's run reads its own entry, and only the runs whose entries changed run
    /// again.
    pub fn keyed_memo<T: reads::KeyedMemoValue + Send + Sync + 'static>(
        &self,
        key: [&str; 3],
        build: impl FnOnce() -> T,
    ) -> Keyed<T> {
        let (name, found) = self.memo_ref(key, MemoRead::ByEntry, || {
            let value = std::sync::Arc::new(build());
            let entries: reads::Entries = value.clone();
            (value.fingerprint(), MemoRef::Lasting(value), Some(entries))
        });
        let MemoRef::Lasting(value) = found else { panic!("one kind of memo per key") };
        Keyed { value: value.downcast().expect("one type per memo key"), name }
    }

    /// A [`Module::keyed_memo`] whose build is given the value the last analysis had, if it had one and this
    /// one builds it again: an index of the whole module that a keystroke changes in one block counts that
    /// block again, not all of them. The build must give what a build afresh gives, and read what it reads
    /// (or less, where what it leaves unread cannot change its value). It must find what it kept of a block by
    /// the block's identity, never by its place: the blocks may have moved since.
    pub fn keyed_memo_updated<T: reads::KeyedMemoValue + Send + Sync + 'static>(
        &self,
        key: [&str; 3],
        build: impl FnOnce(Option<&T>) -> T,
    ) -> Keyed<T> {
        self.keyed_memo(key, || build(self.previous_of::<T>(key).as_deref()))
    }

    /// A [`Module::memo`] whose build is given the value the last analysis had, as
    /// [`Module::keyed_memo_updated`]'s is.
    pub fn memo_updated<T: reads::MemoValue + Send + Sync + 'static>(
        &self,
        key: [&str; 3],
        build: impl FnOnce(Option<&T>) -> T,
    ) -> std::sync::Arc<T> {
        self.memo(key, || build(self.previous_of::<T>(key).as_deref()))
    }

    /// The value the last analysis had of the memo `key`, given for this one to update (taken: asked once).
    fn previous_of<T: Send + Sync + 'static>(&self, key: [&str; 3]) -> Option<std::sync::Arc<T>> {
        let name = reads::fingerprint(&("index", key));
        self.previous.borrow_mut().remove(&name).and_then(|v| v.downcast::<T>().ok())
    }

    /// A memo that serves this analysis only: its value depends on more than it records (every block's address,
    /// the addresses of expressions).
    pub fn analysis_memo<T: reads::MemoValue + 'static>(
        &self,
        key: [&str; 3],
        build: impl FnOnce() -> T,
    ) -> std::rc::Rc<T> {
        let (_, found) = self.memo_ref(key, MemoRead::Whole, || {
            let value = build();
            (value.fingerprint(), MemoRef::ThisAnalysis(std::rc::Rc::new(value)), None)
        });
        let MemoRef::ThisAnalysis(value) = found else { panic!("one kind of memo per key") };
        value.downcast().expect("one type per memo key")
    }

    /// The memo `key`, built by `build` (which gives its value's fingerprint too, and its entries if it is read
    /// by entry) unless this analysis has it; and its name.
    fn memo_ref(
        &self,
        key: [&str; 3],
        read: MemoRead,
        build: impl FnOnce() -> (u64, MemoRef, Option<reads::Entries>),
    ) -> (u64, MemoRef) {
        // Looked up by the key's fingerprint, then compared: no string is built per lookup (a rule asks for an
        // index once per block it checks).
        let name = reads::fingerprint(&("index", key));
        let record = || match read {
            MemoRead::Whole => self.reads().record_memo(name),
            MemoRead::ByEntry => self.reads().record_memo(reads::entry_reader(name)),
        };
        if let Some(entry) = self.memos.borrow().get(&name) {
            if entry.key.iter().zip(key).all(|(k, part)| k == part) {
                record();
                return (name, entry.value.clone());
            }
        }
        // Built with no borrow held: an index may be built from others.
        let (fingerprint, value, entries) = self.reads().compute_memo(name, build);
        record();
        self.reads().set_memo_value(name, fingerprint);
        if let Some(entries) = entries {
            self.reads().set_memo_entries(name, entries);
        }
        // (Two keys of one fingerprint: the first keeps its place, the second is built at each use.)
        let entry = || MemoEntry { key: key.map(str::to_string), value: value.clone() };
        self.memos.borrow_mut().entry(name).or_insert_with(entry);
        (name, value)
    }

    /// What `compute` derives from the text of the top-level block `(file, i)`, kept under `what` with the
    /// block's identity for as long as the block is kept by the file's readings: a module-wide index rebuilt at
    /// a keystroke that changed one block reads what it needs of the others from here. `compute` must depend on
    /// the block's text alone, not on where it is or on the rest of the module; it records no dependency.
    pub fn block_memo<T: Send + Sync + 'static>(
        &self,
        what: &'static str,
        (file, i): (usize, usize),
        compute: impl FnOnce(&'m Block) -> T,
    ) -> std::sync::Arc<T> {
        let f = self.files[file];
        let key = (reads::fingerprint(what), f.block_ids[i]);
        let found = f.block_memos.lock().unwrap_or_else(|e| e.into_inner()).get(&key).cloned();
        if let Some(value) = found.and_then(|v| v.downcast::<T>().ok()) {
            return value;
        }
        let value = std::sync::Arc::new(compute(&f.blocks[i]));
        f.block_memos.lock().unwrap_or_else(|e| e.into_inner()).insert(key, value.clone());
        value
    }

    /// The top-level blocks of kind `kind`, with their (file, block) indices.
    pub fn blocks_indexed<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = Indexed<'m>> + 'a {
        self.reads().record(reads::Dep::Kind(kind));
        let files = self.files.iter().copied().enumerate();
        files.flat_map(move |(i, f)| f.index.of_kind(kind).iter().map(move |&j| (i, j, &f.blocks[j])))
    }

    /// The memos of this analysis that may serve a later one, by name: one whose dependencies have not changed
    /// has the same value then, as long as the blocks it indexes are where they were (see
    /// [`Module::give_memos`]).
    pub fn take_memos(&self) -> FastMap<u64, LastingMemo> {
        let lasting = |(name, entry): (u64, MemoEntry)| match entry.value {
            MemoRef::Lasting(value) => Some((name, LastingMemo { key: entry.key, value })),
            MemoRef::ThisAnalysis(_) => None,
        };
        self.memos.take().into_iter().filter_map(lasting).collect()
    }

    /// Memos of an earlier analysis of the module, for this one to use rather than build (see
    /// [`Module::take_memos`]).
    pub fn give_memos(&self, memos: impl IntoIterator<Item = (u64, LastingMemo)>) {
        let entries =
            memos.into_iter().map(|(name, m)| (name, MemoEntry { key: m.key, value: MemoRef::Lasting(m.value) }));
        self.memos.borrow_mut().extend(entries);
    }

    /// Memos of an earlier analysis that this one builds again, for the builds that update them (see
    /// [`Module::keyed_memo_updated`]).
    pub fn give_previous(&self, memos: impl IntoIterator<Item = (u64, LastingMemo)>) {
        self.previous.borrow_mut().extend(memos.into_iter().map(|(name, m)| (name, m.value)));
    }

    /// The resources of type `ty` by what their `link` attribute designates: another resource by reference
    /// (`aws_s3_bucket.b.id`), or a name as a literal.
    pub fn link_index(&self, ty: &str, link: &str) -> std::sync::Arc<LinkIndex> {
        self.memo(["link", ty, link], || {
            let mut index = LinkIndex::default();
            for (file, i, block) in self.indexed(ty) {
                let Some(attr) = block.attr(link) else { continue };
                let entry = match &attr.expr.kind {
                    model::ExprKind::Traversal(root, steps) => match steps.first() {
                        Some(model::Step::Attr(name)) => {
                            index.references.entry(root.clone()).or_default().entry(name.clone()).or_default()
                        }
                        _ => continue,
                    },
                    _ => match self.scope.eval(&attr.expr) {
                        crate::value::Value::String(s) => index.literals.entry(s).or_default(),
                        _ => continue,
                    },
                };
                entry.push((file, i));
            }
            index
        })
    }

    /// The resources of type `ty` by the string value of their attribute `attr` (buckets by `bucket`), in module
    /// order.
    pub fn name_index(&self, ty: &str, attr: &str) -> std::sync::Arc<HashMap<String, Vec<(usize, usize)>>> {
        self.memo(["name", ty, attr], || {
            let mut index: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
            for (file, i, block) in self.indexed(ty) {
                if let Some(crate::value::Value::String(name)) = block.attr(attr).map(|a| self.scope.eval(&a.expr)) {
                    index.entry(name).or_default().push((file, i));
                }
            }
            index
        })
    }

    /// The top-level blocks at an address, as [`address_parts`] gives it, as (file, block) indices, in module
    /// order (an address may be declared twice in a broken module). Each file's index is kept up to date by its
    /// reading, so a lookup builds nothing.
    ///
    /// Reads nothing by itself: who looks an address up reads the blocks at it (see
    /// [`check::TfContext::at_address`]).
    pub fn at_address(&self, kind: &str, ty: &str, name: Option<&str>) -> Vec<(usize, usize)> {
        let files = self.files.iter().enumerate();
        files.flat_map(|(i, f)| f.index.at_address(&f.blocks, kind, ty, name).map(move |j| (i, j))).collect()
    }

    /// The block at a (file, block) index of an index.
    pub fn block_at(&self, (file, i): (usize, usize)) -> &'m Block {
        &self.files[file].blocks[i]
    }

    /// The resources of type `ty` with their (file, block) index, in module order.
    pub fn indexed<'a>(&'a self, ty: &'a str) -> impl Iterator<Item = Indexed<'m>> + 'a {
        self.typed_indexed("resource", ty)
    }

    /// Top-level blocks of kind `kind` whose first label is `ty` (`data`, `aws_iam_policy_document`).
    pub fn typed<'a>(&'a self, kind: &'a str, ty: &'a str) -> impl Iterator<Item = (usize, &'m Block)> + 'a {
        self.typed_indexed(kind, ty).map(|(file, _, block)| (file, block))
    }

    /// The top-level blocks of kind `kind` and type `ty`, with their (file, block) indices.
    pub fn typed_indexed<'a>(&'a self, kind: &'a str, ty: &'a str) -> impl Iterator<Item = Indexed<'m>> + 'a {
        self.reads().record(reads::Dep::Type(kind, ty));
        let files = self.files.iter().copied().enumerate();
        files.flat_map(move |(i, f)| f.index.of_type(kind, ty).iter().map(move |&j| (i, j, &f.blocks[j])))
    }

    /// Every top-level block of kind `kind` (`resource`, `data`, `module`, ...), in file order.
    pub fn blocks<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = (usize, &'m Block)> + 'a {
        self.blocks_indexed(kind).map(|(file, _, block)| (file, block))
    }
}

/// The kind, type and name of an address: `aws_s3_bucket.logs` is (`resource`, `aws_s3_bucket`, `logs`),
/// `data.aws_iam_policy_document.x` (`data`, `aws_iam_policy_document`, `x`), `module.db` (`module`, `db`, none);
/// `None` for text that is no address.
pub fn address_parts(address: &str) -> Option<(&'static str, &str, Option<&str>)> {
    match address.split_once('.')? {
        ("module", name) => Some(("module", name, None)),
        ("data", rest) => rest.split_once('.').map(|(ty, name)| ("data", ty, Some(name))),
        (ty, name) => Some(("resource", ty, Some(name))),
    }
}

/// The JSON of a `data "aws_iam_policy_document"`, as the provider renders it (unknown parts as placeholders).
fn render_policy_document(scope: &Scope, block: &Block) -> serde_json::Value {
    use serde_json::{json, Map, Value as Json};
    let lenient = |e: &model::Expr| scope.eval_lenient(e).to_json_lenient(eval::UNKNOWN_PART);
    let mut statements = Vec::new();
    for st in block.blocks("statement") {
        let mut out = Map::new();
        let effect = st.attr("effect").map(|a| lenient(&a.expr)).unwrap_or(json!("Allow"));
        out.insert("Effect".into(), effect);
        for (attr, key) in [
            ("sid", "Sid"),
            ("actions", "Action"),
            ("not_actions", "NotAction"),
            ("resources", "Resource"),
            ("not_resources", "NotResource"),
        ] {
            if let Some(a) = st.attr(attr) {
                out.insert(key.into(), lenient(&a.expr));
            }
        }
        for (kind, key) in [("principals", "Principal"), ("not_principals", "NotPrincipal")] {
            let mut principals = Map::new();
            for p in st.blocks(kind) {
                let ty = p.attr("type").map(|a| lenient(&a.expr));
                let ids = p.attr("identifiers").map(|a| lenient(&a.expr));
                if let (Some(Json::String(ty)), Some(ids)) = (ty, ids) {
                    principals.insert(ty, ids);
                }
            }
            if !principals.is_empty() {
                out.insert(key.into(), Json::Object(principals));
            }
        }
        let mut conditions: Map<String, Json> = Map::new();
        for c in st.blocks("condition") {
            let test = c.attr("test").map(|a| lenient(&a.expr));
            let variable = c.attr("variable").map(|a| lenient(&a.expr));
            let values = c.attr("values").map(|a| lenient(&a.expr)).unwrap_or(Json::Array(vec![]));
            if let (Some(Json::String(test)), Some(Json::String(variable))) = (test, variable) {
                let entry = conditions.entry(test).or_insert_with(|| Json::Object(Map::new()));
                if let Json::Object(m) = entry {
                    m.insert(variable, values);
                }
            }
        }
        if !conditions.is_empty() {
            out.insert("Condition".into(), Json::Object(conditions));
        }
        statements.push(Json::Object(out));
    }
    json!({ "Version": "2012-10-17", "Statement": statements })
}

/// The values a variable definitions file sets (`--var-file`, the editor's `varFiles`): HCL (`.tfvars`) or JSON
/// (`.tfvars.json`), as Terraform reads them. The first problem when the text is not such a file.
pub fn tfvars_values(text: &str, json: bool) -> Result<FastMap<String, crate::value::Value>, String> {
    if json {
        let v: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
        let serde_json::Value::Object(map) = v else { return Err("not a JSON object".into()) };
        return Ok(map.iter().map(|(k, v)| (k.clone(), crate::value::Value::from_json(v))).collect());
    }
    let mut parsers = Parsers::new();
    let tree = parsers.get(crate::file_kind::Syntax::Hcl).parse(text, None).ok_or("could not be parsed")?;
    if let Some(e) = crate::syntax_errors::syntax_errors(&tree, &ropey::Rope::from_str(text)).first() {
        let line = text[..e.range.start.min(text.len())].matches('\n').count() + 1;
        return Err(format!("line {line}: {}", e.message));
    }
    let file = read_tree(text, &tree);
    if let Some(block) = file.blocks.first() {
        return Err(format!("a `{}` block: variable definitions files hold `name = value` only", block.kind));
    }
    let scope = Scope::default();
    Ok(file.attributes.iter().map(|a| (a.name.clone(), scope.eval(&a.expr))).collect())
}

/// The value of `--var NAME=VALUE`: VALUE read as an HCL literal (a number, a bool, a quoted string, a list, a
/// map) when it is one, else the text itself, as Terraform takes a string variable's value.
pub fn var_value(text: &str) -> crate::value::Value {
    let src = format!("v = {text}\n");
    let known = direct::read(&src).and_then(|f| {
        let [a] = f.attributes.as_slice() else { return None };
        let v = Scope::default().eval(&a.expr);
        let literal = !matches!(a.expr.kind, model::ExprKind::Traversal(..) | model::ExprKind::Binary(..));
        (literal && v.is_known()).then_some(v)
    });
    known.unwrap_or_else(|| crate::value::Value::String(text.to_string()))
}

#[cfg(test)]
mod values_tests {
    use super::*;
    use crate::value::Value;

    #[test]
    fn variable_files_and_var_values() {
        let v = tfvars_values("acl = \"public-read\"\ncount = 2\ntags = { a = \"b\" }\n", false).unwrap();
        assert_eq!(v["acl"], Value::String("public-read".into()));
        assert_eq!(v["tags"].get("a"), &Value::String("b".into()));
        assert!(tfvars_values("acl = \n", false).unwrap_err().starts_with("line "));
        assert!(tfvars_values("resource \"a\" \"b\" {}\n", false).is_err());
        assert_eq!(tfvars_values("{\"x\": [1]}", true).unwrap()["x"], Value::List(vec![Value::Number(1.0)]));
        assert_eq!(var_value("eu-west-1"), Value::String("eu-west-1".into()));
        assert_eq!(var_value("3"), Value::Number(3.0));
        assert_eq!(var_value("[\"a\"]"), Value::List(vec![Value::String("a".into())]));
        assert_eq!(var_value("true"), Value::Bool(true));
        assert_eq!(var_value("var.x"), Value::String("var.x".into()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// What a block memo derived from a block serves the readings that keep the block, and an edited block's is
    /// derived again.
    #[test]
    fn a_block_memo_serves_the_readings_that_keep_its_block() {
        let mut parsers = Parsers::new();
        let read = |text: &str, previous: Option<TfFile>, parsers: &mut Parsers| {
            let mut doc = Document::new("/m/main.tf", text, 1).unwrap();
            doc.parse_fully(parsers);
            TfFile::read(&doc, previous, parsers).unwrap()
        };
        let computed = Cell::new(0);
        let values = |file: &TfFile| -> Vec<String> {
            let expansions = expand::Expansions::new();
            let module = Module::new(vec![file], &expansions);
            (0..file.blocks.len())
                .map(|i| {
                    let value = module.block_memo("test: the block's first attribute", (0, i), |b| {
                        computed.set(computed.get() + 1);
                        b.attributes[0].name.clone()
                    });
                    value.to_string()
                })
                .collect()
        };
        let text = "resource \"a\" \"x\" {\n  one = 1\n}\nresource \"a\" \"y\" {\n  two = 2\n}\n";
        let file = read(text, None, &mut parsers);
        assert_eq!(values(&file), ["one", "two"]);
        assert_eq!(computed.get(), 2);
        // The first block edited: its memo is derived again; the second, moved, keeps its own.
        let file = read(&text.replace("one = 1", "first = 10"), Some(file), &mut parsers);
        assert_eq!(values(&file), ["first", "two"]);
        assert_eq!(computed.get(), 3);
        let file = read(&text.replace("one = 1", "first = 10"), Some(file), &mut parsers);
        assert_eq!(values(&file), ["first", "two"]);
        assert_eq!(computed.get(), 3);
    }
}
