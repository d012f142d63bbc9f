//! Fixes: text edits that write the secure setting, with an applicability level.
//!
//! The helpers here compute edits from the file's own text, so that an inserted attribute, block or companion
//! resource takes the indentation and line endings the file already uses.

use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: TextRange,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    /// Non-overlapping edits of the finding's file.
    pub edits: Vec<Edit>,
    /// The obvious fix for the finding (an editor may apply it with one key).
    pub preferred: bool,
}

impl Fix {
    pub fn new(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix { title: title.into(), edits, preferred: true }
    }

    /// A fix that needs the user's judgement (a placeholder value, a narrower range): offered, not preferred.
    pub fn unsafe_(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix { title: title.into(), edits, preferred: false }
    }

    /// Applies the edits to `text` (for tests and the CLI).
    pub fn apply(&self, text: &str) -> String {
        apply_edits(text, &self.edits)
    }
}

/// The fixes of a finding, shared between the analysis that keeps the finding and the diagnostics made of it:
/// a keystroke hands every kept finding out again, and copying each one's edits was most of what that cost.
/// Changed in place (`push`, a move of the finding) when not shared, copied first when it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fixes(std::sync::Arc<Vec<Fix>>);

impl Fixes {
    pub fn push(&mut self, fix: Fix) {
        self.make_mut().push(fix);
    }

    pub fn clear(&mut self) {
        if !self.0.is_empty() {
            *self = Fixes::default();
        }
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&Fix) -> bool) {
        if !self.0.iter().all(&mut keep) {
            self.make_mut().retain(keep);
        }
    }

    /// The fixes, to change (copied first if another finding or diagnostic shares them).
    pub fn make_mut(&mut self) -> &mut Vec<Fix> {
        std::sync::Arc::make_mut(&mut self.0)
    }
}

impl std::ops::Deref for Fixes {
    type Target = [Fix];
    fn deref(&self) -> &[Fix] {
        &self.0
    }
}

impl Extend<Fix> for Fixes {
    fn extend<I: IntoIterator<Item = Fix>>(&mut self, fixes: I) {
        let mut fixes = fixes.into_iter().peekable();
        if fixes.peek().is_some() {
            self.make_mut().extend(fixes);
        }
    }
}

impl FromIterator<Fix> for Fixes {
    fn from_iter<I: IntoIterator<Item = Fix>>(fixes: I) -> Fixes {
        Fixes(std::sync::Arc::new(fixes.into_iter().collect()))
    }
}

impl From<Vec<Fix>> for Fixes {
    fn from(fixes: Vec<Fix>) -> Fixes {
        Fixes(std::sync::Arc::new(fixes))
    }
}

impl<'a> IntoIterator for &'a Fixes {
    type Item = &'a Fix;
    type IntoIter = std::slice::Iter<'a, Fix>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Whether a fix may be applied without a look (a "fix all"): the preferred fix of its finding (the secure value
/// of a setting), with no placeholder to fill (`<access-log-bucket>`) and no resource of its own inserted (one
/// that names others, such as a companion public access block, wants a review).
pub fn is_safe(fix: &Fix) -> bool {
    let inserts_a_block = |t: &str| {
        t.lines().any(|l| {
            let l = l.trim_start_matches('\u{feff}');
            ["resource \"", "data \"", "module \""].iter().any(|k| l.starts_with(k))
        })
    };
    let placeholder = |t: &str| t.contains('<') && t.contains('>') && !t.contains("<<");
    fix.preferred && fix.edits.iter().all(|e| !inserts_a_block(&e.text) && !placeholder(&e.text))
}

/// The safe fixes of a file (see [`is_safe`]), as one set of edits: a fix one of whose edits touches an edit
/// already taken is left for the next run. Returns the edits and how many fixes they make.
pub fn safe_fixes<'f>(fixes: impl IntoIterator<Item = &'f Fix>) -> (Vec<Edit>, usize) {
    let mut taken: Vec<Edit> = Vec::new();
    let mut count = 0;
    for fix in fixes.into_iter().filter(|f| is_safe(f)) {
        // The same fix for two findings (one edit clearing both) is taken once.
        if !fix.edits.is_empty() && fix.edits.iter().all(|e| taken.contains(e)) {
            count += 1;
            continue;
        }
        if fix.edits.iter().any(|e| taken.iter().any(|t| clash(e, t))) {
            continue;
        }
        taken.extend(fix.edits.iter().cloned());
        count += 1;
    }
    (taken, count)
}

