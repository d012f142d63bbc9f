//! A file's top-level blocks by kind and by type, and its variables' defaults, kept up to date by each reading:
//! a keystroke updates the entries of the blocks it replaced (and moves the indices after them), so a module
//! built on the file does not walk every block again.

use super::eval::Scope;
use super::model::Block;
use super::types::VarType;
use crate::fast_hash::FastMap;
use crate::value::Value;

/// Indices into a file's `blocks`, ascending, by what the blocks are.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct BlockIndex {
    /// By kind (`resource`, `variable`, `locals`).
    by_kind: FastMap<String, Vec<usize>>,
    /// By kind, then first label (`resource`, then `aws_s3_bucket`).
    by_type: FastMap<String, FastMap<String, Vec<usize>>>,
    /// `resource`, `data` and `module` blocks by address, as [`address_key`]s (blocks whose addresses share a
    /// fingerprint share an entry: [`BlockIndex::at_address`] compares labels).
    by_address: FastMap<u64, Vec<usize>>,
    /// The value of each `variable` block's `default` (unknown without one: Terraform asks for it, converted to
    /// the variable's type), with the variable's name and type.
    defaults: Vec<(usize, String, Value, VarType)>,
    /// The `variable` blocks by name (more than one in a file being edited: the last one counts).
    by_name: FastMap<String, Vec<usize>>,
}

impl BlockIndex {
    /// The index of `blocks`.
    pub fn new(blocks: &[Block]) -> BlockIndex {
        let mut index = BlockIndex::default();
        index.insert(blocks, 0..blocks.len());
        index
    }

    /// The index after a reading replaced the blocks `start..old_end` of the previous one by the blocks
    /// `start..new_end` of `blocks` (the blocks before and after are the same, moved).
    pub fn update(mut self, blocks: &[Block], start: usize, old_end: usize, new_end: usize) -> BlockIndex {
        let delta = new_end as isize - old_end as isize;
        let respan = |indices: &mut Vec<usize>| {
            let from = indices.partition_point(|&i| i < start);
            let to = indices.partition_point(|&i| i < old_end);
            indices.drain(from..to);
            if delta != 0 {
                indices[from..].iter_mut().for_each(|i| *i = i.wrapping_add_signed(delta));
            }
        };
        self.by_kind.values_mut().for_each(respan);
        self.by_type.values_mut().flat_map(|by_label| by_label.values_mut()).for_each(respan);
        self.by_address.values_mut().for_each(respan);
        let from = self.defaults.partition_point(|(i, ..)| *i < start);
        let to = self.defaults.partition_point(|(i, ..)| *i < old_end);
        for (_, name, ..) in self.defaults.drain(from..to) {
            if let Some(indices) = self.by_name.get_mut(&name) {
                indices.retain(|&i| i < start || i >= old_end);
            }
        }
        self.defaults[from..].iter_mut().for_each(|(i, ..)| *i = i.wrapping_add_signed(delta));
        if delta != 0 {
            let after = |i: &mut usize| {
                if *i >= old_end {
                    *i = i.wrapping_add_signed(delta);
                }
            };
            self.by_name.values_mut().for_each(|indices| indices.iter_mut().for_each(after));
        }
        self.by_name.retain(|_, indices| !indices.is_empty());
        // (A block of a kind or type none is left of: absent, as in a fresh index.)
        self.by_kind.retain(|_, indices| !indices.is_empty());
        self.by_address.retain(|_, indices| !indices.is_empty());
        self.by_type.retain(|_, by_label| {
            by_label.retain(|_, indices| !indices.is_empty());
            !by_label.is_empty()
        });
        self.insert(blocks, start..new_end);
        self
    }

    /// Adds the blocks `range` of `blocks`, in order (after those before them, before those after).
    fn insert(&mut self, blocks: &[Block], range: std::ops::Range<usize>) {
        fn put(indices: &mut Vec<usize>, i: usize) {
            match indices.last() {
                Some(&last) if last > i => {
                    let at = indices.partition_point(|&j| j < i);
                    indices.insert(at, i);
                }
                _ => indices.push(i),
            }
        }
        let at = self.defaults.partition_point(|(i, ..)| *i < range.start);
        let mut defaults = Vec::new();
        for i in range {
            let block = &blocks[i];
            put(self.by_kind.entry_ref(&block.kind), i);
            let Some(label) = block.label(0) else { continue };
            put(self.by_type.entry_ref(&block.kind).entry_ref(label), i);
            if let Some(key) = address_key(&block.kind, label, block.label(1)) {
                put(self.by_address.entry(key).or_default(), i);
            }
            if block.kind == "variable" {
                let ty = block.attr("type").map_or(VarType::Any, |a| VarType::of(&a.expr));
                let value =
                    block.attr("default").map_or(Value::Unknown, |a| ty.convert(Scope::default().eval(&a.expr)));
                put(self.by_name.entry_ref(label), i);
                defaults.push((i, label.to_string(), value, ty));
            }
        }
        self.defaults.splice(at..at, defaults);
    }

