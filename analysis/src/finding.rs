//! A finding: a rule's verdict on one place of one file.

use crate::fix::Fix;
use crate::rule::Rule;
use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub rule: &'static Rule,
    /// Index of the file in the module (or template) that was checked.
    pub file: usize,
    /// The offending attribute, or the resource's header when the attribute is missing.
    pub range: TextRange,
    /// The whole resource (or top-level block) the finding is about.
    pub resource: TextRange,
    pub message: String,
    pub fixes: Vec<Fix>,
    /// The instance of a resource with `count` or `for_each` the finding was found on, until the findings of
    /// every instance are merged (see [`crate::terraform::check::merge_instances`]).
    pub instance: Option<Instanced>,
}

/// Which instance of how many, of which address.
#[derive(Clone, Debug, PartialEq)]
pub struct Instanced {
    /// `[0]`, `["web"]`.
    pub suffix: String,
    pub total: usize,
    /// The block's address without the instance (`aws_s3_bucket.this`).
    pub address: String,
}

impl Finding {
    /// Moves the finding and its fixes by `delta` bytes, with the block they are about.
    pub fn shift(&mut self, delta: isize) {
        self.range = self.range.shifted(delta);
        self.resource = self.resource.shifted(delta);
        for edit in self.fixes.iter_mut().flat_map(|f| &mut f.edits) {
            edit.range = edit.range.shifted(delta);
        }
    }
}
