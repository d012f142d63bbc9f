//! The picture of the split: one self-contained HTML page (inline CSS and SVG; nothing fetched) that shows,
//! for the repository and for each module or stack, AWS's rows stated as AWS's, each customer row with the
//! resources it applies to, those met and open, and the findings with their place and the fix in words; a chart
//! of open findings per row; and a framework's controls when one is given.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::frameworks::{Framework, Judged};
use crate::responsibility::Row;
use crate::rule::{Rule, Rules, Severity};

/// A finding, as the report shows it.
pub struct Finding<'a> {
    pub path: &'a str,
    pub line: usize,
    pub rule: &'static Rule,
    pub severity: Severity,
    pub message: &'a str,
    /// The resource it is about (its first line), to count the resources with open duties.
    pub resource: &'a str,
}

/// A resource checked.
pub struct Resource<'a> {
    pub path: &'a str,
    pub ty: &'a str,
}

pub struct Input<'a> {
    /// What was checked, as the user named it (`.`, `infra/`).
    pub title: &'a str,
    pub date: Option<crate::date::Date>,
    pub rules: Rules,
    pub findings: Vec<Finding<'a>>,
    pub suppressed: usize,
    pub resources: Vec<Resource<'a>>,
    pub framework: Option<(&'a Framework, Vec<Judged<'a>>)>,
}

