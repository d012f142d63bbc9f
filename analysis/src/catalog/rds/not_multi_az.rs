use crate::cloudformation::check::CfnContext;
use crate::kit::rds;
use crate::kit::setting;
use crate::kit::setting::BoolCheck;
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "rds-not-multi-az",
    title: "RDS instance runs in a single Availability Zone",
    severity: Severity::Medium,
    row: Row::BusinessContinuity,
    service: "RDS",
    why: "A single-AZ instance goes down with its Availability Zone or its host, and stays down until AWS \
          repairs it or you restore a backup. Multi-AZ keeps a synchronous standby in another zone and fails \
          over to it automatically, in a minute or two.",
    aws_side: "AWS runs the standby and performs the failover, for instances where the customer asked for \
               Multi-AZ. Choosing the availability the workload needs is the customer's duty.",
    equivalents: Equivalents { checkov: &["CKV_AWS_157"], kics: &[], trivy: &[] },
    related: Related {
        checkov: &[],
        kics: &["2b1d4935-9acf-48a7-8466-10d18bf51a69"],
        trivy: &[],
        how: "KICS's CloudFormation RDS Multi-AZ Deployment Disabled (2b1d4935) fails every `AWS::RDS::DBInstance` \
              without `MultiAZ: true`, whatever its engine: Aurora members too (`MultiAZ` does not apply to them, \
              their cluster's storage spans three zones and its replicas are the failover targets), SQL Server \
              Express and Web (which have no Multi-AZ), and instances whose engine is not known; this rule skips \
              those.",
    },
    matcher: &Custom {
        what: "Flags `aws_db_instance` and rds module calls whose `multi_az` is `false` or not set (the default is \
               `false`). Read replicas are judged with their source's engine when the source \
               is in the code; Aurora members and engines without Multi-AZ (SQL Server Express and Web) are skipped.",
        fix: "Set `multi_az = true` for production databases.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_db_instance"],
            check,
            example: r#"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
}"#,
            fixed_example: r#"resource "aws_db_instance" "db" {
  engine         = "postgres"
  instance_class = "db.t3.micro"
  multi_az       = true
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::RDS::DBInstance"],
            check: check_cfn,
            example: r#"Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.m7g.large
"#,
            fixed_example: r#"Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.m7g.large
      MultiAZ: true
"#,
        }),
    },
};

static CHECK: BoolCheck = BoolCheck {
    attr: "multi_az",
    secure: true,
    absent_insecure: true,
    absent: "does not set `multi_az` (default `false`), so it runs in a single Availability Zone",
    insecure: "sets `multi_az = false`, so it runs in a single Availability Zone",
    fix: "Run a Multi-AZ standby",
};

fn check(ctx: &mut TfContext) {
    for res in rds::instances(ctx) {
        // A read replica can have its own standby: its engine is its source's, when the source is in the module.
        let engine = if rds::is_replica(res) {
            match rds::source_instance(ctx, res) {
                Some(source) => rds::engine(ctx, source),
                None => continue,
            }
        } else {
            rds::engine(ctx, res)
        };
        let supported = match engine.as_str() {
            Some(e) => !e.starts_with("aurora") && e != "sqlserver-ex" && e != "sqlserver-web",
            // The rds module's engine may come later; an unknown engine is not judged.
            None => false,
        };
        if supported {
            setting::check_bool(ctx, res, &CHECK);
        }
    }
}

