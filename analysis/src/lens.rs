//! The responsibility lens: hover text for resources and findings, and the code lens above each resource.
//! What AWS takes care of for a service, what the customer must do, and which of those duties a resource
//! meets or misses right now.

use std::fmt::Write;

use crate::responsibility::{Row, ServiceModel};
use crate::rule::{Rule, Rules};
use crate::text::TextRange;
use crate::workspace::{Diagnostic, FileReport, ResourceInfo};

/// The rules that inspect a resource type: the customer duties onus checks for it.
pub fn duties_of(rules: Rules, ty: &str) -> Vec<&'static Rule> {
    rules.all().iter().copied().filter(|r| r.inspects(ty)).collect()
}

/// How one duty stands for one resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DutyState {
    Met,
    Open,
    Suppressed,
}

fn state_of(rule: &Rule, resource: &ResourceInfo, report: &FileReport) -> DutyState {
    let about = |d: &Diagnostic| d.code == rule.id && d.resource == Some(resource.range);
    if report.diagnostics.iter().any(about) {
        DutyState::Open
    } else if report.suppressed.iter().any(about) {
        DutyState::Suppressed
    } else {
        DutyState::Met
    }
}

/// The code lens of a resource: `2 of 6 customer duties open`; `None` when onus checks nothing for it.
pub fn code_lens(rules: Rules, resource: &ResourceInfo, report: &FileReport) -> Option<String> {
    let duties = duties_of(rules, &resource.ty);
    if duties.is_empty() {
        return None;
    }
    let open = duties.iter().filter(|r| state_of(r, resource, report) == DutyState::Open).count();
    let n = duties.len();
    let s = if n == 1 { "y" } else { "ies" };
    Some(if open == 0 {
        format!("onus: {n} customer dut{s} met")
    } else {
        format!("onus: {open} of {n} customer dut{s} open")
    })
}

/// Hover on a finding: the rule, why it matters, whose duty it is, the fix.
pub fn hover_finding(d: &Diagnostic) -> Option<String> {
    let rule = d.rule?;
    let mut md = String::new();
    let _ = writeln!(md, "**{}** · `{}` · {}\n", rule.title, rule.id, d.severity.name());
    let _ = writeln!(md, "Customer duty: **{}** ({}).\n", rule.row.slug(), rule.row.duty());
    let _ = writeln!(md, "{}\n", rule.why);
    let _ = writeln!(md, "**Whose duty?** {}\n", rule.aws_side);
    let _ = writeln!(md, "**Fix:** {}", rule.docs().fix);
    if !d.fixes.is_empty() {
        let _ = writeln!(md, "\nA quick-fix is available.");
    }
    Some(md)
}

/// Hover on a resource: the shared-responsibility split for its service and the state of each duty.
pub fn hover_resource(rules: Rules, resource: &ResourceInfo, report: &FileReport) -> Option<String> {
    let duties = duties_of(rules, &resource.ty);
    if duties.is_empty() {
        return None;
    }
    let mut md = String::new();
    match ServiceModel::of_type(&resource.ty) {
        Some((service, model)) => {
            let _ = writeln!(md, "**{}** · {service}, an {}\n", resource.ty, model.name());
            let _ = writeln!(md, "**AWS takes care of:** {}\n", model.aws_duties());
        }
        None => {
            let _ = writeln!(md, "**{}** · onus does not know this type's service model.\n", resource.ty);
        }
    }
    let aws_rows: Vec<&str> = Row::AWS.iter().map(|r| r.duty()).collect();
    let _ = writeln!(md, "AWS's own rows, never yours: {}.\n", aws_rows.join("; "));
    let _ = writeln!(md, "**Your duties here, as onus checks them:**\n");
    // Each line the duty's state, then what the rule looks for: "met" means the problem is not there.
    for rule in duties {
        let state = match state_of(rule, resource, report) {
            DutyState::Met => "✓ met, not found:",
            DutyState::Open => "✗ open, found:",
            DutyState::Suppressed => "– suppressed, found:",
        };
        let _ = writeln!(md, "- {state} {} (`{}`, {})", rule.title, rule.id, rule.row.slug());
    }
    Some(md)
}

/// The hover at `offset`: on a resource's header, the responsibility lens (its findings are listed in it);
/// elsewhere, the finding under the cursor.
pub fn hover(
    rules: Rules,
    report: &FileReport,
    resources: &[ResourceInfo],
    offset: usize,
) -> Option<(TextRange, String)> {
    let at = |r: &TextRange| r.start <= offset && offset <= r.end;
    if let Some(resource) = resources.iter().find(|r| at(&r.header)) {
        if let Some(md) = hover_resource(rules, resource, report) {
            return Some((resource.header, md));
        }
    }
    let d = report.diagnostics.iter().find(|d| d.rule.is_some() && at(&d.range))?;
    Some((d.range, hover_finding(d)?))
}
