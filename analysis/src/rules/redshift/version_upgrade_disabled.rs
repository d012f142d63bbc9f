use super::common::CLUSTER;
use crate::responsibility::Row;
use crate::rules::rds::common::{check_bool, BoolCheck};
use crate::rules::{Equivalents, Rule, Severity};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "redshift-version-upgrade-disabled",
    title: "Redshift cluster blocks automatic version upgrades",
    severity: Severity::Medium,
    row: Row::DatabasePatching,
    service: "Redshift",
    what: "Flags `aws_redshift_cluster` resources with `allow_version_upgrade = false`.",
    why: "Redshift engine upgrades carry security and stability fixes. With upgrades blocked, the cluster keeps \
          running a version with known issues until someone upgrades it by hand.",
    aws_side: "AWS builds the new engine versions and applies them in the maintenance window, but only where the \
               customer allows it. Allowing it is the customer's duty.",
    fix: "Set `allow_version_upgrade = true` (the default) and choose a `preferred_maintenance_window`.",
    example: r#"resource "aws_redshift_cluster" "dw" {
  cluster_identifier    = "dw"
  node_type             = "ra3.xlplus"
  allow_version_upgrade = false
}"#,
    fixed_example: r#"resource "aws_redshift_cluster" "dw" {
  cluster_identifier    = "dw"
  node_type             = "ra3.xlplus"
  allow_version_upgrade = true
}"#,
    equivalents: Equivalents { checkov: &["CKV_AWS_141"], kics: &[], trivy: &[] },
    resource_types: &["aws_redshift_cluster"],
    terraform: Some(check),
    cloudformation: None,
    has_fix: true,
};

static CHECK: BoolCheck = BoolCheck {
    attr: "allow_version_upgrade",
    secure: true,
    absent_insecure: false,
    absent: "",
    insecure: "sets `allow_version_upgrade = false`: AWS will not apply engine upgrades",
    fix: "Allow version upgrades",
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources(CLUSTER).collect::<Vec<_>>() {
        check_bool(ctx, res, &CHECK);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{check_fixes, lines};

    #[test]
    fn flags_blocked_upgrades_only() {
        let tf = r#"variable "up" {}
resource "aws_redshift_cluster" "a" {
  allow_version_upgrade = false
}
resource "aws_redshift_cluster" "b" {
}
resource "aws_redshift_cluster" "c" {
  allow_version_upgrade = var.up
}
"#;
        assert_eq!(lines(&RULE, tf), [3]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }
}
