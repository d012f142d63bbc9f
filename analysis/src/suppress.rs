//! Suppression comments: onus's own, and the peers' (through each rule's equivalents), so a team moving from
//! Checkov, tfsec/Trivy or KICS keeps its reviewed exceptions.
//!
//! - `# onus:ignore:RULE-ID[,RULE-ID] reason` on the line above a resource or attribute, or at the end of its
//!   first line, silences those rules there. One that silences nothing is reported (hint).
//! - `#checkov:skip=CKV_AWS_20:reason` anywhere in a resource silences the rules equivalent to that check in it.
//! - `#tfsec:ignore:<id>` / `#trivy:ignore:<id>` (AVD id or long id) work like onus's own comment.
//! - `# kics-scan ignore-line` / `ignore-block` silence everything on the next line / in the next block;
//!   `# kics-scan disable=<query id>` and `# kics-scan ignore` at the top of a file act on the whole file.

use crate::rule::{Rule, Rules};
use crate::terraform::model::Block;
use crate::terraform::TfFile;
use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq)]
pub enum Matcher {
    /// onus rule ids.
    Onus(Vec<String>),
    Checkov(String),
    /// tfsec/Trivy ids.
    Trivy(String),
    /// KICS query ids (`disable=`), or every rule.
    Kics(Option<Vec<String>>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Suppression {
    /// The comment.
    pub comment: TextRange,
    pub matcher: Matcher,
    /// What it covers: findings starting in this range are silenced.
    pub target: TextRange,
}

impl Suppression {
    /// Whether it silences a finding of `rule` at `at` about the resource `resource`: a finding inside what it
    /// covers, or about a resource it covers whole (a finding placed outside its resource, such as a template
    /// parameter's default holding the resource's password).
    pub fn silences_finding(&self, rule: &Rule, at: usize, resource: Option<TextRange>) -> bool {
        let covers = |r: TextRange| !self.target.is_empty() && self.target.start <= r.start && r.end <= self.target.end;
        self.silences(rule, at) || (resource.is_some_and(covers) && self.matches(rule))
    }

    pub fn silences(&self, rule: &Rule, at: usize) -> bool {
        let inside = self.target.contains(at) || (self.target.is_empty() && self.target.start == at);
        inside && self.matches(rule)
    }

    pub fn matches(&self, rule: &Rule) -> bool {
        match &self.matcher {
            Matcher::Onus(ids) => ids.iter().any(|id| id == rule.id),
            Matcher::Checkov(id) => rule.equivalents.checkov.iter().any(|c| c.eq_ignore_ascii_case(id)),
            Matcher::Trivy(id) => rule.equivalents.trivy.iter().any(|t| t.eq_ignore_ascii_case(id)),
            Matcher::Kics(None) => true,
            Matcher::Kics(Some(ids)) => rule.equivalents.kics.iter().any(|k| ids.iter().any(|i| i == k)),
        }
    }

    /// For onus's own comments: the ids that name no rule.
    pub fn unknown_ids(&self, rules: Rules) -> Vec<&str> {
        match &self.matcher {
            Matcher::Onus(ids) => ids.iter().filter(|id| rules.by_id(id).is_none()).map(String::as_str).collect(),
            _ => Vec::new(),
        }
    }
}

/// What a comment asks, if anything; `file_wide` for KICS's file-level forms.
fn parse(comment: &str) -> Option<(Matcher, Scope)> {
    let body = comment.trim_start_matches(['#', '/', '*']).trim().trim_end_matches("*/").trim();
    if let Some(rest) = body.strip_prefix("onus:ignore:") {
        let ids = rest.split_whitespace().next().unwrap_or("");
        let ids = ids.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect();
        return Some((Matcher::Onus(ids), Scope::Next));
    }
    if let Some(rest) = body.strip_prefix("checkov:skip=") {
        let id = rest.split([':', ' ']).next().unwrap_or("").to_string();
        return Some((Matcher::Checkov(id), Scope::EnclosingResource));
    }
    for prefix in ["tfsec:ignore:", "trivy:ignore:"] {
        if let Some(rest) = body.strip_prefix(prefix) {
            // `tfsec:ignore:aws-s3-enable-versioning:exp:2025-01-01` carries options after the id.
            let id = rest.split_whitespace().next().unwrap_or("").split(":exp:").next().unwrap_or("");
            let id = id.split(":ws:").next().unwrap_or(id).to_string();
            return Some((Matcher::Trivy(id), Scope::Next));
        }
    }
    if let Some(rest) = body.strip_prefix("kics-scan") {
        let rest = rest.trim();
        return match rest.split_whitespace().next().unwrap_or("") {
            "ignore-line" => Some((Matcher::Kics(None), Scope::NextLine)),
            "ignore-block" => Some((Matcher::Kics(None), Scope::Next)),
            "ignore" => Some((Matcher::Kics(None), Scope::File)),
            other if other.starts_with("disable=") => {
                let ids = other["disable=".len()..].split(',').map(str::to_string).collect();
                Some((Matcher::Kics(Some(ids)), Scope::File))
            }
            _ => None,
        };
    }
    None
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Scope {
    /// The construct on the comment's line (trailing comment) or on the next code line.
    Next,
    NextLine,
    EnclosingResource,
    File,
}

fn line_start(src: &str, at: usize) -> usize {
    src[..at].rfind('\n').map_or(0, |i| i + 1)
}

fn line_end(src: &str, at: usize) -> usize {
    src[at..].find('\n').map_or(src.len(), |i| at + i)
}

/// The start of the next line after `at` that holds code (not blank, not only a comment).
fn next_code_line(src: &str, at: usize) -> Option<usize> {
    let mut pos = line_end(src, at);
    while pos < src.len() {
        let start = pos + 1;
        let end = line_end(src, start.min(src.len()));
        let line = src[start.min(src.len())..end].trim();
        if !(line.is_empty() || line.starts_with('#') || line.starts_with("//") || line.starts_with("/*")) {
            return Some(start + (src[start..end].len() - src[start..end].trim_start().len()));
        }
        pos = end;
    }
    None
}

/// The innermost block or attribute that starts on the line of `at`, searched from `blocks`.
fn construct_on_line(src: &str, blocks: &[Block], at: usize) -> Option<TextRange> {
    let (start, end) = (line_start(src, at), line_end(src, at));
    let on_line = |r: TextRange| r.start >= start && r.start <= end;
    for block in blocks {
        if !block.range.contains(at) && !on_line(block.range) {
            continue;
        }
        if on_line(block.range) {
            return Some(block.range);
        }
        if let Some(inner) = construct_on_line(src, &block.blocks, at) {
            return Some(inner);
        }
        if let Some(attr) = block.attributes.iter().find(|a| on_line(a.range)) {
            return Some(attr.range);
        }
    }
    None
}

/// The suppressions written in a Terraform file.
pub fn suppressions(file: &TfFile) -> Vec<Suppression> {
    let src = &file.source;
    let mut out = Vec::new();
    for comment in &file.comments {
        let Some((matcher, scope)) = parse(&comment.text) else { continue };
        let at = comment.range.start;
        let trailing = !src[line_start(src, at)..at].trim().is_empty();
        let target = match scope {
            Scope::File => TextRange::new(0, src.len() + 1),
            Scope::EnclosingResource => match file.blocks.iter().find(|b| b.range.contains(at)) {
                Some(block) => block.range,
                None => match next_code_line(src, at).and_then(|n| construct_on_line(src, &file.blocks, n)) {
                    Some(r) => r,
                    None => continue,
                },
            },
            Scope::NextLine => match next_code_line(src, at) {
                Some(n) => TextRange::new(line_start(src, n), line_end(src, n)),
                None => continue,
            },
            Scope::Next => {
                let line = if trailing { Some(at) } else { next_code_line(src, at) };
                match line.and_then(|n| construct_on_line(src, &file.blocks, n)) {
                    Some(r) => r,
                    None => match line {
                        Some(n) => TextRange::new(line_start(src, n), line_end(src, n)),
                        None => continue,
                    },
                }
            }
        };
        out.push(Suppression { comment: comment.range, matcher, target });
    }
    out
}

/// The edit that silences `rule` for the resource `block`: a comment on the line above it.
pub fn suppress_fix(file: &TfFile, ids: &[&str], block: TextRange) -> crate::fix::Fix {
    let src = &file.source;
    let start = line_start(src, block.start.min(src.len()));
    let indent = crate::fix::indentation_at(src, block.start.min(src.len()));
    let eol = crate::fix::line_ending(src);
    let text = format!("{indent}# onus:ignore:{} <reason>{eol}", ids.join(","));
    crate::fix::Fix::unsafe_(
        format!("Suppress {} for this resource", ids.join(", ")),
        vec![crate::fix::Edit { range: TextRange::empty(start), text }],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::module_files;

    fn targets(text: &str) -> Vec<(Matcher, String)> {
        let files = module_files(&[("main.tf", text)]);
        suppressions(&files[0])
            .into_iter()
            .map(|s| (s.matcher, text[s.target.start..s.target.end].to_string()))
            .collect()
    }

    #[test]
    fn comments_target_the_next_construct_or_their_line() {
        let text = "# onus:ignore:s3-public-acl reviewed\nresource \"aws_s3_bucket\" \"b\" {\n  # tfsec:ignore:aws-s3-enable-versioning\n  acl = \"x\"\n  tags = {} # onus:ignore:a,b why\n  #checkov:skip=CKV_AWS_20:ok\n}\n";
        let t = targets(text);
        assert_eq!(t[0].0, Matcher::Onus(vec!["s3-public-acl".into()]));
        assert!(t[0].1.starts_with("resource") && t[0].1.ends_with('}'));
        assert_eq!(t[1], (Matcher::Trivy("aws-s3-enable-versioning".into()), "acl = \"x\"".into()));
        assert_eq!(t[2], (Matcher::Onus(vec!["a".into(), "b".into()]), "tags = {}".into()));
        assert_eq!(t[3].0, Matcher::Checkov("CKV_AWS_20".into()));
        assert!(t[3].1.starts_with("resource"));
    }

    #[test]
    fn kics_forms() {
        let text = "# kics-scan disable=abc,def\nresource \"a\" \"b\" {\n  # kics-scan ignore-line\n  x = 1\n}\n";
        let files = module_files(&[("main.tf", text)]);
        let s = suppressions(&files[0]);
        assert_eq!(s[0].matcher, Matcher::Kics(Some(vec!["abc".into(), "def".into()])));
        assert_eq!(s[0].target, TextRange::new(0, text.len() + 1));
        assert_eq!(&text[s[1].target.start..s[1].target.end], "  x = 1");
    }
}