/// The module or stack a file belongs to: a Terraform file's folder, a template itself.
pub fn unit_of(path: &str) -> &str {
    let terraform = [".tf", ".tf.json", ".tfvars", ".tfvars.json"].iter().any(|e| path.ends_with(e));
    if !terraform {
        return path;
    }
    match path.rfind(['/', '\\']) {
        Some(i) if i > 0 => &path[..i],
        _ => ".",
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Per customer row: resources it applies to, resources with an open finding of it, findings open.
struct RowTally {
    applies: usize,
    with_open: usize,
    open: usize,
}

fn tally<'a>(
    rules: Rules,
    resources: impl Iterator<Item = &'a Resource<'a>>,
    findings: &[&Finding],
) -> BTreeMap<Row, RowTally> {
    let mut out: BTreeMap<Row, RowTally> =
        Row::CUSTOMER.iter().map(|r| (*r, RowTally { applies: 0, with_open: 0, open: 0 })).collect();
    // Which rows apply to a type: computed once per type.
    let mut rows_of: BTreeMap<&str, Vec<Row>> = BTreeMap::new();
    for res in resources {
        let rows = rows_of.entry(res.ty).or_insert_with(|| {
            let mut rows: Vec<Row> = crate::lens::duties_of(rules, res.ty).iter().map(|r| r.row).collect();
            rows.sort();
            rows.dedup();
            rows
        });
        for row in rows.iter() {
            if let Some(t) = out.get_mut(row) {
                t.applies += 1;
            }
        }
    }
    let mut open_resources: BTreeMap<Row, std::collections::BTreeSet<(&str, &str)>> = BTreeMap::new();
    for f in findings {
        if let Some(t) = out.get_mut(&f.rule.row) {
            t.open += 1;
        }
        open_resources.entry(f.rule.row).or_default().insert((f.path, f.resource));
    }
    for (row, set) in open_resources {
        if let Some(t) = out.get_mut(&row) {
            t.with_open = set.len();
        }
    }
    out
}

const STYLE: &str = r#"
:root { --ink: #1d2430; --muted: #5b6576; --line: #dde2ea; --paper: #ffffff; --wash: #f5f7fa;
  --open: #c2410c; --met: #15803d; --aws: #4f46e5; --bar: #ea580c; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  background: var(--wash); }
main { max-width: 1080px; margin: 0 auto; padding: 24px 16px 64px; }
header h1 { font-size: 26px; margin: 0 0 4px; }
header p { margin: 0; color: var(--muted); }
section { background: var(--paper); border: 1px solid var(--line); border-radius: 10px; padding: 18px 20px;
  margin-top: 20px; }
h2 { font-size: 19px; margin: 0 0 12px; }
h3 { font-size: 16px; margin: 18px 0 8px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 16px; }
.card { flex: 1 1 150px; background: var(--paper); border: 1px solid var(--line); border-radius: 10px;
  padding: 12px 14px; }
.card b { display: block; font-size: 24px; }
.card span { color: var(--muted); font-size: 13px; }
.split { display: grid; grid-template-columns: 1fr 2fr; gap: 16px; }
.aws li { margin: 4px 0; }
.tag { display: inline-block; font-size: 12px; padding: 1px 8px; border-radius: 999px; border: 1px solid;
  white-space: nowrap; }
.tag.aws { color: var(--aws); border-color: var(--aws); }
.tag.open { color: var(--open); border-color: var(--open); }
.tag.met { color: var(--met); border-color: var(--met); }
.tag.none { color: var(--muted); border-color: var(--line); }
table { width: 100%; border-collapse: collapse; font-size: 14px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top;
  overflow-wrap: anywhere; }
table.findings { table-layout: fixed; }
table.findings th:nth-child(1) { width: 22%; } table.findings th:nth-child(2) { width: 10%; }
th { color: var(--muted); font-weight: 600; overflow-wrap: normal; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; overflow-wrap: normal; white-space: nowrap; }
.sev { font-weight: 600; text-transform: uppercase; font-size: 11px; letter-spacing: .04em; }
.sev.critical { color: #b91c1c; } .sev.high { color: #c2410c; } .sev.medium { color: #a16207; }
.sev.low { color: var(--muted); }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; background: var(--wash); padding: 1px 4px;
  border-radius: 4px; overflow-wrap: anywhere; }
details { border-top: 1px solid var(--line); padding: 8px 0; }
summary { cursor: pointer; font-weight: 600; }
.fix { color: var(--muted); }
.chart .bar { display: flex; align-items: center; gap: 8px; margin: 5px 0; font-size: 13px; }
.chart .label { flex: 0 0 40%; text-align: right; color: var(--muted); overflow-wrap: anywhere; }
.chart .track { flex: 1 1 auto; height: 14px; background: var(--wash); border-radius: 3px; }
.chart .fill { display: block; height: 100%; background: var(--bar); border-radius: 3px; }
.chart .fill.zero { width: 3px !important; background: var(--met); }
.chart .n { flex: 0 0 3em; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; }
@media (max-width: 720px) {
  .split { grid-template-columns: 1fr; }
  table.findings thead { display: none; }
  table.findings tr { display: block; border-bottom: 1px solid var(--line); padding: 6px 0; }
  table.findings td { display: block; border: 0; padding: 2px 0; }
  th, td { padding: 5px 4px; }
  table.duties .desc { display: none; }
  table.duties { font-size: 12px; }
  section { padding: 14px 12px; }
}
"#;

/// A bar chart of the open findings per customer row (bars drawn by CSS: they stay readable at any width).
fn chart(tallies: &BTreeMap<Row, RowTally>) -> String {
    let max = tallies.values().map(|t| t.open).max().unwrap_or(0).max(1);
    let mut out = String::from("<div class=\"chart\" role=\"img\" aria-label=\"Open findings per customer duty\">");
    for row in Row::CUSTOMER {
        let open = tallies.get(&row).map_or(0, |t| t.open);
        let width = if open == 0 { 0.0 } else { (open as f64 / max as f64 * 100.0).max(1.5) };
        let _ = write!(
            out,
            "<div class=\"bar\" title=\"{slug}: {open} open\"><span class=\"label\">{slug}</span><span class=\"track\"><span class=\"fill{}\" style=\"width:{width:.1}%\"></span></span><span class=\"n\">{open}</span></div>",
            if open == 0 { " zero" } else { "" },
            slug = row.slug(),
        );
    }
    out.push_str("</div>");
    out
}

fn rows_table(tallies: &BTreeMap<Row, RowTally>) -> String {
    let mut out = String::from(
        "<div class=\"scroll\"><table class=\"duties\"><thead><tr><th>Your duty</th><th class=\"n\">resources</th><th class=\"n\">met</th><th class=\"n\">open</th><th class=\"n\">findings</th></tr></thead><tbody>",
    );
    for row in Row::CUSTOMER {
        let t = &tallies[&row];
        let state = if t.applies == 0 && t.open == 0 {
            "<span class=\"tag none\">nothing here</span>"
        } else if t.open == 0 {
            "<span class=\"tag met\">met</span>"
        } else {
            "<span class=\"tag open\">open</span>"
        };
        let _ = write!(
            out,
            "<tr><td>{state} <b>{}</b><span class=\"desc\"><br><span class=\"fix\">{}</span></span></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            row.slug(),
            escape(row.duty()),
            t.applies,
            t.applies.saturating_sub(t.with_open),
            t.with_open,
            t.open
        );
    }
    out.push_str("</tbody></table></div><p class=\"fix\">Resources: those a duty applies to; met: those with no open finding of it; open: those with one.</p>");
    out
}

fn findings_table(findings: &[&Finding]) -> String {
    if findings.is_empty() {
        return "<p class=\"fix\">No open findings.</p>".to_string();
    }
    let mut out = String::from(
        "<table class=\"findings\"><thead><tr><th>Where</th><th>Severity</th><th>Finding</th><th>Fix</th></tr></thead><tbody>",
    );
    // The fix in words once per rule of the table (a module often has the same finding many times).
    let mut explained: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for f in findings {
        let fix = if explained.insert(f.rule.id) { f.rule.docs().fix } else { std::borrow::Cow::Borrowed("As above.") };
        let _ = write!(
            out,
            "<tr><td><code>{}:{}</code></td><td><span class=\"sev {}\">{}</span></td><td><b>{}</b> <span class=\"tag none\">{}</span><br>{}</td><td class=\"fix\">{}</td></tr>",
            escape(f.path),
            f.line,
            f.severity.name(),
            f.severity.name(),
            escape(f.rule.id),
            f.rule.row.slug(),
            escape(f.message),
            escape(&fix)
        );
    }
    out.push_str("</tbody></table>");
    out
}

fn controls_table(framework: &Framework, judged: &[Judged]) -> String {
    let mut out = format!("<section><h2>{}</h2>", escape(framework.name));
    let count = |state: &str| judged.iter().filter(|j| j.state == state).count();
    let _ = write!(
        out,
        "<p>{} controls: <span class=\"tag met\">{} met</span> <span class=\"tag open\">{} open</span> <span class=\"tag none\">{} with nothing here</span> <span class=\"tag none\">{} not judged from this code</span></p>",
        judged.len(),
        count("met"),
        count("open"),
        count("no resources"),
        judged.len() - count("met") - count("open") - count("no resources")
    );
    out.push_str("<table><thead><tr><th>Control</th><th>State</th><th>Title</th></tr></thead><tbody>");
    for j in judged {
        let class = match j.state {
            "met" => "met",
            "open" => "open",
            _ => "none",
        };
        let state = match j.open {
            Some(n) if n > 0 => format!("open ({n})"),
            _ => j.state.to_string(),
        };
        let _ = write!(
            out,
            "<tr><td><code>{}</code></td><td><span class=\"tag {class}\">{}</span></td><td>{}</td></tr>",
            escape(j.control.id),
            escape(&state),
            escape(j.control.title)
        );
    }
    out.push_str("</tbody></table></section>");
    out
}

/// The page.
pub fn html(input: &Input) -> String {
    let all: Vec<&Finding> = input.findings.iter().collect();
    let tallies = tally(input.rules, input.resources.iter(), &all);
    let mut out = String::with_capacity(64 * 1024 + input.findings.len() * 600);
    let _ = write!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>onus: shared responsibility, {}</title><style>{STYLE}</style></head><body><main>",
        escape(input.title)
    );
    let date = input.date.map(|d| format!(", {d}")).unwrap_or_default();
    let units: std::collections::BTreeSet<&str> =
        input.resources.iter().map(|r| unit_of(r.path)).chain(input.findings.iter().map(|f| unit_of(f.path))).collect();
    let _ = write!(
        out,
        "<header><h1>Shared responsibility: {}</h1><p>What AWS secures, what is yours, and where each module and stack stands{date}.</p></header>",
        escape(input.title)
    );
    let open_rows = tallies.values().filter(|t| t.open > 0).count();
    let _ = write!(
        out,
        "<div class=\"cards\"><div class=\"card\"><b>{}</b><span>resources checked</span></div><div class=\"card\"><b>{}</b><span>modules and stacks</span></div><div class=\"card\"><b>{}</b><span>open findings</span></div><div class=\"card\"><b>{}</b><span>suppressed</span></div><div class=\"card\"><b>{open_rows} of {}</b><span>customer duties with open findings</span></div></div>",
        input.resources.len(),
        units.len(),
        input.findings.len(),
        input.suppressed,
        Row::CUSTOMER.len()
    );
    out.push_str("<section><h2>The split</h2><div class=\"split\"><div class=\"aws\"><h3>AWS's side</h3><ul>");
    for row in Row::AWS {
        let _ = write!(out, "<li><span class=\"tag aws\">AWS</span> {}</li>", escape(row.duty()));
    }
    out.push_str(
        "</ul><p class=\"fix\">AWS secures the cloud itself: hardware, facilities, the hypervisor, the managed services' own software. These are never findings.</p></div><div><h3>Open findings per customer duty</h3>",
    );
    out.push_str(&chart(&tallies));
    out.push_str("</div></div>");
    out.push_str(&rows_table(&tallies));
    out.push_str("</section>");
    if let Some((framework, judged)) = &input.framework {
        out.push_str(&controls_table(framework, judged));
    }
    out.push_str("<section><h2>Modules and stacks</h2><p class=\"fix\">Those with the most open findings first.</p>");
    let mut open_in: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &input.findings {
        *open_in.entry(unit_of(f.path)).or_default() += 1;
    }
    let mut units: Vec<&str> = units.into_iter().collect();
    units.sort_by_key(|u| (std::cmp::Reverse(open_in.get(u).copied().unwrap_or(0)), *u));
    for unit in &units {
        let findings: Vec<&Finding> = input.findings.iter().filter(|f| unit_of(f.path) == *unit).collect();
        let resources = input.resources.iter().filter(|r| unit_of(r.path) == *unit);
        let count = resources.clone().count();
        let tallies = tally(input.rules, resources, &findings);
        let open = if findings.is_empty() {
            "<span class=\"tag met\">no open findings</span>".to_string()
        } else {
            format!("<span class=\"tag open\">{} open</span>", findings.len())
        };
        // Closed: a repository has hundreds of modules, and a closed one costs the browser nothing to lay out.
        let _ = write!(
            out,
            "<details><summary><code>{}</code> {open} <span class=\"fix\">{count} resources</span></summary>",
            escape(unit)
        );
        out.push_str(&rows_table(&tallies));
        out.push_str(&findings_table(&findings));
        out.push_str("</details>");
    }
    out.push_str("</section></main></body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_shows_both_sides_and_escapes_what_it_quotes() {
        let rule = crate::catalog::rules().by_id("s3-public-acl").unwrap();
        let input = Input {
            title: "infra <prod>",
            date: None,
            rules: crate::catalog::rules(),
            findings: vec![Finding {
                path: "site/main.tf",
                line: 2,
                rule,
                severity: rule.severity,
                message: "`aws_s3_bucket.b` <script>",
                resource: "resource \"aws_s3_bucket\" \"b\" {",
            }],
            suppressed: 0,
            resources: vec![
                Resource { path: "site/main.tf", ty: "aws_s3_bucket" },
                Resource { path: "stack.yaml", ty: "AWS::SQS::Queue" },
            ],
            framework: None,
        };
        let page = html(&input);
        assert!(page.contains("infra &lt;prod&gt;") && !page.contains("<script>"));
        for row in Row::AWS.iter().chain(&Row::CUSTOMER) {
            assert!(page.contains(&escape(row.duty())), "{row:?}");
        }
        assert!(page.contains("<code>site/main.tf:2</code>"));
        assert!(page.contains("<code>site</code>") && page.contains("<code>stack.yaml</code>"));
        assert!(!page.contains("http://") && !page.contains("https://"), "nothing is fetched");
        assert_eq!(unit_of("a/b/main.tf"), "a/b");
        assert_eq!(unit_of("main.tf"), ".");
        assert_eq!(unit_of("t/stack.yaml"), "t/stack.yaml");
    }
}
