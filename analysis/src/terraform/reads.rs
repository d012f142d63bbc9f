//! What a rule read of a module: the dependencies that decide when its findings must be computed again (see
//! [`super::incremental`]).

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

/// Something of a module a rule can read.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dep {
    /// Every top-level block of a kind (`terraform`, `provider`, `module`): which there are, and their contents.
    Kind(String),
    /// Every top-level block of a kind with a first label (`resource` `aws_s3_bucket_versioning`, `module` `db`).
    Type(String, String),
    /// `var.<name>`: its value (default, or tfvars).
    Variable(String),
    /// `local.<name>`: its expression (what that expression reads is recorded too).
    Local(String),
    /// `data.aws_iam_policy_document.<name>`, as rendered.
    PolicyDocument(String),
}

impl Dep {
    /// A 64-bit fingerprint of the dependency, which is what an analysis keeps: equal dependencies have equal
    /// fingerprints, and two different ones that collide only make a rule run again when it need not.
    pub fn fingerprint(&self) -> u64 {
        use std::hash::BuildHasher;
        crate::fast_hash::BuildFastHasher::default().hash_one(self)
    }
}

/// A stack of recordings: each [`Reads::frame`] collects the dependencies recorded while it runs. Outside any
/// frame nothing is recorded (an analysis done once records nothing and pays next to nothing).
///
/// A value computed once and read many times (an index of the module, a local's value) is a *memo*: what
/// computing it read is kept under its name, and a read of it records the name, expanded when the frame ends
/// (an index read for each of a thousand blocks would otherwise add its thousand dependencies a thousand times).
#[derive(Default)]
pub struct Reads {
    frames: RefCell<Vec<Frame>>,
    memos: RefCell<HashMap<String, Vec<Dep>>>,
}

#[derive(Default)]
struct Frame {
    deps: HashSet<Dep>,
    memos: HashSet<String>,
}

impl Reads {
    /// Records a dependency of the running frame (built only when one is running).
    pub fn record(&self, dep: impl FnOnce() -> Dep) {
        if let Some(frame) = self.frames.borrow_mut().last_mut() {
            frame.deps.insert(dep());
        }
    }

    /// Records a read of the memo `name` (see [`Reads::memo`]).
    pub fn record_memo(&self, name: &str) {
        if let Some(frame) = self.frames.borrow_mut().last_mut() {
            if !frame.memos.contains(name) {
                frame.memos.insert(name.to_string());
            }
        }
    }

    /// Computes the memo `name`: what `compute` reads is kept under the name, and a read of the memo is
    /// recorded.
    pub fn memo<T>(&self, name: &str, compute: impl FnOnce() -> T) -> T {
        if !self.is_recording() {
            return compute();
        }
        let (value, deps) = self.frame(compute);
        self.memos.borrow_mut().insert(name.to_string(), deps);
        self.record_memo(name);
        value
    }

    pub fn is_recording(&self) -> bool {
        !self.frames.borrow().is_empty()
    }

    /// Runs `f` and returns what it read, sorted; the enclosing frame, if any, read it too.
    pub fn frame<T>(&self, f: impl FnOnce() -> T) -> (T, Vec<Dep>) {
        self.frames.borrow_mut().push(Frame::default());
        let out = f();
        let frame = self.frames.borrow_mut().pop().expect("pushed above");
        let mut deps = frame.deps;
        let memos = self.memos.borrow();
        for name in &frame.memos {
            deps.extend(memos.get(name).into_iter().flatten().cloned());
        }
        let mut deps: Vec<Dep> = deps.into_iter().collect();
        deps.sort_unstable();
        if let Some(outer) = self.frames.borrow_mut().last_mut() {
            outer.deps.extend(deps.iter().cloned());
        }
        (out, deps)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_nest_memos_expand_and_nothing_is_recorded_outside_frames() {
        let reads = Reads::default();
        reads.record(|| unreachable!("built only inside a frame"));
        let ((), outer) = reads.frame(|| {
            reads.record(|| Dep::Variable("a".into()));
            let ((), inner) = reads.frame(|| reads.record(|| Dep::Local("b".into())));
            assert_eq!(inner, [Dep::Local("b".into())]);
            reads.memo("index", || reads.record(|| Dep::Kind("module".into())));
            reads.record(|| Dep::Variable("a".into()));
        });
        assert_eq!(outer, [Dep::Kind("module".into()), Dep::Variable("a".into()), Dep::Local("b".into())]);
        // A later read of the memo reads what computing it read.
        let ((), later) = reads.frame(|| reads.record_memo("index"));
        assert_eq!(later, [Dep::Kind("module".into())]);
        assert!(!reads.is_recording());
    }
}
