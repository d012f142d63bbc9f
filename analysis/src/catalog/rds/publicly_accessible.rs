use crate::cloudformation::check::CfnContext;
use crate::kit::rds::{self, CLUSTER_INSTANCE};
use crate::kit::setting;
use crate::kit::setting::BoolCheck;
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "rds-publicly-accessible",
    title: "RDS database has a public endpoint",
    severity: Severity::Critical,
    row: Row::AccessRestriction,
    service: "RDS",
    why: "A publicly accessible database gets a DNS name that resolves to a public IP: the database port is then \
          one security-group rule away from the whole internet, where it is scanned and brute-forced \
          continuously. Databases belong in private subnets, reached through the application or a bastion.",
    aws_side: "AWS assigns the public address and routes to it when asked; the default is private. Choosing \
               the database's exposure (and its security groups) is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_17"],
        kics: &["35113e6f-2c6b-414d-beec-7a9482d3b2d1", "de38e1d5-54cb-4111-a868-6f7722695007"],
        trivy: &["AVD-AWS-0180", "aws-rds-no-public-db-access", "aws-rds-enable-public-access"],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_db_instance`, `aws_rds_cluster_instance`, `aws_rds_cluster` and rds / rds-aurora module \
               calls with `publicly_accessible = true`.",
        fix: "Set `publicly_accessible = false` and reach the database from inside the VPC (application, VPN, \
              Session Manager port forwarding).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_db_instance", "aws_rds_cluster_instance", "aws_rds_cluster"],
            check,
            example: r#"resource "aws_db_instance" "db" {
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  publicly_accessible = true
}"#,
            fixed_example: r#"resource "aws_db_instance" "db" {
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  publicly_accessible = false
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
      PubliclyAccessible: true
"#,
            fixed_example: r#"Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      PubliclyAccessible: false
"#,
        }),
    },
};

static CHECK: BoolCheck = BoolCheck {
    attr: "publicly_accessible",
    secure: false,
    absent_insecure: false,
    absent: "",
    insecure: "sets `publicly_accessible = true`: the database gets a public endpoint",
    fix: "Make the database private",
};

fn check(ctx: &mut TfContext) {
    let mut targets = rds::instances(ctx);
    targets.extend(rds::clusters(ctx));
    targets.extend(ctx.resources(CLUSTER_INSTANCE));
    for res in targets {
        setting::check_bool(ctx, res, &CHECK);
    }
}

static CFN_CHECK: setting::CfnBoolCheck = setting::CfnBoolCheck {
    prop: "PubliclyAccessible",
    secure: false,
    absent_insecure: false,
    absent: "",
    insecure: "sets `PubliclyAccessible: true`: the database gets a public endpoint",
    fix: "Make the database private",
};

fn check_cfn(ctx: &mut CfnContext) {
    for ty in [rds::CFN_INSTANCE, rds::CFN_CLUSTER] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            setting::check_cfn_bool(ctx, res, &CFN_CHECK);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_public_databases() {
        let tf = r#"resource "aws_db_instance" "a" {
  publicly_accessible = true
}
module "db" {
  source              = "terraform-aws-modules/rds/aws"
  publicly_accessible = "true"
}
resource "aws_rds_cluster_instance" "b" {
  publicly_accessible = true
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 6, 9]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn private_default_and_unknown_are_not_flagged() {
        let tf = r#"variable "public" {}
resource "aws_db_instance" "a" {
  publicly_accessible = false
}
resource "aws_db_instance" "b" {
}
resource "aws_db_instance" "c" {
  publicly_accessible = var.public
}
"#;
        assert!(lines(&RULE, tf).is_empty());
    }

    #[test]
    fn cloudformation_public_databases() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      PubliclyAccessible: 'true'\n  B:\n    Type: AWS::RDS::DBCluster\n    Properties: {PubliclyAccessible: true}\n  C:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: mysql\n  D:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      PubliclyAccessible: !Ref Public\nParameters:\n  Public:\n    Type: String\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5, 8]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
