use crate::cloudformation::check::CfnContext;
use crate::kit::rds;
use crate::kit::setting;
use crate::kit::setting::BoolCheck;
use crate::kit::versions;
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "rds-iam-auth-disabled",
    title: "RDS IAM database authentication is off",
    severity: Severity::Low,
    row: Row::AccessRestriction,
    service: "RDS",
    why: "Without IAM authentication, every application and person connects with long-lived database passwords \
          that get copied into configuration, shared and rarely rotated. IAM authentication issues 15-minute \
          tokens to IAM identities, so access is granted, audited and revoked in one place.",
    aws_side: "AWS verifies IAM tokens at the database endpoint for engines that support it, when the customer \
               turns it on. Managing who can connect, and how, is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_161", "CKV_AWS_162"],
        kics: &["88fd05e0-ac0e-43d2-ba6d-fc0ba60ae1a6"],
        trivy: &["AVD-AWS-0176", "aws-rds-enable-iam-auth"],
    },
    related: Related {
        checkov: &[],
        kics: &["9fcd0a0a-9b6f-4670-a215-d94e6bf3f184"],
        trivy: &[],
        how: "KICS's CloudFormation IAM Database Auth Not Enabled (9fcd0a0a) also fails Aurora cluster members \
              (`aurora-mysql`, `aurora-postgresql` instances), whose IAM authentication the cluster holds; this rule \
              skips them and judges the cluster.",
    },
    matcher: &Custom {
        what: "Flags `aws_db_instance`, `aws_rds_cluster` and rds module calls of an engine that supports IAM \
               database authentication (MySQL, PostgreSQL, Aurora, MariaDB 10.6+) whose \
               `iam_database_authentication_enabled` is `false` or not set (the default is `false`).",
        fix: "Set `iam_database_authentication_enabled = true` and grant `rds-db:connect` to the identities that need \
              a connection.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_db_instance", "aws_rds_cluster"],
            check,
            example: r#"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
}"#,
            fixed_example: r#"resource "aws_db_instance" "db" {
  engine                              = "postgres"
  instance_class                      = "db.t3.micro"
  iam_database_authentication_enabled = true
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
      EnableIAMDatabaseAuthentication: true
"#,
        }),
    },
};

static CHECK: BoolCheck = BoolCheck {
    attr: "iam_database_authentication_enabled",
    secure: true,
    absent_insecure: true,
    absent: "does not set `iam_database_authentication_enabled` (default `false`), so only database passwords can \
             sign in",
    insecure: "turns IAM database authentication off, so only database passwords can sign in",
    fix: "Turn on IAM database authentication",
};

/// Whether the engine (and version) supports IAM database authentication; `None` when unknown.
fn supports_iam_auth(ctx: &TfContext, res: Resource, engine: &str) -> Option<bool> {
    let version = match ctx.attr(res.block, "engine_version") {
        None => None,
        Some((_, Value::String(v))) => Some(v),
        Some(_) => return None,
    };
    Some(match engine {
        "mysql" | "postgres" | "aurora-mysql" | "aurora-postgresql" => true,
        "mariadb" => version.is_none_or(|v| versions::parse(&v).is_some_and(|v| !versions::less(&v, &[10, 6]))),
        // Aurora MySQL 1 (MySQL 5.6 compatible).
        "aurora" => version.is_none_or(|v| v.starts_with("5.6")),
        _ => false,
    })
}

fn check(ctx: &mut TfContext) {
    let mut targets = Vec::new();
    for res in rds::instances(ctx) {
        if !rds::is_aurora_member(ctx, res) {
            targets.push((res, None));
        }
    }
    for res in ctx.resources(rds::CLUSTER).collect::<Vec<_>>() {
        targets.push((res, Some("aurora")));
    }
    for (res, default_engine) in targets {
        let engine = match rds::engine(ctx, res) {
            Value::String(e) => e,
            Value::Null => match default_engine {
                Some(e) => e.to_string(),
                None => continue,
            },
            _ => continue,
        };
        if supports_iam_auth(ctx, res, &engine) == Some(true) {
            setting::check_bool(ctx, res, &CHECK);
        }
    }
}

