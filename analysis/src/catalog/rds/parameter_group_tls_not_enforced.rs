use crate::cloudformation::check::CfnContext;
use crate::kit::lifecycle::version_parts;
use crate::kit::parameter_group::{self, ParamCheck};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "rds-parameter-group-tls-not-enforced",
    title: "RDS parameter group does not force TLS connections",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "RDS",
    why: "Without `rds.force_ssl` or `require_secure_transport` the engine accepts plaintext connections, and most \
          drivers fall back to plaintext silently when TLS is not demanded. Credentials and query results then \
          cross the VPC, peering links and VPNs in the clear, readable by anyone who can mirror or intercept the \
          traffic.",
    aws_side: "AWS provides the server certificates and TLS support in every engine; requiring TLS from clients is a \
               parameter the customer sets.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV2_AWS_69"],
        kics: &[],
        trivy: &[],
        how: "Checkov judges each DB instance through the parameter group it uses (an instance on a default group \
              passes) and ignores PostgreSQL 15's TLS default; this rule judges the parameter groups themselves.",
    },
    matcher: &Custom {
        what: "Flags `aws_db_parameter_group` and `aws_rds_cluster_parameter_group` that do not require TLS for \
               their family: PostgreSQL (and Aurora PostgreSQL) below 15 without `rds.force_ssl = 1`, any \
               PostgreSQL with `rds.force_ssl = 0`, SQL Server without `rds.force_ssl = 1`, MySQL 5.7+, MariaDB \
               10.5+ and Aurora MySQL without `require_secure_transport` on, Db2 without `db2comm = SSL`; in \
               CloudFormation, `AWS::RDS::DBParameterGroup` and `AWS::RDS::DBClusterParameterGroup` likewise \
               with `Family` and `Parameters`. Other families and unknown values are not judged.",
        fix: "Set the family's parameter: `rds.force_ssl = 1` (PostgreSQL, SQL Server), `require_secure_transport \
              = 1` (MySQL, MariaDB, Aurora MySQL) or `db2comm = SSL` (Db2).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_db_parameter_group", "aws_rds_cluster_parameter_group"],
            check,
            example: r#"resource "aws_db_parameter_group" "db" {
  family = "mysql8.0"
}"#,
            fixed_example: r#"resource "aws_db_parameter_group" "db" {
  family = "mysql8.0"
  parameter {
    name  = "require_secure_transport"
    value = "1"
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::RDS::DBParameterGroup", "AWS::RDS::DBClusterParameterGroup"],
            check: check_cfn,
            example: r#"Resources:
  Params:
    Type: AWS::RDS::DBParameterGroup
    Properties:
      Family: postgres14
      Description: database
      Parameters:
        rds.force_ssl: 0
"#,
            fixed_example: r#"Resources:
  Params:
    Type: AWS::RDS::DBParameterGroup
    Properties:
      Family: postgres14
      Description: database
      Parameters:
        rds.force_ssl: '1'
"#,
        }),
    },
};

fn on(v: &str) -> bool {
    matches!(v.trim(), "1" | "on" | "true")
}

