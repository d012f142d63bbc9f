use crate::cloudformation::check::CfnContext;
use crate::kit::rds;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::{format_number, Value};

pub static RULE: Rule = Rule {
    id: "rds-default-port",
    title: "RDS database listens on its engine's default port",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "RDS",
    why: "Automated scanners sweep the internet and networks next to a VPC for 3306, 5432, 1433 and 1521 and try \
          default or leaked credentials against whatever answers. A non-default port does not replace network \
          controls, but it takes the database out of the cheapest, most common sweeps and makes a probe stand out \
          in flow logs. AWS Security Hub control RDS.23 flags default engine ports.",
    aws_side: "AWS opens the database on whatever port the customer chooses; picking the port and restricting who \
               can reach it (security groups) is the customer's duty.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["bca7cc4d-b3a4-4345-9461-eb69c68fcd26", "1fe9d958-ddce-4228-a124-05265a959a8b"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_db_instance`, `aws_rds_cluster` and rds / rds-aurora module calls whose `port` is the \
               engine's default (MySQL, MariaDB and Aurora MySQL 3306, PostgreSQL 5432, Oracle 1521, SQL Server \
               1433, Db2 50000), or not set while the engine is known (a cluster without an engine is Aurora MySQL); \
               in CloudFormation, `AWS::RDS::DBInstance` and `AWS::RDS::DBCluster` likewise with `Port`. Aurora \
               members (the cluster's port applies) and unknown engines are skipped.",
        fix: "Set `port` to a port other than the engine's default, and update the clients and security group rules \
              that use it.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_db_instance", "aws_rds_cluster"],
            check,
            example: r#"resource "aws_db_instance" "db" {
  engine = "postgres"
  port   = 5432
}"#,
            fixed_example: r#"resource "aws_db_instance" "db" {
  engine = "postgres"
  port   = 6432
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"],
            check: check_cfn,
            example: r#"Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: mysql
      Port: '3306'
"#,
            fixed_example: r#"Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: mysql
      Port: '3406'
"#,
        }),
    },
};

fn why(port: f64, engine: &str) -> String {
    format!("{}, the default port of {engine}, which scanners probe first", format_number(port))
}

fn check(ctx: &mut TfContext) {
    let mut targets = rds::instances(ctx);
    targets.extend(rds::clusters(ctx));
    for res in targets {
        let cluster = rds::is_cluster(res);
        if !cluster && rds::is_aurora_member(ctx, res) {
            continue;
        }
        let engine = match rds::engine(ctx, res) {
            Value::String(e) => e,
            Value::Null if cluster => "aurora".to_string(),
            _ => continue,
        };
        let Some(default) = rds::default_port(&engine) else { continue };
        let address = res.address();
        match ctx.attr(res.block, "port") {
            None => {
                let message = format!("`{address}` does not set `port`, so it listens on {}", why(default, &engine));
                ctx.report(res, res.block.header, message);
            }
            Some((attr, v)) if v.as_f64() == Some(default) => {
                ctx.report(res, attr.range, format!("`{address}` listens on {}", why(default, &engine)));
            }
            Some(_) => {}
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    let mut targets: Vec<_> = ctx.resources(rds::CFN_INSTANCE).collect();
    targets.extend(ctx.resources(rds::CFN_CLUSTER));
    for res in targets {
        let cluster = res.ty == rds::CFN_CLUSTER;
        if !cluster && rds::cfn_is_aurora_member(ctx, res) {
            continue;
        }
        let Value::String(engine) = rds::cfn_engine(ctx, res) else { continue };
        let Some(default) = rds::default_port(&engine) else { continue };
        let id = res.logical_id;
        match ctx.prop(res, "Port") {
            None | Some((_, Value::Null)) => {
                let range = ctx.header(res);
                ctx.report(
                    res,
                    range,
                    format!("`{id}` does not set `Port`, so it listens on {}", why(default, &engine)),
                );
            }
            Some((node, v)) if v.as_f64() == Some(default) => {
                let range = ctx.prop_range(res, "Port").unwrap_or(node.range);
                ctx.report(res, range, format!("`{id}` listens on {}", why(default, &engine)));
            }
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_default_ports() {
        // KICS: mysql 3306, postgres 5432, oracle-ee 1521, sqlserver-ee 1433 fail; one port higher passes.
        let tf = r#"variable "engine" {}
resource "aws_db_instance" "mysql" {
  engine = "mysql"
  port   = 3306
}
resource "aws_db_instance" "oracle" {
  engine = "oracle-ee"
  port   = "1521"
}
resource "aws_db_instance" "sqlserver" {
  engine = "sqlserver-ee"
}
resource "aws_rds_cluster" "aurora" {
  cluster_identifier = "a"
}
resource "aws_db_instance" "moved" {
  engine = "postgres"
  port   = 5433
}
resource "aws_db_instance" "member" {
  engine = "aurora-postgresql"
}
resource "aws_db_instance" "replica" {
  replicate_source_db = aws_db_instance.mysql.identifier
}
resource "aws_db_instance" "unknown" {
  engine = var.engine
}
resource "aws_db_instance" "unknown_port" {
  engine = "mysql"
  port   = var.port
}
"#;
        assert_eq!(lines(&RULE, tf), [4, 8, 10, 13]);
    }

    #[test]
    fn cloudformation_default_ports() {
        let yaml = "Resources:\n  A:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: oracle-ee\n      Port: 1521\n  B:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora-postgresql\n  C:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: mysql\n      Port: '3307'\n  D:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: aurora-postgresql\n      DBClusterIdentifier: !Ref B\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6, 7]);
    }
}
