use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "rds-ca-certificate-outdated",
    title: "RDS instance uses an expired or retired CA certificate",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "RDS",
    why: "Clients that verify the database's TLS certificate (`sslmode=verify-full`, JDBC with \
          `trustServerCertificate=false`) check it against the RDS CA bundle. `rds-ca-2015` and `rds-ca-2019` have \
          expired: an instance still pinned to them either breaks verifying clients or pushes teams to switch \
          verification off, which reopens the door to man-in-the-middle attacks on database traffic.",
    aws_side: "AWS issues and rotates the server certificates and publishes the CA bundles; choosing a current CA \
               for each instance, and rotating it before expiry, is the customer's duty.",
    equivalents: Equivalents { checkov: &["CKV_AWS_211"], kics: &[], trivy: &[] },
    related: Related {
        checkov: &[],
        kics: &["9f40c07e-699e-4410-8856-3ba0f2e3a2dd"],
        trivy: &[],
        how: "KICS accepts `rds-ca-2019`, which expired in August 2024; this rule accepts only the current CAs.",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_db_instance", "aws_rds_cluster_instance"],
            modules: &[("rds", "ca_cert_identifier", false)],
            path: "ca_cert_identifier",
            applies: None,
            example: r#"resource "aws_db_instance" "db" {
  engine             = "postgres"
  ca_cert_identifier = "rds-ca-2019"
}"#,
            fixed: r#"resource "aws_db_instance" "db" {
  engine             = "postgres"
  ca_cert_identifier = "rds-ca-rsa2048-g1"
}"#,
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::RDS::DBInstance"],
            path: "CACertificateIdentifier",
            example: r#"Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      CACertificateIdentifier: rds-ca-2019
"#,
            fixed: r#"Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      CACertificateIdentifier: rds-ca-rsa2048-g1
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::OneOf(&["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"]),
        absent: None,
        insecure: "that CA is expired or retired, so clients that verify the certificate fail or stop verifying",
        fix_title: "Use the current RDS CA (restarts the instance)",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_expired_cas() {
        // KICS flags rds-ca-2015 (resource and module); rds-ca-2019 has expired since.
        let tf = r#"variable "ca" {}
resource "aws_db_instance" "old" {
  ca_cert_identifier = "rds-ca-2015"
}
module "db" {
  source             = "terraform-aws-modules/rds/aws"
  version            = "~> 3.0"
  ca_cert_identifier = "rds-ca-2019"
}
resource "aws_rds_cluster_instance" "member" {
  ca_cert_identifier = "rds-ca-2019"
}
resource "aws_db_instance" "current" {
  ca_cert_identifier = "rds-ca-ecc384-g1"
}
resource "aws_db_instance" "default" {
  engine = "mysql"
}
resource "aws_db_instance" "unknown" {
  ca_cert_identifier = var.ca
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 11, 8]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn cloudformation_cas() {
        let yaml = "Resources:\n  A:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      CACertificateIdentifier: rds-ca-2015\n  B:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      CACertificateIdentifier: rds-ca-rsa4096-g1\n  C:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      Engine: mysql\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
