use crate::cloudformation::check::CfnContext;
use crate::kit::{kms_key, rds};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};

pub static RULE: Rule = Rule {
    id: "rds-performance-insights-not-encrypted-cmk",
    title: "RDS Performance Insights data is not encrypted with a customer-managed KMS key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "RDS",
    why: "Performance Insights stores samples of the SQL text the database runs, which routinely contains personal \
          data and secrets passed as literals. Encrypted only with `aws/rds`, that data is readable by anyone with \
          broad RDS permissions in the account, under a key policy the customer cannot restrict.",
    aws_side: "AWS collects, stores and encrypts the Performance Insights data; choosing a key whose policy limits \
               who can read it is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_354"],
        kics: &[],
        trivy: &["AVD-AWS-0078", "aws-rds-performance-insights-encryption-customer-key"],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_db_instance`, `aws_rds_cluster_instance`, `aws_rds_cluster` and rds / rds-aurora module \
               calls with `performance_insights_enabled = true` and no `performance_insights_kms_key_id` (or an \
               empty or AWS-managed one); in CloudFormation, `AWS::RDS::DBInstance` with \
               `EnablePerformanceInsights: true` and no `PerformanceInsightsKMSKeyId`, and `AWS::RDS::DBCluster` \
               with `PerformanceInsightsEnabled: true` and no `PerformanceInsightsKmsKeyId`.",
        fix: "Set `performance_insights_kms_key_id` to a customer-managed KMS key when turning Performance Insights \
              on (the key cannot change afterwards).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_db_instance", "aws_rds_cluster_instance", "aws_rds_cluster"],
            check,
            example: r#"resource "aws_db_instance" "db" {
  engine                       = "postgres"
  performance_insights_enabled = true
}"#,
            fixed_example: r#"resource "aws_db_instance" "db" {
  engine                          = "postgres"
  performance_insights_enabled    = true
  performance_insights_kms_key_id = aws_kms_key.db.arn
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
      EnablePerformanceInsights: true
"#,
            fixed_example: r#"Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      EnablePerformanceInsights: true
      PerformanceInsightsKMSKeyId: !Ref DbKey
"#,
        }),
    },
};

const ABSENT: &str =
    "its Performance Insights data (samples of the SQL it runs) is encrypted with the AWS-managed `aws/rds` key";

fn check(ctx: &mut TfContext) {
    let mut targets: Vec<Resource> = rds::instances(ctx);
    targets.extend(rds::clusters(ctx));
    targets.extend(ctx.resources(rds::CLUSTER_INSTANCE));
    for res in targets {
        let on = ctx.attr(res.block, "performance_insights_enabled").is_some_and(|(_, v)| v.as_bool() == Some(true));
        if on {
            kms_key::check_cmk_tf(ctx, res, "performance_insights_kms_key_id", ABSENT);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for (ty, enabled, key) in [
        (rds::CFN_INSTANCE, "EnablePerformanceInsights", "PerformanceInsightsKMSKeyId"),
        (rds::CFN_CLUSTER, "PerformanceInsightsEnabled", "PerformanceInsightsKmsKeyId"),
    ] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            if ctx.prop(res, enabled).is_some_and(|(_, v)| v.as_bool() == Some(true)) {
                kms_key::check_cmk_cfn(ctx, res, key, ABSENT);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_performance_insights_without_a_customer_key() {
        let tf = r#"variable "key" {}
resource "aws_db_instance" "default_key" {
  performance_insights_enabled = true
}
resource "aws_rds_cluster_instance" "empty" {
  performance_insights_enabled    = true
  performance_insights_kms_key_id = ""
}
resource "aws_rds_cluster" "cluster" {
  performance_insights_enabled = true
}
resource "aws_db_instance" "off" {
  engine = "mysql"
}
resource "aws_db_instance" "cmk" {
  performance_insights_enabled    = true
  performance_insights_kms_key_id = var.key
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 9, 7]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn cloudformation_performance_insights() {
        let yaml = "Resources:\n  A:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      EnablePerformanceInsights: true\n  B:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      PerformanceInsightsEnabled: true\n  C:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      PerformanceInsightsEnabled: true\n      PerformanceInsightsKmsKeyId: !Ref Key\n  D:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      EnablePerformanceInsights: false\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 6]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