/// Whether two edits cannot both be made: they overlap or touch, unless both insert, at one place, Terraform
/// attributes or blocks of different names (settings added before a block's `}`). YAML and JSON insertions at
/// one place are not combined: each writes the structure (a `Properties:` map, a comma) it needs.
fn clash(a: &Edit, b: &Edit) -> bool {
    if !a.range.intersects(&b.range) {
        return false;
    }
    // The name of an HCL attribute or block the text starts with (`name = ...`, `name {`).
    let name = |t: &str| -> Option<String> {
        let t = t.trim_start();
        let end = t.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(t.len());
        let rest = t[end..].trim_start();
        (end > 0 && (rest.starts_with('=') && !rest.starts_with("==") || rest.starts_with('{')))
            .then(|| t[..end].to_string())
    };
    let both_insert_here = a.range.is_empty() && b.range.is_empty() && a.range.start == b.range.start;
    match (name(&a.text), name(&b.text)) {
        (Some(x), Some(y)) if both_insert_here => x == y,
        _ => true,
    }
}

/// A unified diff (`--- a/PATH`, `+++ b/PATH`, hunks with three lines of context) of what `edits` do to `text`;
/// empty when they change nothing.
pub fn unified_diff(path: &str, text: &str, edits: &[Edit]) -> String {
    const CONTEXT: usize = 3;
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let starts: Vec<usize> =
        std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).filter(|&i| i <= text.len()).collect();
    let line_of = |offset: usize| starts.partition_point(|&s| s <= offset.min(text.len())) - 1;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    // Each edit's lines; edits whose hunks would touch (their context included) make one hunk.
    let mut groups: Vec<(usize, usize, Vec<&Edit>)> = Vec::new();
    for e in edits {
        let (first, last) = (line_of(e.range.start), line_of(e.range.end));
        match groups.last_mut() {
            Some((_, end, members)) if first <= *end + 2 * CONTEXT + 1 => {
                *end = (*end).max(last);
                members.push(e);
            }
            _ => groups.push((first, last, vec![e])),
        }
    }
    let shown =
        |l: &str| if l.ends_with('\n') { l.to_string() } else { format!("{l}\n\\ No newline at end of file\n") };
    let mut out = String::new();
    let mut delta: isize = 0;
    for (first, last, members) in groups {
        // Within a hunk, each run of edited lines (edits sharing a line make one), unchanged lines between them.
        let mut runs: Vec<(usize, usize, Vec<&Edit>)> = Vec::new();
        for e in members {
            let (a, b) = (line_of(e.range.start), line_of(e.range.end));
            match runs.last_mut() {
                Some((_, end, edits)) if a <= *end => {
                    *end = (*end).max(b);
                    edits.push(e);
                }
                _ => runs.push((a, b, vec![e])),
            }
        }
        let mut body = String::new();
        let (mut old_count, mut new_count) = (0, 0);
        let context_start = first.saturating_sub(CONTEXT);
        let mut at = context_start;
        for (a, b, edits) in runs {
            for l in &lines[at..a] {
                body += &format!(" {}", shown(l));
                (old_count, new_count) = (old_count + 1, new_count + 1);
            }
            let (from, to) = (starts[a], starts.get(b + 1).copied().unwrap_or(text.len()));
            let shifted: Vec<Edit> = edits
                .iter()
                .map(|e| Edit {
                    range: TextRange::new(e.range.start - from, e.range.end.min(to) - from),
                    text: e.text.clone(),
                })
                .collect();
            let new_region = apply_edits(&text[from..to], &shifted);
            let old: Vec<&str> = text[from..to].split_inclusive('\n').collect();
            let new: Vec<&str> = new_region.split_inclusive('\n').collect();
            // Lines an edit left as they were are context too.
            let same_start = old.iter().zip(&new).take_while(|(x, y)| x == y).count();
            let same_end =
                old[same_start..].iter().rev().zip(new[same_start..].iter().rev()).take_while(|(x, y)| x == y).count();
            old[..same_start].iter().for_each(|l| body += &format!(" {}", shown(l)));
            old[same_start..old.len() - same_end].iter().for_each(|l| body += &format!("-{}", shown(l)));
            new[same_start..new.len() - same_end].iter().for_each(|l| body += &format!("+{}", shown(l)));
            old[old.len() - same_end..].iter().for_each(|l| body += &format!(" {}", shown(l)));
            (old_count, new_count) = (old_count + old.len(), new_count + new.len());
            at = (b + 1).min(lines.len());
        }
        if !body.lines().any(|l| l.starts_with('-') || l.starts_with('+')) {
            continue;
        }
        let end = (last + 1 + CONTEXT).min(lines.len());
        for l in &lines[at.min(end)..end] {
            body += &format!(" {}", shown(l));
            (old_count, new_count) = (old_count + 1, new_count + 1);
        }
        let old_start = context_start + 1;
        let new_start = (old_start as isize + delta) as usize;
        out += &format!("@@ -{old_start},{old_count} +{new_start},{new_count} @@\n{body}");
        delta += new_count as isize - old_count as isize;
    }
    if out.is_empty() {
        return out;
    }
    format!("--- a/{path}\n+++ b/{path}\n{out}")
}

