use crate::kit::declared::{Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "athena-database-unencrypted",
    title: "Athena database does not encrypt the query results it writes",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "Athena",
    why: "The results of the database's queries go to the named bucket; without an encryption option they are \
          written as the bucket's default says, possibly unencrypted or with a key nobody chose, and query outputs \
          routinely hold extracts of the data being analysed.",
    aws_side: "AWS encrypts query results as the customer specifies; specifying it is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_77"],
        kics: &["b2315cae-b110-4426-81e0-80bb8640cdd3"],
        trivy: &["AVD-AWS-0006", "aws-athena-enable-at-rest-encryption"],
    },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_athena_database"],
            path: "encryption_configuration.encryption_option",
            example: r#"resource "aws_athena_database" "events" {
  name   = "events"
  bucket = aws_s3_bucket.results.id
}"#,
            fixed: r#"resource "aws_athena_database" "events" {
  name   = "events"
  bucket = aws_s3_bucket.results.id
  encryption_configuration {
    encryption_option = "SSE_S3"
  }
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: None,
        want: Want::OneOf(&["SSE_S3", "SSE_KMS", "CSE_KMS"]),
        absent: Some("its query results are written without an encryption option of their own"),
        insecure: "its query results are written without encryption",
        fix: "Add `encryption_configuration` with `encryption_option = \"SSE_KMS\"` and a customer-managed \
              `kms_key` (or `SSE_S3`).",
        fix_title: "Encrypt the query results",
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_databases_without_encryption() {
        let tf = r#"variable "option" {}
resource "aws_athena_database" "absent" {
  name   = "a"
  bucket = "results"
}
resource "aws_athena_database" "kms" {
  encryption_configuration {
    encryption_option = "SSE_KMS"
    kms_key           = aws_kms_key.k.arn
  }
}
resource "aws_athena_database" "unknown" {
  encryption_configuration {
    encryption_option = var.option
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [2]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }
}