static CFN_CHECK: setting::CfnBoolCheck = setting::CfnBoolCheck {
    prop: "MultiAZ",
    secure: true,
    absent_insecure: true,
    absent: "does not set `MultiAZ` (default `false`), so it runs in a single Availability Zone",
    insecure: "sets `MultiAZ: false`, so it runs in a single Availability Zone",
    fix: "Run a Multi-AZ standby",
};

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources(rds::CFN_INSTANCE).collect::<Vec<_>>() {
        if setting::cfn_has_any(res, &["DBClusterIdentifier"]) {
            continue;
        }
        // An unknown engine is not judged. A read replica can have its own standby: its engine is its source's,
        // when the source is in the template.
        let engine = if rds::cfn_is_replica(res) {
            match rds::cfn_source_instance(ctx, res) {
                Some(source) => setting::cfn_lower(ctx, source, "Engine"),
                None => continue,
            }
        } else {
            setting::cfn_lower(ctx, res, "Engine")
        };
        let supported = match engine.as_str() {
            Some(e) => !e.starts_with("aurora") && e != "sqlserver-ex" && e != "sqlserver-web",
            None => false,
        };
        if supported {
            setting::check_cfn_bool(ctx, res, &CFN_CHECK);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_single_az_instances() {
        let tf = r#"resource "aws_db_instance" "a" {
  engine = "postgres"
}
resource "aws_db_instance" "b" {
  engine   = "mysql"
  multi_az = false
}
module "db" {
  source = "terraform-aws-modules/rds/aws"
  engine = "mysql"
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 6, 8]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn replicas_are_judged_with_their_source_engine() {
        let tf = r#"resource "aws_db_instance" "source" {
  engine   = "mysql"
  multi_az = true
}
resource "aws_db_instance" "replica" {
  replicate_source_db = aws_db_instance.source.identifier
}
resource "aws_db_instance" "standby_replica" {
  replicate_source_db = aws_db_instance.source.identifier
  multi_az            = true
}
resource "aws_db_instance" "elsewhere" {
  replicate_source_db = "arn:aws:rds:eu-west-1:111122223333:db:source"
}
"#;
        assert_eq!(lines(&RULE, tf), [5]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }

    #[test]
    fn multi_az_unsupported_and_unknown_are_not_flagged() {
        let tf = r#"variable "engine" {}
resource "aws_db_instance" "a" {
  engine   = "postgres"
  multi_az = true
}
resource "aws_db_instance" "ex" {
  engine = "sqlserver-ex"
}
resource "aws_db_instance" "member" {
  engine = "aurora-mysql"
}
resource "aws_db_instance" "replica" {
  engine              = "postgres"
  replicate_source_db = "a"
}
resource "aws_db_instance" "v" {
  engine = var.engine
}
"#;
        assert!(lines(&RULE, tf).is_empty());
    }

    #[test]
    fn cloudformation_single_az_instances() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: MySQL\n  B:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: postgres\n      MultiAZ: false\n  R:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      SourceDBInstanceIdentifier: !Ref A\n  X:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: sqlserver-ex\n  Y:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: mysql\n      MultiAZ: true\n";
        // KICS: a read replica of a MySQL instance of the template has no standby either.
        assert_eq!(cfn_lines(&RULE, yaml), [2, 10, 11]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 3);
        let outside = "Resources:\n  R:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      SourceDBInstanceIdentifier: arn:aws:rds:eu-west-1:1:db:src\n";
        assert!(cfn_lines(&RULE, outside).is_empty());
    }

    #[test]
    fn cloudformation_aurora_members_and_unknown_engines_are_not_flagged() {
        use crate::kit::testing::cfn_lines;
        // An Aurora cluster's instances take their availability from the cluster (KICS's query fails them).
        let json = r#"{
  "Parameters": {"Engine": {"Type": "String"}, "Default": {"Type": "String", "Default": "postgres"}},
  "Resources": {
    "Cluster": {"Type": "AWS::RDS::DBCluster", "Properties": {"Engine": "aurora-postgresql"}},
    "Member": {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "aurora-postgresql", "DBClusterIdentifier": {"Ref": "Cluster"}}},
    "Aurora": {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "aurora-mysql"}},
    "Web": {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": "sqlserver-web", "MultiAZ": false}},
    "Given": {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": {"Ref": "Engine"}}},
    "Defaulted": {"Type": "AWS::RDS::DBInstance", "Properties": {"Engine": {"Ref": "Default"}, "MultiAZ": "false"}}
  }
}
"#;
        assert_eq!(cfn_lines(&RULE, json), [9]);
        let yaml = "Resources:\n  Member:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: aurora-mysql\n      DBClusterIdentifier: !Ref Cluster\n  Cluster:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora-mysql\n";
        assert!(cfn_lines(&RULE, yaml).is_empty());
    }
}