/// Applies non-overlapping edits to `text`.
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len() + edits.iter().map(|e| e.text.len()).sum::<usize>());
    let mut at = 0;
    for e in edits {
        let start = e.range.start.clamp(at, text.len());
        out.push_str(&text[at..start]);
        out.push_str(&e.text);
        at = e.range.end.clamp(start, text.len());
    }
    out.push_str(&text[at..]);
    out
}

/// The line ending the file uses (CRLF if its first line ends so).
pub fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// `offset` clamped to `text` and moved back to the start of the character it falls in (a computed offset,
/// such as "one byte before the end of a node", may land inside a multi-byte character).
pub fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut at = offset.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The offset of the start of the line that holds `offset`.
pub fn line_start(text: &str, offset: usize) -> usize {
    text[..floor_boundary(text, offset)].rfind(['\n', '\r']).map(|i| i + 1).unwrap_or(0)
}

/// The offset just past the end of the line that holds `offset` (after its line ending).
pub fn line_end(text: &str, offset: usize) -> usize {
    let offset = floor_boundary(text, offset);
    match text[offset..].find('\n') {
        Some(i) => offset + i + 1,
        None => text.len(),
    }
}

/// The whitespace that indents the line holding `offset`.
pub fn indentation_at(text: &str, offset: usize) -> &str {
    let start = line_start(text, offset);
    let rest = &text[start..];
    &rest[..rest.len() - rest.trim_start_matches([' ', '\t']).len()]
}

