//! The outputs of `onus check`: text for people, JSON for scripts, SARIF 2.1.0 for code-scanning services.

use std::io::{IsTerminal, Write};

use onus_analysis::catalog;
use onus_analysis::Rule;
use onus_analysis::Severity;
use serde_json::{json, Value};

use super::{Report, Results};
use onus_analysis::lens::duties_of;
use onus_analysis::responsibility::Row;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
}

/// `--color`: whether text output is coloured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    /// When stdout is a terminal and `NO_COLOR` is not set (<https://no-color.org>).
    Auto,
    Always,
    Never,
}

impl Color {
    pub fn wanted(self) -> bool {
        match self {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }
}

/// Writes the findings; with `summary` (the `--summary` rows, see [`summary_rows`]), JSON is an object of the
/// findings and the summary, and SARIF carries the summary in the run's properties (text prints its table after).
pub fn write(
    out: &mut impl Write,
    format: Format,
    colour: bool,
    reports: &[Report],
    summary: Option<&[Value]>,
    controls: Option<&Value>,
    docs_base: Option<&str>,
) -> std::io::Result<()> {
    match format {
        Format::Text => text(out, reports, colour, std::io::stdout().is_terminal()),
        Format::Json => {
            let findings = Streamed::new(reports.iter().map(json_report));
            match summary {
                None => serde_json::to_writer_pretty(&mut *out, &findings)?,
                Some(rows) => {
                    #[derive(serde::Serialize)]
                    struct WithSummary<'r, F> {
                        findings: F,
                        summary: &'r [Value],
                        #[serde(skip_serializing_if = "Option::is_none")]
                        framework: Option<&'r Value>,
                    }
                    serde_json::to_writer_pretty(
                        &mut *out,
                        &WithSummary { findings, summary: rows, framework: controls },
                    )?
                }
            }
            writeln!(out)
        }
        Format::Sarif => {
            serde_json::to_writer_pretty(&mut *out, &sarif(reports, summary, controls, docs_base))?;
            writeln!(out)
        }
    }
}

fn colour(severity: Severity) -> &'static str {
    match severity {
        Severity::Error | Severity::Critical => "\x1b[1;31m",
        Severity::High => "\x1b[31m",
        Severity::Medium => "\x1b[33m",
        Severity::Low => "\x1b[36m",
        Severity::Hint => "\x1b[2m",
    }
}

/// `path:line:col: severity rule-id message [row]`
fn text(out: &mut impl Write, reports: &[Report], coloured: bool, tty: bool) -> std::io::Result<()> {
    for r in reports {
        let d = &r.diagnostic;
        let row = d.rule.map(|rule| format!(" [{}]", rule.row.slug())).unwrap_or_default();
        if coloured {
            let (c, reset, dim) = (colour(d.severity), "\x1b[0m", "\x1b[2m");
            writeln!(
                out,
                "\x1b[1m{}:{}:{}:{reset} {c}{}{reset} {dim}{}{reset} {}{dim}{row}{reset}",
                r.path,
                r.line,
                r.column,
                d.severity.name(),
                d.code,
                d.message
            )?;
        } else {
            writeln!(out, "{}:{}:{}: {} {} {}{row}", r.path, r.line, r.column, d.severity.name(), d.code, d.message)?;
        }
        // The broader rules that report the same problem, under the finding that names it best.
        for a in &d.also {
            let (dim, reset) = if coloured { ("\x1b[2m", "\x1b[0m") } else { ("", "") };
            writeln!(out, "  {dim}also {} {}{reset}", a.rule.id, a.message)?;
        }
    }
    if tty || !reports.is_empty() {
        let files = reports.iter().map(|r| &r.path).collect::<std::collections::BTreeSet<_>>().len();
        let (n, s) = (reports.len(), if reports.len() == 1 { "" } else { "s" });
        eprintln!("onus: {n} finding{s} in {files} file{}", if files == 1 { "" } else { "s" });
    }
    Ok(())
}

/// A JSON array whose items are built one at a time as they are written: a large module's findings would
/// otherwise be held twice, once as JSON values.
struct Streamed<I>(std::cell::RefCell<Option<I>>);

impl<I> Streamed<I> {
    fn new(items: I) -> Self {
        Streamed(std::cell::RefCell::new(Some(items)))
    }
}

impl<T: serde::Serialize, I: Iterator<Item = T>> serde::Serialize for Streamed<I> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let items = self.0.borrow_mut().take();
        serializer.collect_seq(items.into_iter().flatten())
    }
}

