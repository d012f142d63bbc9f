//! Conversions between the protocol's types and the analysis's. Nothing else lives here.

use onus_analysis::fix::Fix;
use onus_analysis::{text, Diagnostic, PositionEncoding, Severity};
use ropey::Rope;
use std::collections::HashMap;
use tower_lsp::lsp_types as lsp;

/// The workspace key of a document: its file path for `file:` URIs, else the URI itself (`untitled:`).
pub fn path_of(uri: &lsp::Url) -> String {
    match uri.to_file_path() {
        Ok(path) if uri.scheme() == "file" => path.to_string_lossy().into_owned(),
        _ => uri.to_string(),
    }
}

pub fn position(pos: lsp::Position) -> onus_analysis::Position {
    onus_analysis::Position::new(pos.line, pos.character)
}

pub fn range(r: lsp::Range) -> onus_analysis::Range {
    onus_analysis::Range { start: position(r.start), end: position(r.end) }
}

pub fn to_lsp_range(rope: &Rope, r: onus_analysis::TextRange, enc: PositionEncoding) -> lsp::Range {
    lsp_range(text::range_at(rope, r, enc))
}

pub(super) fn lsp_range(r: onus_analysis::Range) -> lsp::Range {
    lsp::Range {
        start: lsp::Position::new(r.start.line, r.start.character),
        end: lsp::Position::new(r.end.line, r.end.character),
    }
}

pub fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error | Severity::Critical | Severity::High => lsp::DiagnosticSeverity::ERROR,
        Severity::Medium => lsp::DiagnosticSeverity::WARNING,
        Severity::Low => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

/// Where the rule pages are: `initializationOptions.docsBaseUrl`, else the pages built into the binary, in the
/// user's cache (written there on first use), else nowhere (said on stderr).
pub fn docs_base(options: Option<&serde_json::Value>) -> Option<lsp::Url> {
    if let Some(url) = options.and_then(|o| o.get("docsBaseUrl")).and_then(|u| u.as_str()) {
        let url = if url.ends_with('/') { url.to_string() } else { format!("{url}/") };
        return lsp::Url::parse(&url).ok();
    }
    match crate::docs::rule_pages() {
        Ok(dir) => lsp::Url::from_directory_path(dir.canonicalize().unwrap_or(dir)).ok(),
        Err(e) => {
            eprintln!("onus: diagnostics will not link to their rule pages: cannot write them to the cache: {e}");
            None
        }
    }
}

/// An editor is sent this many diagnostics of a file at most: beyond it (a generated file with hundreds of
/// thousands of findings) a client spends seconds on each message and nobody reads the squiggles.
pub const MAX_PUBLISHED: usize = 5_000;

/// The diagnostics of a file as published: the most severe first when there are more than [`MAX_PUBLISHED`],
/// then one saying how many more `onus check` lists.
pub fn diagnostics(
    uri: Option<&lsp::Url>,
    rope: &Rope,
    diags: &[Diagnostic],
    enc: PositionEncoding,
    docs: Option<&lsp::Url>,
) -> Vec<lsp::Diagnostic> {
    let positions = text::Positions::new(rope, enc);
    let mut links = Links::default();
    let (shown, hidden) = shown(diags);
    let mut out: Vec<lsp::Diagnostic> =
        shown.iter().map(|d| with_link(&positions, d, links.of(d, docs), uri)).collect();
    out.extend(hidden.map(|n| more_findings(rope, enc, n)));
    out
}

/// The findings an editor is shown, and how many are left out.
pub(super) fn shown(diags: &[Diagnostic]) -> (Vec<&Diagnostic>, Option<usize>) {
    let mut shown: Vec<&Diagnostic> = diags.iter().collect();
    if diags.len() <= MAX_PUBLISHED {
        return (shown, None);
    }
    shown.sort_by_key(|d| (std::cmp::Reverse(d.severity), d.range.start));
    shown.truncate(MAX_PUBLISHED);
    (shown, Some(diags.len() - MAX_PUBLISHED))
}

