use crate::fix::Fix;
use crate::kit::rds;
use crate::responsibility::Row;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use crate::terraform::model::ExprKind;

pub static RULE: Rule = Rule {
    id: "rds-cluster-not-in-backup-plan",
    title: "RDS cluster is not selected by any AWS Backup plan",
    severity: Severity::Low,
    row: Row::BusinessContinuity,
    service: "RDS",
    why: "Automated backups die with the cluster and stay in its account and Region. A Backup plan adds recovery \
          points that are retained on a schedule, can be copied to another account or Region, and can be locked \
          against deletion.",
    aws_side: "AWS Backup takes and keeps the recovery points of the resources a plan selects; selecting the \
               databases that matter is the customer's duty.",
    equivalents: Equivalents { checkov: &["CKV2_AWS_8"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_rds_cluster` whose ARN no `aws_backup_selection` of the module lists in `resources`. \
               Nothing is flagged when some selection chooses by tag (`selection_tag`, `condition`), by wildcard \
               or by a list that is not known, since it may select the cluster.",
        fix: "Add the cluster's ARN to an `aws_backup_selection` of a Backup plan, or tag it for a tag-based \
              selection.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &[rds::CLUSTER],
            check,
            example: r#"resource "aws_rds_cluster" "db" {
  engine = "aurora-postgresql"
}"#,
            fixed_example: r#"resource "aws_rds_cluster" "db" {
  engine = "aurora-postgresql"
}

resource "aws_backup_selection" "db" {
  name         = "db"
  plan_id      = aws_backup_plan.main.id
  iam_role_arn = aws_iam_role.backup.arn
  resources    = [aws_rds_cluster.db.arn]
}"#,
        }),
        cloudformation: None,
    },
};

/// Whether a selection may choose resources the code does not name: by tag, by wildcard, or through a list that
/// is not known.
fn open_ended(ctx: &TfContext, selection: Resource) -> bool {
    let config = selection.config();
    if !ctx.nested(config, "selection_tag").is_empty() || !ctx.nested(config, "condition").is_empty() {
        return true;
    }
    match selection.block.attr("resources") {
        None => false,
        Some(a) => match &a.expr.kind {
            ExprKind::Tuple(items) => items.iter().any(|i| match ctx.eval(i).as_str() {
                Some(s) => s.contains('*'),
                None => !matches!(i.kind, ExprKind::Traversal(..)),
            }),
            _ => true,
        },
    }
}

fn check(ctx: &mut TfContext) {
    let selections: Vec<Resource> = ctx.all_resources("aws_backup_selection").collect();
    if selections.iter().any(|s| open_ended(ctx, *s)) {
        return;
    }
    for res in ctx.resources(rds::CLUSTER).collect::<Vec<_>>() {
        let selected = selections.iter().any(|s| {
            s.block.attr("resources").is_some_and(|a| match &a.expr.kind {
                ExprKind::Tuple(items) => items.iter().any(|i| ctx.refers_to(i, res, &[])),
                _ => false,
            })
        });
        if selected {
            continue;
        }
        let address = res.address();
        let selection = format!(
            "resource \"aws_backup_selection\" \"{}\" {{\n  name         = \"{}\"\n  plan_id      = \"<backup-plan-id>\"\n  iam_role_arn = \"<backup-role-arn>\"\n  resources    = [{address}.arn]\n}}",
            res.name(),
            res.name()
        );
        let fix = Fix::unsafe_(
            "Select the cluster in a Backup plan (placeholders to replace)",
            vec![edit::insert_after(ctx.file(res), res.block, &selection)],
        );
        let message = format!("`{address}` is selected by no `aws_backup_selection`: its only backups die with it");
        ctx.report_with_fix(res, res.block.header, message, fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_clusters_no_plan_selects() {
        let tf = r#"resource "aws_rds_cluster" "selected" {
  engine = "aurora-mysql"
}
resource "aws_rds_cluster" "forgotten" {
  engine = "aurora-mysql"
}
resource "aws_backup_selection" "db" {
  name         = "db"
  plan_id      = aws_backup_plan.main.id
  iam_role_arn = aws_iam_role.backup.arn
  resources    = [aws_rds_cluster.selected.arn]
}
"#;
        assert_eq!(lines(&RULE, tf), [4]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }

    #[test]
    fn tag_and_wildcard_selections_may_select_anything() {
        let by_tag = r#"resource "aws_rds_cluster" "db" {
  engine = "aurora-mysql"
}
resource "aws_backup_selection" "tagged" {
  selection_tag {
    type  = "STRINGEQUALS"
    key   = "backup"
    value = "daily"
  }
}
"#;
        assert!(lines(&RULE, by_tag).is_empty());
        let wildcard = "resource \"aws_rds_cluster\" \"db\" {\n  engine = \"aurora-mysql\"\n}\nresource \"aws_backup_selection\" \"all\" {\n  resources = [\"arn:aws:rds:*:*:cluster:*\"]\n}\n";
        assert!(lines(&RULE, wildcard).is_empty());
        let unknown = "resource \"aws_rds_cluster\" \"db\" {\n  engine = \"aurora-mysql\"\n}\nresource \"aws_backup_selection\" \"listed\" {\n  resources = var.arns\n}\n";
        assert!(lines(&RULE, unknown).is_empty());
    }
}
