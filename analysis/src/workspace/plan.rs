//! Checking a Terraform plan (`terraform show -json` output) with the rules: see [`crate::terraform::plan`].

use std::collections::BTreeMap;

use super::{Diagnostic, FileReport, Workspace};
use crate::terraform::plan::{self, PlannedInstance, PlannedModule};

impl Workspace {
    /// The findings of the plan at `path` (its text `text`), by the file they are placed in.
    ///
    /// Each module instance of the plan is checked as a module of its own. A finding is placed on the
    /// resource's block in the configuration when `configuration` (the root module's folder, beside the
    /// plan) holds it among this workspace's files, and there its suppression comments apply; otherwise on
    /// the instance's address in the plan. Messages name the instance (`module.db: aws_db_instance.this["a"]`).
    /// Plans get no quick-fixes: the fix belongs in the configuration. An error says why the plan is unreadable.
    pub fn plan_reports(
        &mut self,
        path: &str,
        text: &str,
        configuration: Option<&str>,
    ) -> Result<BTreeMap<String, FileReport>, String> {
        let plan = plan::read(text)?;
        let mut out: BTreeMap<String, FileReport> = BTreeMap::new();
        for (m, module) in plan.modules.iter().enumerate() {
            // A folder no real path has: each module instance is a module of its own.
            let synthetic = format!("{path}#module{m}/plan.tf.json");
            self.add_disk_file(&synthetic, &module.text);
            let reports = self.reports_of_module(&synthetic);
            self.remove(&synthetic);
            let folder = match (configuration, &module.folder) {
                (Some(root), Some(f)) if f.is_empty() => Some(root.to_string()),
                (Some(root), Some(f)) => crate::terraform::calls::join(root, f),
                _ => None,
            };
            for (shown, d) in reports.into_values().flat_map(|r| {
                r.diagnostics.into_iter().map(|d| (true, d)).chain(r.suppressed.into_iter().map(|d| (false, d)))
            }) {
                let Some(instance) = module.instance_at(d.resource.map_or(d.range.start, |r| r.start)) else {
                    continue;
                };
                let d = Diagnostic {
                    message: message(module, instance, &d.message).into(),
                    fixes: Default::default(),
                    ..d
                };
                let (file, d, silenced) = match folder.as_deref().and_then(|f| self.configured(f, instance, &d)) {
                    Some(placed) => placed,
                    None => (path.to_string(), Diagnostic { range: instance.in_plan, resource: None, ..d }, false),
                };
                let report = out.entry(file).or_default();
                if shown && !silenced {
                    report.diagnostics.push(d);
                } else {
                    report.suppressed.push(d);
                }
            }
        }
        Ok(out)
    }

    /// `d` placed on the block of `instance` in the files of `folder`, and whether a suppression comment there
    /// silences it.
    fn configured(
        &mut self,
        folder: &str,
        instance: &PlannedInstance,
        d: &Diagnostic,
    ) -> Option<(String, Diagnostic, bool)> {
        let paths: Vec<String> = self.entries_in(folder).map(|(p, _)| p.clone()).collect();
        for path in paths {
            let Some(file) = self.model(&path) else { continue };
            let labels = [instance.ty.as_str(), instance.name.as_str()];
            let Some(block) = file.blocks.iter().find(|b| b.kind == instance.kind && b.labels == labels) else {
                continue;
            };
            let silenced = d.rule.is_some_and(|rule| {
                crate::suppress::suppressions(&file)
                    .iter()
                    .any(|s| s.silences_finding(rule, block.header.start, Some(block.range)))
            });
            let placed = Diagnostic { range: block.header, resource: Some(block.range), ..d.clone() };
            return Some((path, placed, silenced));
        }
        None
    }
}

/// A finding's message naming the instance: its address in the module (`aws_ebs_volume.k[0]` for the
/// resource's `aws_ebs_volume.k`), after the module's address.
fn message(module: &PlannedModule, instance: &PlannedInstance, message: &str) -> String {
    let local = instance.local_address(&module.address);
    let resource = match instance.kind {
        "data" => format!("`data.{}.{}`", instance.ty, instance.name),
        _ => format!("`{}.{}`", instance.ty, instance.name),
    };
    let message = message.replacen(&resource, &format!("`{local}`"), 1);
    if module.address.is_empty() {
        message
    } else {
        format!("{}: {message}", module.address)
    }
}