/// One level of indentation as the file writes it: a tab, or the smallest step of spaces seen (2 by default).
pub fn indent_unit(text: &str) -> String {
    // Byte by byte, line by line (`str::lines`' lines: a CR before the LF is not the line's): this runs over
    // the edited file at every keystroke.
    let bytes = text.as_bytes();
    let mut smallest = usize::MAX;
    let mut start = 0;
    let mut breaks = memchr::memchr_iter(b'\n', bytes);
    for _ in 0..2000 {
        if start >= bytes.len() {
            break;
        }
        let end = breaks.next().unwrap_or(bytes.len());
        let content_end = if end < bytes.len() && end > start && bytes[end - 1] == b'\r' { end - 1 } else { end };
        if bytes[start] == b'\t' {
            return "\t".to_string();
        }
        let n = bytes[start..content_end].iter().take_while(|&&b| b == b' ').count();
        if n > 0 && start + n < content_end {
            smallest = smallest.min(n);
        }
        start = end + 1;
    }
    " ".repeat(if smallest == usize::MAX || smallest > 8 { 2 } else { smallest })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(start: usize, end: usize, text: &str) -> Edit {
        Edit { range: TextRange::new(start, end), text: text.into() }
    }

    /// `indent_unit` as first written, over `str::lines`: what the byte scan must equal.
    fn indent_unit_by_lines(text: &str) -> String {
        let mut smallest = usize::MAX;
        for line in text.lines().take(2000) {
            if line.starts_with('\t') {
                return "\t".to_string();
            }
            let n = line.len() - line.trim_start_matches(' ').len();
            if n > 0 && n < line.len() {
                smallest = smallest.min(n);
            }
        }
        " ".repeat(if smallest == usize::MAX || smallest > 8 { 2 } else { smallest })
    }

    #[test]
    fn indent_unit_reads_lines_as_str_lines_does() {
        let pieces = ["", "\n", "\r\n", "\r", " ", "   ", "\t", "x", "    y", "\t z", "  \r\n", "         deep"];
        let mut texts: Vec<String> = Vec::new();
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    texts.push(format!("{a}{b}{c}"));
                    texts.push(format!("{a}\n{b}\n{c}"));
                    texts.push(format!("{a}\r\n{b}\n{c}\r\n"));
                }
            }
        }
        // Past the 2000 lines read: the tab of line 2001 does not count.
        texts.push(format!("{}\tlate\n", "    a\n".repeat(2000)));
        for text in &texts {
            assert_eq!(indent_unit(text), indent_unit_by_lines(text), "{text:?}");
        }
    }

    #[test]
    fn shared_fixes_are_copied_before_they_change() {
        let mut kept: Fixes = vec![Fix::new("Set it", vec![edit(1, 2, "x")])].into();
        let handed_out = kept.clone();
        kept.make_mut()[0].edits[0].range = TextRange::new(5, 6);
        assert_eq!(handed_out[0].edits[0].range, TextRange::new(1, 2), "the other holder's copy is unchanged");
        assert_eq!(kept[0].edits[0].range, TextRange::new(5, 6));
        kept.retain(|f| f.title != "Set it");
        assert!(kept.is_empty() && handed_out.len() == 1);
        kept.extend([Fix::unsafe_("Other", Vec::new())]);
        assert_eq!(kept.iter().map(|f| f.title.as_str()).collect::<Vec<_>>(), ["Other"]);
        kept.clear();
        assert_eq!(kept, Fixes::default());
    }

    #[test]
    fn fix_all_takes_the_safe_fixes_that_do_not_clash() {
        let secure = Fix::new("Make the ACL private", vec![edit(10, 21, "\"private\"")]);
        let same_again = secure.clone();
        let clashing = Fix::new("Another value", vec![edit(15, 16, "x")]);
        let review = Fix::unsafe_("Narrow the range", vec![edit(40, 41, "y")]);
        let placeholder = Fix::new("Log to a bucket", vec![edit(50, 50, "target_bucket = \"<access-log-bucket>\"")]);
        let companion = Fix::new(
            "Add a public access block",
            vec![edit(60, 60, "\n\nresource \"aws_s3_bucket_public_access_block\" \"b\" {}")],
        );
        let heredoc = Fix::new("A policy", vec![edit(70, 70, "policy = <<EOF\n{}\nEOF")]);
        let multi_az = Fix::new("Multi-AZ", vec![edit(80, 80, "\n  multi_az = true")]);
        let backups = Fix::new("Backups", vec![edit(80, 80, "\n  backup_retention_period = 7")]);
        let other_multi_az = Fix::new("Multi-AZ again", vec![edit(80, 80, "\n  multi_az = false")]);
        let fixes = [
            &secure,
            &same_again,
            &clashing,
            &review,
            &placeholder,
            &companion,
            &heredoc,
            &multi_az,
            &backups,
            &other_multi_az,
        ];
        let (edits, count) = safe_fixes(fixes);
        let expected = [&secure, &heredoc, &multi_az, &backups].map(|f| f.edits[0].clone());
        assert_eq!(edits, expected, "two attributes inserted at one place go together; one name twice does not");
        assert_eq!(count, 5, "the secure value (twice: one edit for two findings), the heredoc, two attributes");
    }

    #[test]
    fn a_diff_shows_each_change_with_its_context() {
        let text = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n";
        let far_apart = [edit(2, 3, "B"), edit(24, 25, "M")];
        assert_eq!(
            unified_diff("main.tf", text, &far_apart),
            "--- a/main.tf\n+++ b/main.tf\n@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n@@ -10,4 +10,4 @@\n j\n k\n l\n-m\n+M\n"
        );
        // Lines added shift the next hunk's new line numbers; no newline at the end is said so.
        let text = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk";
        let diff = unified_diff("x.tf", text, &[edit(0, 0, "new\n"), edit(20, 21, "K")]);
        assert!(diff.contains("@@ -1,4 +1,5 @@\n+new\n a\n"), "{diff}");
        assert!(
            diff.contains(
                "@@ -8,4 +9,4 @@\n h\n i\n j\n-k\n\\ No newline at end of file\n+K\n\\ No newline at end of file\n"
            ),
            "{diff}"
        );
        assert_eq!(unified_diff("x.tf", text, &[edit(0, 1, "a")]), "", "no change, no diff");
    }
}