/// A finding in `--format json` (keep it stable: CI scripts read it).
#[derive(serde::Serialize)]
struct JsonReport<'r> {
    path: &'r str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    severity: &'static str,
    rule: &'static str,
    message: &'r str,
    row: Option<&'static str>,
    service: Option<&'static str>,
    fix: bool,
    /// The broader rules folded into this finding (same problem), each still suppressible by its id.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    also: Vec<JsonAlso<'r>>,
}

#[derive(serde::Serialize)]
struct JsonAlso<'r> {
    rule: &'static str,
    message: &'r str,
    row: &'static str,
}

fn json_report(r: &Report) -> JsonReport<'_> {
    let d = &r.diagnostic;
    JsonReport {
        path: &r.path,
        line: r.line,
        column: r.column,
        end_line: r.end_line,
        end_column: r.end_column,
        severity: d.severity.name(),
        rule: d.code,
        message: &d.message,
        row: d.rule.map(|rule| rule.row.slug()),
        service: d.rule.map(|rule| rule.service),
        fix: r.has_fix,
        also: d
            .also
            .iter()
            .map(|a| JsonAlso { rule: a.rule.id, message: &a.message, row: a.rule.row.slug() })
            .collect(),
    }
}

/// The rule catalog as JSON: the contract other tools map onus's rules through. Keep it stable.
pub fn rules_json() -> Value {
    Value::Array(catalog::all().iter().map(|r| rule_json(r)).collect())
}

fn rule_json(r: &Rule) -> Value {
    let peers =
        |e: &onus_analysis::rule::Equivalents| json!({ "checkov": e.checkov, "kics": e.kics, "trivy": e.trivy });
    json!({
        "id": r.id,
        "title": r.title,
        "severity": r.severity.name(),
        "row": r.row.slug(),
        "service": r.service,
        "formats": r.formats(),
        "fix": r.has_fix(),
        "equivalents": peers(&r.equivalents),
        "related": { "checkov": r.related.checkov, "kics": r.related.kics, "trivy": r.related.trivy, "how": r.related.how },
        "description": r.docs().what,
        "frameworks": frameworks_of(r.id),
    })
}

/// The controls a rule checks, by framework (`{"cis-aws-3.0": ["5.2"], "aws-fsbp": ["EC2.19"]}`).
fn frameworks_of(rule: &str) -> Value {
    let mut out = serde_json::Map::new();
    for f in onus_analysis::frameworks::all() {
        let controls = f.controls_of(rule);
        if !controls.is_empty() {
            out.insert(f.key.to_string(), json!(controls));
        }
    }
    Value::Object(out)
}

/// Each control of `framework`, as the check found it: `met` (its rules ran over resources they inspect and
/// found nothing open), `open` (with the findings' count), `no-resources` (nothing here it applies to), or why
/// it was not judged (`account-wide` without `--account-wide`, `uncoded`, `not-from-code`).
pub fn framework_controls(
    results: &Results,
    framework: &onus_analysis::frameworks::Framework,
    account_wide: bool,
) -> Value {
    let open: Vec<Vec<&str>> = results.reports.iter().map(Report::rules).collect();
    let suppressed: Vec<Vec<&str>> = results.suppressed.iter().map(Report::rules).collect();
    let controls: Vec<Value> = framework
        .judge(catalog::rules(), &open, &suppressed, &results.resource_types, account_wide)
        .iter()
        .map(|j| {
            let c = j.control;
            json!({
                "control": c.id, "title": c.title, "status": c.status.name(), "state": j.state,
                "open": j.open, "suppressed": j.suppressed, "rules": c.rules,
            })
        })
        .collect();
    json!({ "framework": framework.key, "name": framework.name, "controls": controls })
}

/// The controls of [`framework_controls`], for text output: one line each.
pub fn framework_summary(out: &mut impl Write, framework: &Value) -> std::io::Result<()> {
    writeln!(out, "\n{}", framework["name"].as_str().unwrap_or(""))?;
    let controls = framework["controls"].as_array().map(Vec::as_slice).unwrap_or_default();
    for c in controls {
        let state = match c["open"].as_u64() {
            Some(n) if n > 0 => format!("open ({n})"),
            _ => c["state"].as_str().unwrap_or("").to_string(),
        };
        writeln!(
            out,
            "{:<9} {:<26} {}",
            c["control"].as_str().unwrap_or(""),
            state,
            c["title"].as_str().unwrap_or("")
        )?;
    }
    let tally = |state: &str| controls.iter().filter(|c| c["state"] == state).count();
    writeln!(
        out,
        "{} controls: {} met, {} open, {} with nothing here to judge, {} not judged",
        controls.len(),
        tally("met"),
        tally("open"),
        tally("no resources"),
        controls.len() - tally("met") - tally("open") - tally("no resources")
    )
}

