//! Edits of Terraform source that keep the file's own style: set or insert an attribute, insert a nested
//! block, insert a companion resource after a resource.

use super::model::Block;
use super::TfFile;
use crate::fix::{indentation_at, line_ending, line_start, Edit};
use crate::text::TextRange;

/// The indentation of the lines inside `block`: that of its first attribute or nested block, else one level
/// deeper than the block's own line.
fn inner_indent(file: &TfFile, block: &Block) -> String {
    let src = &file.source;
    let first = block.attributes.iter().map(|a| a.range.start).chain(block.blocks.iter().map(|b| b.range.start)).min();
    if let Some(at) = first {
        if line_start(src, at) + indentation_at(src, at).len() == at && line_start(src, at) > block.range.start {
            return indentation_at(src, at).to_string();
        }
    }
    format!("{}{}", indentation_at(src, block.range.start), file.indent_unit())
}

/// Inserts `lines` (already without indentation; several lines separated by `\n`) as the last lines of
/// `block`'s body.
pub fn insert_in_block(file: &TfFile, block: &Block, lines: &str) -> Edit {
    let src = &file.source;
    let eol = line_ending(src);
    let indent = inner_indent(file, block);
    let body: String =
        lines.lines().map(|l| if l.is_empty() { eol.to_string() } else { format!("{indent}{l}{eol}") }).collect();
    let close = block.close_brace_start.min(src.len());
    let close_line = line_start(src, close);
    if close_line > block.open_brace_end && src[close_line..close].trim().is_empty() {
        // The `}` is alone on its line: insert whole lines before it.
        Edit { range: TextRange::empty(close_line), text: body }
    } else {
        // `{}` or `{ a = 1 }` on one line: break the line before the `}`.
        let block_indent = indentation_at(src, block.range.start);
        let mut start = close;
        while start > block.open_brace_end && src.as_bytes()[start - 1] == b' ' {
            start -= 1;
        }
        Edit { range: TextRange::new(start, close), text: format!("{eol}{body}{block_indent}") }
    }
}

/// Sets attribute `name` of `block` to `value` (HCL text): replaces the value if the attribute is there,
/// else inserts `name = value` at the end of the block.
pub fn set_attribute(file: &TfFile, block: &Block, name: &str, value: &str) -> Edit {
    match block.attr(name) {
        Some(attr) => Edit { range: attr.expr.range, text: value.to_string() },
        None => insert_in_block(file, block, &format!("{name} = {value}")),
    }
}

/// Inserts `text` (a whole top-level block, without trailing newline) after `block`, separated by a blank line.
pub fn insert_after(file: &TfFile, block: &Block, text: &str) -> Edit {
    let src = &file.source;
    let eol = line_ending(src);
    let end = block.range.end.min(src.len());
    let text = text.replace('\n', eol);
    Edit { range: TextRange::empty(end), text: format!("{eol}{eol}{text}") }
}
