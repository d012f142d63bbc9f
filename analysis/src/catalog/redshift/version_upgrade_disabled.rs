use crate::cloudformation::check::CfnContext;
use crate::kit::redshift::CLUSTER;
use crate::kit::setting::{check_bool, BoolCheck};
use crate::kit::setting::{check_cfn_bool, CfnBoolCheck};
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "redshift-version-upgrade-disabled",
    title: "Redshift cluster blocks automatic version upgrades",
    severity: Severity::Medium,
    row: Row::DatabasePatching,
    service: "Redshift",
    why: "Redshift engine upgrades carry security and stability fixes. With upgrades blocked, the cluster keeps \
          running a version with known issues until someone upgrades it by hand.",
    aws_side: "AWS builds the new engine versions and applies them in the maintenance window, but only where the \
               customer allows it. Allowing it is the customer's duty.",
    equivalents: Equivalents { checkov: &["CKV_AWS_141"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_redshift_cluster` resources with `allow_version_upgrade = false`.",
        fix: "Set `allow_version_upgrade = true` (the default) and choose a `preferred_maintenance_window`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_redshift_cluster"],
            check,
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
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Redshift::Cluster"],
            check: check_cfn,
            example: r#"Resources:
  Main:
    Type: AWS::Redshift::Cluster
    Properties:
      NodeType: ra3.xlplus
      ClusterType: single-node
      AllowVersionUpgrade: false
"#,
            fixed_example: r#"Resources:
  Main:
    Type: AWS::Redshift::Cluster
    Properties:
      NodeType: ra3.xlplus
      ClusterType: single-node
      AllowVersionUpgrade: true
"#,
        }),
    },
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

static CFN_CHECK: CfnBoolCheck = CfnBoolCheck {
    prop: "AllowVersionUpgrade",
    secure: true,
    absent_insecure: false,
    absent: "",
    insecure: "sets `AllowVersionUpgrade: false`: AWS will not apply engine upgrades",
    fix: "Allow version upgrades",
};

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::Redshift::Cluster").collect::<Vec<_>>() {
        check_cfn_bool(ctx, res, &CFN_CHECK);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

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

    #[test]
    fn cloudformation_blocked_upgrades() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::Redshift::Cluster\n    Properties: {AllowVersionUpgrade: false}\n  B:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      NodeType: dc2.large\n";
        assert_eq!(cfn_lines(&RULE, yaml), [4]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