    /// The blocks of kind `kind`.
    pub fn of_kind(&self, kind: &str) -> &[usize] {
        self.by_kind.get(kind).map_or(&[], Vec::as_slice)
    }

    /// The blocks of kind `kind` whose first label is `ty`.
    pub fn of_type(&self, kind: &str, ty: &str) -> &[usize] {
        self.by_type.get(kind).and_then(|by_label| by_label.get(ty)).map_or(&[], Vec::as_slice)
    }

    /// The blocks of `blocks` (the file this is the index of) at the address `kind`, `ty`, `name`
    /// (`resource`, `aws_s3_bucket`, `logs`; `module`, `vpc`, none), ascending.
    pub fn at_address<'a>(
        &'a self,
        blocks: &'a [Block],
        kind: &'a str,
        ty: &'a str,
        name: Option<&'a str>,
    ) -> impl Iterator<Item = usize> + 'a {
        let found = address_key(kind, ty, name).and_then(|key| self.by_address.get(&key));
        let at = move |&i: &usize| {
            let b = &blocks[i];
            b.kind == kind && b.label(0) == Some(ty) && (kind == "module" || b.label(1) == name)
        };
        found.map_or(&[][..], Vec::as_slice).iter().copied().filter(move |i| at(i))
    }

    /// The `variable` blocks with their names and the values of their defaults, in order.
    pub fn defaults(&self) -> &[(usize, String, Value, VarType)] {
        &self.defaults
    }

    /// The default of the variable `name` (of the last block of that name).
    pub fn default_of(&self, name: &str) -> Option<&Value> {
        let &i = self.by_name.get(name)?.last()?;
        let at = self.defaults.binary_search_by_key(&i, |(j, ..)| *j).ok()?;
        Some(&self.defaults[at].2)
    }

    /// The type of the variable `name` (of the last block of that name).
    pub fn type_of(&self, name: &str) -> Option<&VarType> {
        let &i = self.by_name.get(name)?.last()?;
        let at = self.defaults.binary_search_by_key(&i, |(j, ..)| *j).ok()?;
        Some(&self.defaults[at].3)
    }
}

/// The key of an address in [`BlockIndex::by_address`]: the kind and both labels of a resource or data
/// source, the kind and name of a module call (its other labels do not count); `None` for other blocks.
fn address_key(kind: &str, ty: &str, name: Option<&str>) -> Option<u64> {
    let name = match (kind, name) {
        ("resource" | "data", Some(name)) => name,
        ("module", _) => "",
        _ => return None,
    };
    let parts = [kind, ty, name].map(|p| p.bytes().chain([0]));
    Some(crate::fast_hash::fnv1a(parts.into_iter().flatten()))
}

/// `entry` by a borrowed key, allocating the owned one only for a key not there yet.
trait EntryRef<V> {
    fn entry_ref(&mut self, key: &str) -> &mut V;
}

impl<V: Default> EntryRef<V> for FastMap<String, V> {
    fn entry_ref(&mut self, key: &str) -> &mut V {
        if !self.contains_key(key) {
            self.insert(key.to_string(), V::default());
        }
        self.get_mut(key).expect("inserted above")
    }
}

#[cfg(test)]
mod tests {
    use crate::kit::testing::module_files;

    #[test]
    fn blocks_are_found_by_address() {
        let text = "resource \"aws_s3_bucket\" \"logs\" {}\nresource \"aws_s3_bucket\" \"site\" {}\n\
                    data \"aws_s3_bucket\" \"logs\" {}\nmodule \"logs\" { source = \"./m\" }\n\
                    resource \"aws_s3_bucket\" \"logs\" {}\nvariable \"logs\" {}\n";
        let files = module_files(&[("main.tf", text)]);
        let f = &files[0];
        let at = |kind, ty, name| f.index.at_address(&f.blocks, kind, ty, name).collect::<Vec<_>>();
        // Declared twice (a module being edited): both, in order.
        assert_eq!(at("resource", "aws_s3_bucket", Some("logs")), [0, 4]);
        assert_eq!(at("resource", "aws_s3_bucket", Some("site")), [1]);
        assert_eq!(at("data", "aws_s3_bucket", Some("logs")), [2]);
        assert_eq!(at("module", "logs", None), [3]);
        assert!(at("resource", "aws_s3_bucket", Some("nope")).is_empty());
        assert!(at("resource", "aws_s3_bucket", None).is_empty());
        assert!(at("variable", "logs", None).is_empty());
    }
}
