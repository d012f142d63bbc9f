//! The top-level blocks of a module's files as an index of the module last saw them, by identity. A later
//! build of the index compares them with the files now: it visits the blocks that came, forgets those that
//! went, and finds where the kept blocks it follows are now, without visiting the others (a keystroke changes
//! the blocks of one stretch of one file; the readings keep the identities of the others).

use super::chunked::{kept_at_ends, BlockId};
use super::Module;

/// Each file's block identities, in order, when an index was built.
#[derive(Clone, Debug, Default)]
pub struct BlocksSeen {
    files: Vec<Vec<BlockId>>,
}

/// How one file's blocks changed since they were seen: the blocks between the ends the readings kept went, and
/// those between them now came.
pub struct FileChanges<'a> {
    pub file: usize,
    pub went: &'a [BlockId],
    /// The indices now of the blocks that came.
    pub came: std::ops::Range<usize>,
    then_end: usize,
}

impl FileChanges<'_> {
    /// Where the block that was at index `then` is now; `None` if it went.
    pub fn now_at(&self, then: usize) -> Option<usize> {
        if then < self.came.start {
            Some(then)
        } else if then >= self.then_end {
            Some(then - self.then_end + self.came.end)
        } else {
            None
        }
    }
}

impl BlocksSeen {
    /// The blocks of `module`'s files now.
    pub fn of(module: &Module) -> BlocksSeen {
        BlocksSeen { files: module.files.iter().map(|f| f.block_ids.clone()).collect() }
    }

    /// Whether these are blocks of `module`'s files, as many files in the same places (a build that finds
    /// otherwise starts afresh, from [`BlocksSeen::default`], when every block comes).
    pub fn fits(&self, module: &Module) -> bool {
        self.files.len() == module.files.len()
    }

    /// How each file of `module` changed since these were seen (every block came, for files never seen).
    pub fn changes<'a>(&'a self, module: &Module) -> Vec<FileChanges<'a>> {
        let files = module.files.iter().enumerate();
        files
            .map(|(file, f)| {
                let then: &[BlockId] = self.files.get(file).map_or(&[], Vec::as_slice);
                let (prefix, suffix) = kept_at_ends(then, &f.block_ids);
                FileChanges {
                    file,
                    went: &then[prefix..then.len() - suffix],
                    came: prefix..f.block_ids.len() - suffix,
                    then_end: then.len() - suffix,
                }
            })
            .collect()
    }
}

/// Where the blocks at `kept` (file and index when seen, in order) are now, in order, those that went left out.
pub fn kept_now(changes: &[FileChanges], kept: &[(usize, usize)]) -> Vec<(usize, usize)> {
    kept.iter().filter_map(|&(file, then)| Some((file, changes.get(file)?.now_at(then)?))).collect()
}