/// The check a family calls for; `None` when the family has none (or is not known).
fn for_family(family: &str) -> Option<ParamCheck<'static>> {
    let family = family.to_ascii_lowercase();
    let version = |prefix: &str| version_parts(family.strip_prefix(prefix).unwrap_or(""));
    let plaintext = "the engine accepts plaintext connections, and most drivers then fall back to plaintext silently";
    let force_ssl = |absent| ParamCheck {
        name: "rds.force_ssl",
        secure: on,
        absent,
        insecure: plaintext,
        fix_value: "1",
        fix_title: "Require TLS (`rds.force_ssl = 1`)",
    };
    let postgres = family.strip_prefix("aurora-").unwrap_or(&family).starts_with("postgres");
    if postgres {
        let major = version(if family.starts_with("aurora-") { "aurora-postgresql" } else { "postgres" });
        let major = *major.first()?;
        // PostgreSQL 15 requires TLS by default.
        return Some(force_ssl(
            (major < 15).then_some("before PostgreSQL 15 the engine accepts plaintext connections"),
        ));
    }
    if family.starts_with("sqlserver") {
        return Some(force_ssl(Some("SQL Server accepts plaintext connections by default")));
    }
    let secure_transport = || ParamCheck {
        name: "require_secure_transport",
        secure: on,
        absent: Some("the engine accepts plaintext connections by default"),
        insecure: plaintext,
        fix_value: "1",
        fix_title: "Require TLS (`require_secure_transport = 1`)",
    };
    if family.starts_with("aurora-mysql") {
        return Some(secure_transport());
    }
    if family.starts_with("mysql") {
        let v = version("mysql");
        return (v >= vec![5, 7]).then(secure_transport);
    }
    if family.starts_with("mariadb") {
        let v = version("mariadb");
        return (v >= vec![10, 5]).then(secure_transport);
    }
    if family.starts_with("db2") {
        return Some(ParamCheck {
            name: "db2comm",
            secure: |v| v.trim() == "ssl",
            absent: Some("Db2 accepts plaintext connections unless `db2comm` is `SSL`"),
            insecure: "Db2 accepts plaintext connections unless `db2comm` is `SSL`",
            fix_value: "SSL",
            fix_title: "Require TLS (`db2comm = SSL`)",
        });
    }
    None
}

fn check(ctx: &mut TfContext) {
    let mut groups: Vec<_> = ctx.resources("aws_db_parameter_group").collect();
    groups.extend(ctx.resources("aws_rds_cluster_parameter_group"));
    for res in groups {
        let Some((_, Value::String(family))) = ctx.attr(res.block, "family") else { continue };
        if let Some(c) = for_family(&family) {
            parameter_group::check_tf(ctx, res, &c);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    let mut groups: Vec<_> = ctx.resources("AWS::RDS::DBParameterGroup").collect();
    groups.extend(ctx.resources("AWS::RDS::DBClusterParameterGroup"));
    for res in groups {
        let Some((_, Value::String(family))) = ctx.prop(res, "Family") else { continue };
        if let Some(c) = for_family(&family) {
            parameter_group::check_cfn_map(ctx, res, &c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_groups_that_accept_plaintext() {
        let tf = r#"variable "family" {}
resource "aws_db_parameter_group" "pg14" {
  family = "postgres14"
}
resource "aws_db_parameter_group" "pg16_off" {
  family = "postgres16"
  parameter {
    name  = "rds.force_ssl"
    value = "0"
  }
}
resource "aws_rds_cluster_parameter_group" "aurora_mysql" {
  family = "aurora-mysql8.0"
  parameter {
    name  = "require_secure_transport"
    value = "OFF"
  }
}
resource "aws_db_parameter_group" "sqlserver" {
  family = "sqlserver-se-15.0"
}
resource "aws_db_parameter_group" "pg16" {
  family = "postgres16"
}
resource "aws_db_parameter_group" "mysql_on" {
  family = "mysql8.0"
  parameter {
    name  = "require_secure_transport"
    value = "ON"
  }
}
resource "aws_db_parameter_group" "old_mariadb" {
  family = "mariadb10.4"
}
resource "aws_db_parameter_group" "oracle" {
  family = "oracle-ee-19"
}
resource "aws_db_parameter_group" "unknown" {
  family = var.family
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 9, 19, 16]);
        assert_eq!(check_fixes(&RULE, tf), 4);
    }

    #[test]
    fn cloudformation_tls_parameters() {
        let yaml = "Resources:\n  A:\n    Type: AWS::RDS::DBClusterParameterGroup\n    Properties:\n      Family: aurora-postgresql13\n      Parameters:\n        timezone: UTC\n  B:\n    Type: AWS::RDS::DBParameterGroup\n    Properties:\n      Family: mysql8.0\n      Parameters:\n        require_secure_transport: '1'\n  C:\n    Type: AWS::RDS::DBParameterGroup\n    Properties:\n      Family: db2-se-11.5\n";
        assert_eq!(cfn_lines(&RULE, yaml), [14, 2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
