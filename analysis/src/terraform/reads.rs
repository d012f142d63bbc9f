//! What a rule read of a module: the dependencies that decide when its findings must be computed again (see
//! [`super::incremental`]).

use crate::fast_hash::{FastMap, FastSet};
use std::cell::RefCell;

/// Something of a module a rule can read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dep<'a> {
    /// Every top-level block of a kind (`terraform`, `provider`, `module`): which there are, and their contents.
    Kind(&'a str),
    /// Every top-level block of a kind with a first label (`resource` `aws_s3_bucket_versioning`, `module` `db`).
    Type(&'a str, &'a str),
    /// The resources or data sources at one address (`resource` `aws_s3_bucket` `logs`): which there are, and
    /// their contents. What a lookup by address reads: a keystroke in one bucket is no change to the others'.
    Address(&'a str, &'a str, &'a str),
    /// `var.<name>`: its value (default, or tfvars).
    Variable(&'a str),
    /// `local.<name>`: its expression (what that expression reads is recorded too).
    Local(&'a str),
    /// `data.aws_iam_policy_document.<name>`, as rendered.
    PolicyDocument(&'a str),
    /// `module.<name>`: the outputs of a call.
    Module(&'a str),
}

impl Dep<'_> {
    /// A 64-bit fingerprint of the dependency, which is what is recorded and kept: equal dependencies have equal
    /// fingerprints, and two different ones that collide only make a rule run again when it need not.
    pub fn fingerprint(&self) -> u64 {
        fingerprint(self)
    }
}

/// The fingerprint of a memo's value: equal values, equal fingerprints (see [`Reads::set_memo_value`]).
pub trait MemoValue {
    fn fingerprint(&self) -> u64;
}

/// The fingerprint of unordered entries (a hash map's): the same whatever the order.
pub fn unordered<T: std::hash::Hash>(entries: impl IntoIterator<Item = T>) -> u64 {
    entries.into_iter().fold(0u64, |sum, e| sum.wrapping_add(fingerprint(&e)))
}

impl<K: std::hash::Hash, V: std::hash::Hash, S> MemoValue for std::collections::HashMap<K, V, S> {
    fn fingerprint(&self) -> u64 {
        unordered(self.iter())
    }
}

impl<K: std::hash::Hash, S> MemoValue for std::collections::HashSet<K, S> {
    fn fingerprint(&self) -> u64 {
        unordered(self.iter())
    }
}

impl MemoValue for String {
    fn fingerprint(&self) -> u64 {
        fingerprint(self)
    }
}

/// A memo read entry by entry (see [`super::Module::keyed_memo`]), keyed by fingerprints (a key's is what
/// readers look up): the fingerprint of the entry at a key, and the keys. The analysis compares the value it
/// kept with the new one through these, building nothing.
pub trait KeyedMemoValue: MemoValue {
    fn entry_at(&self, key: u64) -> Option<u64>;
    fn entry_keys(&self) -> Box<dyn Iterator<Item = u64> + '_>;
}

impl<V: std::hash::Hash, S: std::hash::BuildHasher> KeyedMemoValue for std::collections::HashMap<u64, V, S> {
    fn entry_at(&self, key: u64) -> Option<u64> {
        self.get(&key).map(fingerprint)
    }

    fn entry_keys(&self) -> Box<dyn Iterator<Item = u64> + '_> {
        Box::new(self.keys().copied())
    }
}

impl<S: std::hash::BuildHasher> KeyedMemoValue for std::collections::HashSet<u64, S> {
    fn entry_at(&self, key: u64) -> Option<u64> {
        self.contains(&key).then_some(0)
    }

    fn entry_keys(&self) -> Box<dyn Iterator<Item = u64> + '_> {
        Box::new(self.iter().copied())
    }
}

/// A memo's value as [`KeyedMemoValue`], shared.
pub type Entries = std::sync::Arc<dyn KeyedMemoValue + Send + Sync>;

/// What a read of the entry `key` (its fingerprint) of the memo `name` records: the reader depends on that
/// entry alone.
pub fn memo_entry(name: u64, key: u64) -> u64 {
    fingerprint(&("memo entry", name, key))
}

/// What every reader of the memo `name` by entries records besides: the mark that finds them all when the
/// memo's entries cannot be compared (it was not computed before, or not again).
pub fn entry_reader(name: u64) -> u64 {
    fingerprint(&("memo entry reader", name))
}

/// The fingerprint of anything hashable (dependencies, memo names).
pub fn fingerprint<T: std::hash::Hash + ?Sized>(value: &T) -> u64 {
    use std::hash::BuildHasher;
    crate::fast_hash::BuildFastHasher::default().hash_one(value)
}

/// A stack of recordings: each [`Reads::frame`] collects the fingerprints of the dependencies recorded while it
/// runs. Outside any frame nothing is recorded (an analysis done once records nothing and pays next to nothing).
///
/// A value computed once and read many times (an index of the module, a local's value, a policy) is a *memo*:
/// what computing it read is kept under its name ([`Reads::memo_deps`]), and a read of it records the name
/// alone. Whoever keeps runs finds out which memos changed from what they read (an index read by each of a
/// thousand blocks' runs would otherwise add its thousand dependencies to each).
#[derive(Default)]
pub struct Reads {
    frames: RefCell<Vec<FastSet<u64>>>,
    memos: RefCell<FastMap<u64, Vec<u64>>>,
    /// The fingerprints of the memos' values, for those that have one (see [`Reads::memo_values`]).
    values: RefCell<FastMap<u64, u64>>,
    /// The values of the memos read entry by entry (see [`KeyedMemoValue`]).
    entries: RefCell<FastMap<u64, Entries>>,
}

impl Reads {
    /// Records a dependency of the running frame.
    pub fn record(&self, dep: Dep) {
        if let Some(frame) = self.frames.borrow_mut().last_mut() {
            frame.insert(dep.fingerprint());
        }
    }

    /// Records dependencies (what a frame read) in the running frame.
    pub fn record_all(&self, deps: &[u64]) {
        if let Some(frame) = self.frames.borrow_mut().last_mut() {
            frame.extend(deps);
        }
    }

    /// Records a read of the memo `name` (a [`fingerprint`]; see [`Reads::memo`]).
    pub fn record_memo(&self, name: u64) {
        if let Some(frame) = self.frames.borrow_mut().last_mut() {
            frame.insert(name);
        }
    }

    /// Computes the memo `name`: what `compute` reads is kept under the name (recorded even outside any frame:
    /// the value may be read later by a run that records), and a read of the memo is recorded. Two memos whose
    /// names' fingerprints collide share their dependencies: a run may be made again when it need not, never
    /// the other way.
    pub fn memo<T>(&self, name: u64, compute: impl FnOnce() -> T) -> T {
        let value = self.compute_memo(name, compute);
        self.record_memo(name);
        value
    }

    /// [`Reads::memo`] without recording a read of it (its reader records what it reads of it).
    pub fn compute_memo<T>(&self, name: u64, compute: impl FnOnce() -> T) -> T {
        let (value, deps) = self.frame(compute);
        self.memos.borrow_mut().entry(name).or_default().extend(deps);
        value
    }

    /// Keeps the value of the memo `name`, read entry by entry: a reader of an entry need not run again when
    /// other entries change.
    pub fn set_memo_entries(&self, name: u64, value: Entries) {
        self.entries.borrow_mut().insert(name, value);
    }

    /// The values of the memos read entry by entry computed so far.
    pub fn memo_entries(&self) -> std::cell::Ref<'_, FastMap<u64, Entries>> {
        self.entries.borrow()
    }

    /// Takes the values of the memos read entry by entry computed so far (see [`Reads::memo_entries`]).
    pub fn take_memo_entries(&self) -> FastMap<u64, Entries> {
        self.entries.take()
    }

    /// Keeps the fingerprint of the value of the memo `name`: a memo computed again to an equal value has not
    /// changed, and whoever read it need not run again.
    pub fn set_memo_value(&self, name: u64, fingerprint: u64) {
        self.values.borrow_mut().insert(name, fingerprint);
    }

    /// The fingerprints of the values of the memos computed so far (those that have one).
    pub fn memo_values(&self) -> std::cell::Ref<'_, FastMap<u64, u64>> {
        self.values.borrow()
    }

    /// The memos computed so far, with what each read (other memos by name).
    pub fn memo_deps(&self) -> std::cell::Ref<'_, FastMap<u64, Vec<u64>>> {
        self.memos.borrow()
    }

    pub fn is_recording(&self) -> bool {
        !self.frames.borrow().is_empty()
    }

    /// Runs `f` and returns what it read (fingerprints, sorted): dependencies, and memos by name. A frame
    /// inside another (a memo's) is its own: the outer one reads the memo.
    pub fn frame<T>(&self, f: impl FnOnce() -> T) -> (T, Vec<u64>) {
        self.frames.borrow_mut().push(FastSet::default());
        let out = f();
        let frame = self.frames.borrow_mut().pop().expect("pushed above");
        let mut deps: Vec<u64> = frame.into_iter().collect();
        deps.sort_unstable();
        (out, deps)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_nest_memos_are_read_by_name_and_nothing_is_recorded_outside_frames() {
        let reads = Reads::default();
        let (a, b, module) = (Dep::Variable("a"), Dep::Local("b"), Dep::Kind("module"));
        reads.record(a);
        let ((), outer) = reads.frame(|| {
            reads.record(a);
            let ((), inner) = reads.frame(|| reads.record(b));
            assert_eq!(inner, [b.fingerprint()]);
            reads.memo(fingerprint(&"index"), || reads.record(module));
            reads.record(a);
        });
        // The inner frame is its own; the memo is read by name, and what computing it read is kept under it.
        let mut expected = vec![a.fingerprint(), fingerprint(&"index")];
        expected.sort_unstable();
        assert_eq!(outer, expected);
        assert_eq!(reads.memo_deps()[&fingerprint(&"index")], [module.fingerprint()]);
        let ((), later) = reads.frame(|| reads.record_memo(fingerprint(&"index")));
        assert_eq!(later, [fingerprint(&"index")]);
        assert!(!reads.is_recording());
        assert_ne!(Dep::Variable("a").fingerprint(), Dep::Local("a").fingerprint());
    }
}
