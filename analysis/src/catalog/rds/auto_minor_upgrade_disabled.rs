use crate::cloudformation::check::CfnContext;
use crate::kit::rds::{self, CLUSTER_INSTANCE};
use crate::kit::setting;
use crate::kit::setting::BoolCheck;
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "rds-auto-minor-upgrade-disabled",
    title: "RDS does not let AWS apply minor engine upgrades",
    severity: Severity::Medium,
    row: Row::DatabasePatching,
    service: "RDS",
    why: "Minor engine versions carry security fixes. With automatic minor upgrades off, the database keeps \
          running a version with known vulnerabilities until someone upgrades it by hand, which in practice \
          means months.",
    aws_side: "AWS builds, tests and rolls out the engine's minor versions, and applies them in the maintenance \
               window, but only where the customer allows it. Allowing it (or patching by hand) is the \
               customer's duty.",
    equivalents: Equivalents { checkov: &[], kics: &[], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_226"],
        kics: &["f0104061-8bfc-4b45-8a7d-630eb502f281", "3b6d777b-76e3-4133-80a3-0d6f667ade7f"],
        trivy: &[],
        how: "Checkov's CKV_AWS_226 and KICS's CloudFormation Automatic Minor Upgrades Disabled (f0104061) also fail \
              an instance that leaves `auto_minor_version_upgrade` (`AutoMinorVersionUpgrade`) out, whose default is \
              true (RDS applies minor upgrades unless told not to); this rule flags only an explicit `false`. KICS's \
              Terraform Automatic Minor Upgrades Disabled (3b6d777b) also fails RDS Custom instances set to `false`, \
              which AWS requires, and reads `aws_db_instance` only.",
    },
    matcher: &Custom {
        what: "Flags `aws_db_instance`, `aws_rds_cluster_instance`, `aws_rds_cluster` and rds / rds-aurora module \
               calls with `auto_minor_version_upgrade = false`, except RDS Custom instances (`custom-...` engines), which AWS \
               requires to keep it off.",
        fix: "Set `auto_minor_version_upgrade = true` and choose a `maintenance_window` that suits the workload.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_db_instance", "aws_rds_cluster_instance", "aws_rds_cluster"],
            check,
            example: r#"resource "aws_db_instance" "db" {
  engine                     = "postgres"
  instance_class             = "db.t3.micro"
  auto_minor_version_upgrade = false
}"#,
            fixed_example: r#"resource "aws_db_instance" "db" {
  engine                     = "postgres"
  instance_class             = "db.t3.micro"
  auto_minor_version_upgrade = true
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"],
            check: check_cfn,
            example: r#"Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      AutoMinorVersionUpgrade: false
"#,
            fixed_example: r#"Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      AutoMinorVersionUpgrade: true
"#,
        }),
    },
};

static CHECK: BoolCheck = BoolCheck {
    attr: "auto_minor_version_upgrade",
    secure: true,
    absent_insecure: false,
    absent: "",
    insecure: "sets `auto_minor_version_upgrade = false`: AWS will not apply minor engine patches",
    fix: "Allow automatic minor upgrades",
};

fn check(ctx: &mut TfContext) {
    let mut targets = rds::instances(ctx);
    targets.extend(rds::clusters(ctx));
    targets.extend(ctx.resources(CLUSTER_INSTANCE));
    for res in targets {
        // RDS Custom requires automatic minor upgrades off: its customer patches the host's engine.
        if rds::is_custom(ctx, res) {
            continue;
        }
        setting::check_bool(ctx, res, &CHECK);
    }
}

static CFN_CHECK: setting::CfnBoolCheck = setting::CfnBoolCheck {
    prop: "AutoMinorVersionUpgrade",
    secure: true,
    absent_insecure: false,
    absent: "",
    insecure: "sets `AutoMinorVersionUpgrade: false`: AWS will not apply minor engine patches",
    fix: "Allow automatic minor upgrades",
};

fn check_cfn(ctx: &mut CfnContext) {
    for ty in [rds::CFN_INSTANCE, rds::CFN_CLUSTER] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            if rds::cfn_is_custom(ctx, res) {
                continue;
            }
            setting::check_cfn_bool(ctx, res, &CFN_CHECK);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_disabled_minor_upgrades() {
        let tf = r#"resource "aws_db_instance" "a" {
  auto_minor_version_upgrade = false
}
module "db" {
  source                     = "terraform-aws-modules/rds/aws"
  auto_minor_version_upgrade = false
}
resource "aws_rds_cluster_instance" "b" {
  auto_minor_version_upgrade = false
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 6, 9]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn enabled_default_and_unknown_are_not_flagged() {
        let tf = r#"variable "up" {}
resource "aws_db_instance" "a" {
  auto_minor_version_upgrade = true
}
resource "aws_db_instance" "b" {
}
resource "aws_db_instance" "c" {
  auto_minor_version_upgrade = var.up
}
resource "aws_db_instance" "custom" {
  engine                     = "custom-oracle-ee"
  auto_minor_version_upgrade = false
}
"#;
        assert!(lines(&RULE, tf).is_empty());
    }

    #[test]
    fn cloudformation_blocked_upgrades_only() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      AutoMinorVersionUpgrade: false\n  B:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: mysql\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
        // Left out, RDS applies minor upgrades (KICS's query fails it); RDS Custom must keep them off; a parameter
        // without a default is not known.
        let json = r#"{
  "Parameters": {"Up": {"Type": "String"}, "Upgrades": {"Type": "String", "Default": "false"}},
  "Resources": {
    "Off": {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "mysql", "AutoMinorVersionUpgrade": "false"}},
    "ByDefault": {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "mysql", "AutoMinorVersionUpgrade": {"Ref": "Upgrades"}}},
    "Missing": {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "mysql"}},
    "Custom": {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "custom-sqlserver-se", "AutoMinorVersionUpgrade": false}},
    "Unknown": {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "mysql", "AutoMinorVersionUpgrade": {"Ref": "Up"}}}
  }
}
"#;
        assert_eq!(cfn_lines(&RULE, json), [4, 5]);
        assert_eq!(check_cfn_fixes(&RULE, json), 2);
    }
}