/// GitHub's `security-severity` of a rule's severity.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::Error => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low | Severity::Hint => "3.0",
    }
}

/// The base of relative artifact URIs: the folder onus ran in.
const SRCROOT: &str = "%SRCROOT%";

/// A path as a SARIF artifact location: a relative URI reference against [`SRCROOT`], or a `file://` URI for an
/// absolute path; percent-encoded either way (`my dir/a#b.tf` is `my%20dir/a%23b.tf`).
fn artifact_location(path: &str) -> Value {
    let path = path.replace('\\', "/");
    let is_absolute = path.starts_with('/') || path.as_bytes().get(1) == Some(&b':');
    if is_absolute {
        json!({ "uri": file_uri(&path) })
    } else {
        let relative = path.trim_start_matches("./");
        json!({ "uri": percent_encoded(relative), "uriBaseId": SRCROOT })
    }
}

/// `file:///...` of an absolute path (`/x` or `C:/x`).
fn file_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = if path.starts_with('/') { path } else { format!("/{path}") };
    format!("file://{}", percent_encoded(&path))
}

/// Every byte but the unreserved ones, `/` and a drive's `:` percent-encoded (RFC 3986).
fn percent_encoded(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for (i, b) in path.bytes().enumerate() {
        let drive_colon = b == b':' && i <= 2 && path[..i].trim_start_matches('/').len() == 1;
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') || drive_colon {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error | Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Hint => "note",
    }
}

