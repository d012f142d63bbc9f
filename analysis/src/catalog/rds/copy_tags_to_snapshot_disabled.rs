use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::kit::rds;
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};
use crate::terraform::check::{Resource, TfContext};

pub static RULE: Rule = Rule {
    id: "rds-copy-tags-to-snapshot-disabled",
    title: "RDS does not copy its tags to snapshots",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "RDS",
    why: "Tags drive access control (ABAC conditions such as `aws:ResourceTag/data-classification`), cost \
          allocation and backup and retention policies. Snapshots without the database's tags escape those \
          policies: a tag-based deny on sensitive data does not apply to the copy, and orphaned snapshots cannot be \
          traced to an owner.",
    aws_side: "AWS copies the tags when asked; tagging data and its copies consistently is the customer's duty \
               (Security Hub RDS.16 and RDS.17).",
    equivalents: Equivalents { checkov: &["CKV_AWS_313", "CKV2_AWS_60"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_db_instance", "aws_rds_cluster"],
            modules: &[("rds", "copy_tags_to_snapshot", false), ("rds-aurora", "copy_tags_to_snapshot", false)],
            path: "copy_tags_to_snapshot",
            applies: Some(applies),
            example: r#"resource "aws_rds_cluster" "db" {
  engine = "aurora-postgresql"
}"#,
            fixed: r#"resource "aws_rds_cluster" "db" {
  engine = "aurora-postgresql"
  copy_tags_to_snapshot = true
}"#,
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"],
            path: "CopyTagsToSnapshot",
            applies: Some(applies_cfn),
            example: r#"Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
"#,
            fixed: r#"Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      CopyTagsToSnapshot: true
"#,
        }),
        want: Want::Bool(true),
        absent: Some("its snapshots carry none of its tags (the default is `false`)"),
        insecure: "its snapshots carry none of its tags",
        fix_title: "Copy the tags to snapshots",
        ..Setting::DEFAULT
    },
};

/// Aurora members' snapshots are the cluster's; Neptune and DocumentDB engines have their own rules.
fn other_engine(engine: Option<&str>) -> bool {
    engine.is_some_and(|e| e == "neptune" || e == "docdb")
}

fn applies(ctx: &TfContext, res: Resource) -> bool {
    let engine = rds::engine(ctx, res);
    (rds::is_cluster(res) || !rds::is_aurora_member(ctx, res)) && !other_engine(engine.as_str())
}

fn applies_cfn(ctx: &CfnContext, res: CfnResource) -> bool {
    let engine = rds::cfn_engine(ctx, res);
    (res.ty == rds::CFN_CLUSTER || !rds::cfn_is_aurora_member(ctx, res)) && !other_engine(engine.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_databases_that_do_not_copy_tags() {
        let tf = r#"variable "copy" {}
resource "aws_db_instance" "absent" {
  engine = "mysql"
}
resource "aws_rds_cluster" "off" {
  copy_tags_to_snapshot = false
}
module "db" {
  source                = "terraform-aws-modules/rds/aws"
  copy_tags_to_snapshot = false
}
module "default" {
  source = "terraform-aws-modules/rds/aws"
}
resource "aws_db_instance" "member" {
  engine = "aurora-mysql"
}
resource "aws_rds_cluster" "neptune" {
  engine = "neptune"
}
resource "aws_db_instance" "on" {
  copy_tags_to_snapshot = true
}
resource "aws_db_instance" "unknown" {
  copy_tags_to_snapshot = var.copy
}
"#;
        // The rds module copies tags by default.
        assert_eq!(lines(&RULE, tf), [2, 6, 10]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn cloudformation_copy_tags() {
        let yaml = "Resources:\n  A:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      CopyTagsToSnapshot: false\n  B:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      DBClusterIdentifier: !Ref A\n  C:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      CopyTagsToSnapshot: true\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
