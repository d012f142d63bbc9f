use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "workspaces-volume-unencrypted",
    title: "WorkSpace root or user volume is not encrypted",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "WorkSpaces",
    why: "WorkSpaces volumes hold users' desktops, browser profiles, cached credentials and downloaded documents; \
          unencrypted, their snapshots and backing storage are readable in clear.",
    aws_side: "AWS encrypts the volumes when asked at creation. Asking is the customer's.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["b9033580-6886-401a-8631-5f19f5bb24c7"],
        trivy: &["AVD-AWS-0109", "aws-workspaces-enable-disk-encryption"],
    },
    related: Related {
        checkov: &["CKV_AWS_156", "CKV_AWS_155"],
        kics: &["89827c57-5a8a-49eb-9731-976a606d70db"],
        trivy: &[],
        how: "Checkov checks each volume in its own check; the CloudFormation KICS query checks the user volume \
              only, and passes a WorkSpace whose root volume is unencrypted.",
    },
    matcher: &Custom {
        what: "Flags WorkSpaces (`aws_workspaces_workspace`, `AWS::WorkSpaces::Workspace`) whose root or user volume \
               encryption (`root_volume_encryption_enabled`, `user_volume_encryption_enabled`) is absent or `false`, \
               once per WorkSpace, naming the volumes.",
        fix: "Set both `root_volume_encryption_enabled` and `user_volume_encryption_enabled` to `true`, with a \
              `volume_encryption_key` (encrypting rebuilds the WorkSpace).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_workspaces_workspace"],
            check,
            example: r#"resource "aws_workspaces_workspace" "desk" {
  directory_id = aws_workspaces_directory.corp.id
  bundle_id    = "wsb-bh8rsxt14"
  user_name    = "alice"
}"#,
            fixed_example: r#"resource "aws_workspaces_workspace" "desk" {
  directory_id = aws_workspaces_directory.corp.id
  bundle_id    = "wsb-bh8rsxt14"
  user_name    = "alice"
  root_volume_encryption_enabled = true
  user_volume_encryption_enabled = true
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::WorkSpaces::Workspace"],
            check: check_cfn,
            example: r#"Resources:
  Desk:
    Type: AWS::WorkSpaces::Workspace
    Properties:
      DirectoryId: !Ref Directory
      BundleId: wsb-bh8rsxt14
      UserName: alice
"#,
            fixed_example: r#"Resources:
  Desk:
    Type: AWS::WorkSpaces::Workspace
    Properties:
      DirectoryId: !Ref Directory
      BundleId: wsb-bh8rsxt14
      UserName: alice
      RootVolumeEncryptionEnabled: true
      UserVolumeEncryptionEnabled: true
"#,
        }),
    },
};

const FIX: &str = "Encrypt the volumes (rebuilds the WorkSpace)";
const VOLUMES: [(&str, &str, &str); 2] = [
    ("root", "root_volume_encryption_enabled", "RootVolumeEncryptionEnabled"),
    ("user", "user_volume_encryption_enabled", "UserVolumeEncryptionEnabled"),
];

fn message(address: &str, off: &[&str]) -> String {
    let which = if off.len() == 2 { "root and user volumes are".to_string() } else { format!("{} volume is", off[0]) };
    format!("`{address}` has its {which} not encrypted")
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_workspaces_workspace").collect::<Vec<_>>() {
        let file = ctx.file(res);
        let mut off = Vec::new();
        let mut edits = Vec::new();
        let mut at = None;
        for (name, attr, _) in VOLUMES {
            match ctx.attr(res.block, attr) {
                None => {
                    off.push(name);
                    edits.push(edit::set_attribute(file, res.block, attr, "true"));
                }
                Some((a, v)) if v.as_bool() == Some(false) => {
                    off.push(name);
                    at.get_or_insert(a.range);
                    edits.push(Edit { range: a.expr.range, text: "true".into() });
                }
                Some(_) => {}
            }
        }
        if off.is_empty() {
            continue;
        }
        // Two insertions at one place would be written in one edit.
        let edits = merge(edits);
        let finding = ctx.report(res, at.unwrap_or(res.block.header), message(&res.address(), &off));
        finding.fixes.push(Fix::new(FIX, edits));
    }
}

/// Joins insertions at the same offset into one edit.
fn merge(edits: Vec<Edit>) -> Vec<Edit> {
    let mut out: Vec<Edit> = Vec::new();
    for e in edits {
        match out.iter_mut().find(|o| o.range == e.range && o.range.start == o.range.end) {
            Some(o) => o.text.push_str(&e.text),
            None => out.push(e),
        }
    }
    out
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::WorkSpaces::Workspace").collect::<Vec<_>>() {
        if res.properties.is_some_and(|p| p.intrinsic().is_some()) {
            continue;
        }
        let mut off = Vec::new();
        let mut at = None;
        let mut fixes = Vec::new();
        for (name, _, prop) in VOLUMES {
            match ctx.prop(res, prop) {
                None | Some((_, Value::Null)) => {
                    off.push(name);
                    fixes.push(Fix::new(FIX, vec![cfn_edit::set_property(ctx.template, res, prop, &json!(true))]));
                }
                Some((node, v)) if v.as_bool() == Some(false) => {
                    off.push(name);
                    at.get_or_insert(ctx.prop_range(res, prop).unwrap_or(node.range));
                    fixes.push(Fix::new(FIX, vec![cfn_edit::replace_value(ctx.template, node, &json!(true))]));
                }
                Some(_) => {}
            }
        }
        if off.is_empty() {
            continue;
        }
        let range = at.unwrap_or(ctx.header(res));
        // One fix per volume: template edits of one map do not combine.
        ctx.report(res, range, message(res.logical_id, &off)).fixes.extend(fixes.into_iter().take(1));
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines, run};

    #[test]
    fn flags_unencrypted_volumes_once_per_workspace() {
        let tf = r#"resource "aws_workspaces_workspace" "none" {
  user_name = "a"
}
resource "aws_workspaces_workspace" "user_only" {
  root_volume_encryption_enabled = true
}
resource "aws_workspaces_workspace" "off" {
  root_volume_encryption_enabled = false
  user_volume_encryption_enabled = false
}
resource "aws_workspaces_workspace" "on" {
  root_volume_encryption_enabled = true
  user_volume_encryption_enabled = true
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 4, 8]);
        assert_eq!(check_fixes(&RULE, tf), 3);
        let fixed = run(&RULE, tf)[0].fixes[0].apply(tf);
        assert!(
            fixed.contains("root_volume_encryption_enabled = true")
                && fixed.contains("user_volume_encryption_enabled = true"),
            "{fixed}"
        );
        let yaml = "Resources:\n  A:\n    Type: AWS::WorkSpaces::Workspace\n    Properties:\n      UserVolumeEncryptionEnabled: 'true'\n  B:\n    Type: AWS::WorkSpaces::Workspace\n    Properties:\n      UserVolumeEncryptionEnabled: true\n      RootVolumeEncryptionEnabled: true\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