/// The last diagnostic of a file with more than [`MAX_PUBLISHED`] findings.
pub(super) fn more_findings(rope: &Rope, enc: PositionEncoding, hidden: usize) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: to_lsp_range(rope, onus_analysis::TextRange::empty(0), enc),
        severity: Some(lsp::DiagnosticSeverity::INFORMATION),
        code: Some(lsp::NumberOrString::String("more-findings".into())),
        source: Some("onus".into()),
        message: format!(
            "{hidden} more findings in this file are not shown here (an editor shows the {MAX_PUBLISHED} most \
             severe); `onus check` lists them all"
        ),
        ..Default::default()
    }
}

/// Each rule's link, made once per publication (a file's findings share a few dozen rules).
#[derive(Default)]
pub(super) struct Links(HashMap<&'static str, Option<lsp::Url>>);

impl Links {
    pub(super) fn of(&mut self, d: &Diagnostic, docs: Option<&lsp::Url>) -> Option<lsp::Url> {
        d.rule.and_then(|r| self.0.entry(r.id).or_insert_with(|| rule_link(r, docs)).clone())
    }
}

pub fn diagnostic(rope: &Rope, d: &Diagnostic, enc: PositionEncoding, docs: Option<&lsp::Url>) -> lsp::Diagnostic {
    with_link(&text::Positions::asking(rope, enc), d, d.rule.and_then(|r| rule_link(r, docs)), None)
}

/// The page of a rule under `docs`.
fn rule_link(rule: &onus_analysis::Rule, docs: Option<&lsp::Url>) -> Option<lsp::Url> {
    if rule.matcher.is_organisation_policy() {
        return None;
    }
    docs?.join(&format!("{}.md", rule.id)).ok()
}

/// The broader rules folded into `d`, as related information at their own places in `uri`.
fn also_information(
    positions: &text::Positions,
    d: &Diagnostic,
    uri: &lsp::Url,
) -> Option<Vec<lsp::DiagnosticRelatedInformation>> {
    if d.also.is_empty() {
        return None;
    }
    let related = d.also.iter().map(|a| lsp::DiagnosticRelatedInformation {
        location: lsp::Location { uri: uri.clone(), range: lsp_range(positions.range(a.range)) },
        message: format!("also {}: {} [{}]", a.rule.id, a.message, a.rule.row.slug()),
    });
    Some(related.collect())
}

pub(super) fn with_link(
    positions: &text::Positions,
    d: &Diagnostic,
    link: Option<lsp::Url>,
    uri: Option<&lsp::Url>,
) -> lsp::Diagnostic {
    let message = match d.rule {
        // The severity in force (a configuration may have changed the rule's).
        Some(r) => format!("{}: {} [{}]", d.severity.name(), d.message, r.row.slug()),
        None => d.message.to_string(),
    };
    lsp::Diagnostic {
        range: lsp_range(positions.range(d.range)),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.to_string())),
        code_description: link.map(|href| lsp::CodeDescription { href }),
        source: Some("onus".to_string()),
        message,
        related_information: uri.and_then(|uri| also_information(positions, d, uri)),
        tags: None,
        data: None,
    }
}

/// A quick-fix code action for `fix`, which answers `diag`.
pub fn code_action(
    uri: &lsp::Url,
    rope: &Rope,
    fix: &Fix,
    diag: lsp::Diagnostic,
    enc: PositionEncoding,
) -> lsp::CodeAction {
    let edits = fix
        .edits
        .iter()
        .map(|e| lsp::TextEdit { range: to_lsp_range(rope, e.range, enc), new_text: e.text.clone() })
        .collect();
    lsp::CodeAction {
        title: fix.title.clone(),
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diag]),
        edit: Some(lsp::WorkspaceEdit { changes: Some(HashMap::from([(uri.clone(), edits)])), ..Default::default() }),
        is_preferred: Some(fix.preferred),
        ..Default::default()
    }
}

pub fn encoding_kind(enc: PositionEncoding) -> lsp::PositionEncodingKind {
    match enc {
        PositionEncoding::Utf8 => lsp::PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => lsp::PositionEncodingKind::UTF16,
    }
}

/// UTF-8 when the client offers it (no conversion at all), else the protocol's default, UTF-16.
pub fn negotiate_encoding(caps: &lsp::ClientCapabilities) -> PositionEncoding {
    let offered = caps.general.as_ref().and_then(|g| g.position_encodings.as_ref());
    if offered.is_some_and(|o| o.contains(&lsp::PositionEncodingKind::UTF8)) {
        PositionEncoding::Utf8
    } else {
        PositionEncoding::Utf16
    }
}