static CFN_CHECK: setting::CfnBoolCheck = setting::CfnBoolCheck {
    prop: "EnableIAMDatabaseAuthentication",
    secure: true,
    absent_insecure: true,
    absent: "does not set `EnableIAMDatabaseAuthentication` (default `false`), so only database passwords can \
             sign in",
    insecure: "turns IAM database authentication off, so only database passwords can sign in",
    fix: "Turn on IAM database authentication",
};

/// Whether an engine (and version) supports IAM database authentication.
fn engine_supports_iam_auth(engine: &str, version: Option<&str>) -> bool {
    match engine {
        "mysql" | "postgres" | "aurora-mysql" | "aurora-postgresql" => true,
        "mariadb" => version.is_none_or(|v| versions::parse(v).is_some_and(|v| !versions::less(&v, &[10, 6]))),
        "aurora" => version.is_none_or(|v| v.starts_with("5.6")),
        _ => false,
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    let mut targets = Vec::new();
    for res in ctx.resources(rds::CFN_INSTANCE).collect::<Vec<_>>() {
        // Aurora members: the cluster holds the setting.
        if !rds::cfn_is_aurora_member(ctx, res) {
            targets.push(res);
        }
    }
    for res in ctx.resources(rds::CFN_CLUSTER).collect::<Vec<_>>() {
        // The setting is for Aurora clusters.
        if setting::cfn_lower(ctx, res, "Engine").as_str().is_some_and(|e| e.starts_with("aurora")) {
            targets.push(res);
        }
    }
    for res in targets {
        let Value::String(engine) = setting::cfn_lower(ctx, res, "Engine") else { continue };
        let version = match ctx.prop(res, "EngineVersion") {
            None => None,
            Some((_, Value::String(v))) => Some(v),
            Some((_, Value::Number(n))) => Some(n.to_string()),
            Some(_) => continue,
        };
        if engine_supports_iam_auth(&engine, version.as_deref()) {
            setting::check_cfn_bool(ctx, res, &CFN_CHECK);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_compatible_engines_without_iam_auth() {
        let tf = r#"resource "aws_db_instance" "a" {
  engine                              = "mysql"
  engine_version                      = "8.0"
  iam_database_authentication_enabled = false
}
resource "aws_db_instance" "b" {
  engine         = "mariadb"
  engine_version = "10.6.14"
}
module "db" {
  source = "terraform-aws-modules/rds/aws"
  engine = "postgres"
}
resource "aws_rds_cluster" "c" {
  engine = "aurora-postgresql"
}
"#;
        assert_eq!(lines(&RULE, tf), [4, 6, 10, 14]);
        assert_eq!(check_fixes(&RULE, tf), 4);
    }

    #[test]
    fn incompatible_enabled_and_unknown_are_not_flagged() {
        let tf = r#"variable "engine" {}
resource "aws_db_instance" "a" {
  engine                              = "mysql"
  iam_database_authentication_enabled = true
}
resource "aws_db_instance" "old_mariadb" {
  engine         = "mariadb"
  engine_version = "10.2.43"
}
module "aurora1" {
  source         = "terraform-aws-modules/rds/aws"
  engine         = "aurora"
  engine_version = "11.10"
}
resource "aws_db_instance" "oracle" {
  engine = "oracle-ee"
}
resource "aws_db_instance" "v" {
  engine = var.engine
}
resource "aws_db_instance" "member" {
  engine = "aurora-mysql"
}
"#;
        assert!(lines(&RULE, tf).is_empty());
    }

    #[test]
    fn cloudformation_engines_with_iam_auth() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: MySQL\n  B:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora-postgresql\n      EnableIAMDatabaseAuthentication: false\n  C:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: mariadb\n      EngineVersion: 10.2.43\n  D:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: aurora\n      EnableIAMDatabaseAuthentication: false\n  E:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: oracle-ee\n  F:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: !Ref Engine\n  G:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: postgres\n      EnableIAMDatabaseAuthentication: true\nParameters:\n  Engine:\n    Type: String\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 10]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
