use crate::fix::{Edit, Fix};
use crate::responsibility::Row;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::model::ExprKind;

pub static RULE: Rule = Rule {
    id: "rds-snapshot-public",
    title: "RDS snapshot is shared with everyone",
    severity: Severity::Critical,
    row: Row::DataSharing,
    service: "RDS",
    why: "A snapshot shared with `all` can be copied and restored by any AWS account in the world, which gives the \
          copier the whole database, password hashes and every row included, without any network path to the \
          original. Public snapshots are a recurring source of large data leaks.",
    aws_side: "AWS enforces the snapshot's sharing attribute; deciding not to make a snapshot public is the \
               customer's duty (Security Hub RDS.1). Encrypted snapshots cannot be made public, unencrypted ones can.",
    equivalents: Equivalents { checkov: &["CKV_AWS_302"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_db_snapshot` and `aws_db_cluster_snapshot` whose `shared_accounts` include `all`.",
        fix: "Share the snapshot with the account ids that need it, never with `all`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_db_snapshot", "aws_db_cluster_snapshot"],
            check,
            example: r#"resource "aws_db_snapshot" "before_migration" {
  db_instance_identifier = aws_db_instance.db.identifier
  db_snapshot_identifier = "before-migration"
  shared_accounts        = ["all"]
}"#,
            fixed_example: r#"resource "aws_db_snapshot" "before_migration" {
  db_instance_identifier = aws_db_instance.db.identifier
  db_snapshot_identifier = "before-migration"
  shared_accounts        = []
}"#,
        }),
        cloudformation: None,
    },
};

fn check(ctx: &mut TfContext) {
    let mut targets: Vec<_> = ctx.resources("aws_db_snapshot").collect();
    targets.extend(ctx.resources("aws_db_cluster_snapshot"));
    for res in targets {
        let Some((attr, value)) = ctx.attr(res.block, "shared_accounts") else { continue };
        let public = value.one_or_many().iter().any(|v| v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("all")));
        if !public {
            continue;
        }
        let message = format!("`{}` shares the snapshot with `all`: any AWS account can restore it", res.address());
        // The list without "all", when it is written as a list of literals.
        let fix = match &attr.expr.kind {
            ExprKind::Tuple(items) => {
                let source = &ctx.file(res).source;
                let kept: Vec<&str> = items
                    .iter()
                    .filter(|i| !ctx.eval(i).as_str().is_some_and(|s| s.eq_ignore_ascii_case("all")))
                    .filter_map(|i| source.get(i.range.start..i.range.end))
                    .collect();
                let text = format!("[{}]", kept.join(", "));
                Some(Fix::new("Stop sharing with everyone", vec![Edit { range: attr.expr.range, text }]))
            }
            _ => None,
        };
        ctx.report(res, attr.range, message).fixes.extend(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_snapshots_shared_with_all() {
        let tf = r#"variable "accounts" {}
resource "aws_db_snapshot" "public" {
  shared_accounts = ["123456789012", "all"]
}
resource "aws_db_cluster_snapshot" "cluster" {
  shared_accounts = ["ALL"]
}
resource "aws_db_snapshot" "private" {
  shared_accounts = ["123456789012"]
}
resource "aws_db_snapshot" "unshared" {
  db_snapshot_identifier = "s"
}
resource "aws_db_snapshot" "unknown" {
  shared_accounts = var.accounts
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 6]);
        assert_eq!(check_fixes(&RULE, tf), 2);
        let fixed = run(&RULE, tf)[0].fixes[0].apply(tf);
        assert!(fixed.contains("shared_accounts = [\"123456789012\"]\n"), "{fixed}");
    }

    use crate::kit::testing::run;
}
