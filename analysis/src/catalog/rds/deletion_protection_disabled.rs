use crate::cloudformation::check::CfnContext;
use crate::kit::rds;
use crate::kit::setting;
use crate::kit::setting::BoolCheck;
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "rds-deletion-protection-disabled",
    title: "RDS database can be deleted by a single API call",
    severity: Severity::Medium,
    row: Row::BusinessContinuity,
    service: "RDS",
    why: "Without deletion protection, one `DeleteDBInstance` call, a mistaken `terraform destroy` or a renamed \
          resource removes the database; its automated backups go with it unless a final snapshot is kept.",
    aws_side: "AWS refuses to delete a protected database, but only if the customer turned protection on. \
               Deciding which databases must not disappear is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_293", "CKV_AWS_139"],
        kics: &[],
        trivy: &[
            "AVD-AWS-0177",
            "aws-rds-enable-deletion-protection",
            "AVD-AWS-0343",
            "aws-rds-enable-cluster-deletion-protection",
        ],
    },
    related: Related {
        checkov: &[],
        kics: &["2c161e58-cb52-454f-abea-6470c37b5e6e"],
        trivy: &[],
        how: "KICS's CloudFormation RDS DB Instance With Deletion Protection Disabled (2c161e58) also fails Aurora \
              cluster members, for which AWS ignores the instance's `DeletionProtection` (the cluster holds it); this \
              rule skips them.",
    },
    matcher: &Custom {
        what: "Flags `aws_db_instance`, `aws_rds_cluster` and rds / rds-aurora module calls whose \
               `deletion_protection` is `false` or not set (the default is `false`). Aurora cluster members are \
               skipped: the cluster holds the setting.",
        fix: "Set `deletion_protection = true`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_db_instance", "aws_rds_cluster"],
            check,
            example: r#"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
}"#,
            fixed_example: r#"resource "aws_db_instance" "db" {
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  deletion_protection = true
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
      DBInstanceClass: db.t3.micro
"#,
            fixed_example: r#"Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t3.micro
      DeletionProtection: true
"#,
        }),
    },
};

static CHECK: BoolCheck = BoolCheck {
    attr: "deletion_protection",
    secure: true,
    absent_insecure: true,
    absent: "does not set `deletion_protection` (default `false`), so one API call can delete it",
    insecure: "sets `deletion_protection = false`, so one API call can delete it",
    fix: "Turn on deletion protection",
};

fn check(ctx: &mut TfContext) {
    for res in rds::instances(ctx) {
        if !rds::is_aurora_member(ctx, res) {
            setting::check_bool(ctx, res, &CHECK);
        }
    }
    for res in rds::clusters(ctx) {
        setting::check_bool(ctx, res, &CHECK);
    }
}

static CFN_CHECK: setting::CfnBoolCheck = setting::CfnBoolCheck {
    prop: "DeletionProtection",
    secure: true,
    absent_insecure: true,
    absent: "does not set `DeletionProtection` (default `false`), so one API call can delete it",
    insecure: "sets `DeletionProtection: false`, so one API call can delete it",
    fix: "Turn on deletion protection",
};

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources(rds::CFN_INSTANCE).collect::<Vec<_>>() {
        if !rds::cfn_is_aurora_member(ctx, res) {
            setting::check_cfn_bool(ctx, res, &CFN_CHECK);
        }
    }
    for res in ctx.resources(rds::CFN_CLUSTER).collect::<Vec<_>>() {
        setting::check_cfn_bool(ctx, res, &CFN_CHECK);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_unprotected_databases() {
        let tf = r#"resource "aws_db_instance" "a" {
  engine = "mysql"
}
resource "aws_rds_cluster" "b" {
  deletion_protection = false
}
module "db" {
  source = "terraform-aws-modules/rds/aws"
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 7, 5]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn protected_members_and_unknowns_are_not_flagged() {
        let tf = r#"variable "p" {}
resource "aws_db_instance" "a" {
  deletion_protection = true
}
resource "aws_db_instance" "member" {
  engine = "aurora-mysql"
}
resource "aws_rds_cluster" "v" {
  deletion_protection = var.p
}
"#;
        assert!(lines(&RULE, tf).is_empty());
    }

    #[test]
    fn cloudformation_instances_and_clusters() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: mysql\n  B:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      DeletionProtection: false\n  C:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: aurora-mysql\n      DBClusterIdentifier: !Ref B\n  D:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      DeletionProtection: !Ref Protect\n  E:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      DeletionProtection: true\nParameters:\n  Protect:\n    Type: String\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 9]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
        let json =
            r#"{"Resources": {"A": {"Type": "AWS::RDS::DBCluster", "Properties": {"Engine": "aurora-postgresql"}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [1]);
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