/// SARIF 2.1.0: every rule in `tool.driver.rules` (with the syntax-error pseudo-rule), a result per finding
/// (written as it is built).
fn sarif<'r>(
    reports: &'r [Report],
    summary: Option<&'r [Value]>,
    controls: Option<&'r Value>,
    docs_base: Option<&str>,
) -> impl serde::Serialize + 'r {
    // The catalog's rules, and the organisation policies that reported something.
    let mut rules: Vec<&'static onus_analysis::Rule> = catalog::all().to_vec();
    for d in reports.iter().map(|r| &r.diagnostic) {
        for rule in d.rule.into_iter().chain(d.also.iter().map(|a| a.rule)) {
            if !rules.iter().any(|r| r.id == rule.id) {
                rules.push(rule);
            }
        }
    }
    let mut rule_ids: Vec<&str> = rules.iter().map(|r| r.id).collect();
    let mut driver_rules: Vec<Value> = rules
        .iter()
        .map(|r| {
            let docs = r.docs();
            let mut rule = json!({
                "id": r.id,
                "name": r.title,
                "shortDescription": { "text": r.title },
                "fullDescription": { "text": docs.what },
                "help": { "text": format!("{}\n\nFix: {}", r.why, docs.fix), "markdown": r.markdown() },
                "defaultConfiguration": { "level": sarif_level(r.severity) },
                "properties": {
                    "severity": r.severity.name(),
                    // What GitHub code scanning ranks alerts by (critical 9.0 and above, high 7.0, medium 4.0).
                    "security-severity": security_severity(r.severity),
                    "responsibility": r.row.slug(),
                    "service": r.service,
                    "tags": ["security", r.row.slug()],
                },
            });
            // An organisation policy has no page.
            if let (Some(base), false) = (docs_base, r.matcher.is_organisation_policy()) {
                rule["helpUri"] = json!(format!("{base}{}.md", r.id));
            }
            rule
        })
        .collect();
    for (id, text) in [
        ("syntax-error", "The file does not parse; onus analyses the parts that do."),
        ("file-too-large", "The file is larger than onus parses."),
        ("nesting-too-deep", "The file nests deeper than onus analyses."),
    ] {
        rule_ids.push(id);
        driver_rules.push(json!({
            "id": id,
            "shortDescription": { "text": text },
            "help": { "text": text },
            "defaultConfiguration": { "level": "error" },
        }));
    }
    // A finding folded into a more specific one (same problem) is still its own result here, pointing at the one
    // that carries it: tools map and filter SARIF by rule id, and every rule stays separately suppressible.
    let result = move |r: &Report, rule: &'static str, severity: Severity, message: &str, at: [usize; 4]| {
        let mut result = json!({
            "ruleId": rule,
            "level": sarif_level(severity),
            "message": { "text": message },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": artifact_location(&r.path),
                    "region": { "startLine": at[0], "startColumn": at[1], "endLine": at[2], "endColumn": at[3] }
                }
            }],
        });
        if let Some(i) = rule_ids.iter().position(|id| *id == rule) {
            result["ruleIndex"] = json!(i);
        }
        result
    };
    let results = reports.iter().flat_map(move |r| {
        let d = &r.diagnostic;
        let at = [r.line, r.column, r.end_line, r.end_column];
        let mut out = vec![result(r, d.code, d.severity, &d.message, at)];
        for (a, also_at) in d.also.iter().zip(&r.also_at) {
            let mut folded = result(r, a.rule.id, a.rule.severity, &a.message, *also_at);
            folded["relatedLocations"] = json!([{
                "id": 0,
                "physicalLocation": {
                    "artifactLocation": artifact_location(&r.path),
                    "region": { "startLine": at[0], "startColumn": at[1], "endLine": at[2], "endColumn": at[3] }
                },
                "message": { "text": format!("reported as {}", d.code) },
            }]);
            folded["properties"] = json!({ "foldedInto": d.code });
            out.push(folded);
        }
        out
    });
    #[derive(serde::Serialize)]
    struct Log<R> {
        #[serde(rename = "$schema")]
        schema: &'static str,
        version: &'static str,
        runs: [Run<R>; 1],
    }
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Run<R> {
        tool: Value,
        original_uri_base_ids: Value,
        column_kind: &'static str,
        results: R,
        #[serde(skip_serializing_if = "Option::is_none")]
        properties: Option<Value>,
    }
    // Relative paths are relative to where onus ran.
    let root = std::env::current_dir().ok().map(|d| {
        let mut uri = file_uri(&d.to_string_lossy());
        if !uri.ends_with('/') {
            uri.push('/');
        }
        uri
    });
    let original_uri_base_ids = json!({ SRCROOT: { "uri": root } });
    let tool = json!({ "driver": { "name": "onus", "version": env!("CARGO_PKG_VERSION"), "rules": driver_rules } });
    Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool,
            original_uri_base_ids,
            column_kind: "unicodeCodePoints",
            results: Streamed::new(results),
            properties: summary.map(|rows| match controls {
                Some(framework) => json!({ "responsibility": rows, "framework": framework }),
                None => json!({ "responsibility": rows }),
            }),
        }],
    }
}

/// The responsibility split of what was checked, a row per duty: for each customer row the resources
/// checked, the findings open and suppressed; AWS's rows, stated as AWS's.
pub fn summary_rows(results: &Results) -> Vec<Value> {
    let mut rows = Vec::new();
    for row in Row::CUSTOMER {
        let checked = results
            .resource_types
            .iter()
            .filter(|ty| duties_of(catalog::rules(), ty).iter().any(|rule| rule.row == row))
            .count();
        let count = |reports: &[Report]| {
            reports.iter().filter(|r| r.diagnostic.rule.is_some_and(|rule| rule.row == row)).count()
        };
        rows.push(json!({
            "row": row.slug(), "side": "customer", "duty": row.duty(),
            "resources": checked, "open": count(&results.reports), "suppressed": count(&results.suppressed),
        }));
    }
    for row in Row::AWS {
        rows.push(json!({ "row": row.slug(), "side": "aws", "duty": row.duty() }));
    }
    rows
}

/// The responsibility table of [`summary_rows`], for text output.
pub fn summary(out: &mut impl Write, rows: &[Value]) -> std::io::Result<()> {
    writeln!(out, "\n{:<24} {:>9} {:>6} {:>10}  duty", "responsibility", "resources", "open", "suppressed")?;
    for row in rows {
        let number = |key: &str| row[key].as_u64().map_or("-".to_string(), |n| n.to_string());
        let side = if row["side"] == "aws" { "AWS" } else { "customer" };
        writeln!(
            out,
            "{:<24} {:>9} {:>6} {:>10}  {side}: {}",
            row["row"].as_str().unwrap_or(""),
            number("resources"),
            number("open"),
            number("suppressed"),
            row["duty"].as_str().unwrap_or("")
        )?;
    }
    Ok(())
}
