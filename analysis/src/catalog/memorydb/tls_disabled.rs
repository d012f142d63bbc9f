use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "memorydb-tls-disabled",
    title: "MemoryDB cluster accepts connections without TLS",
    severity: Severity::High,
    row: Row::ManagedServiceConfig,
    service: "MemoryDB",
    why: "MemoryDB is a durable primary database; with TLS off, the passwords of its ACL users and all of its data \
          travel in plaintext inside the VPC.",
    aws_side: "AWS turns TLS on by default; turning it off is a customer choice.",
    equivalents: Equivalents { checkov: &["CKV_AWS_202"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_memorydb_cluster"],
            path: "tls_enabled",
            example: r#"resource "aws_memorydb_cluster" "store" {
  name        = "store"
  acl_name    = aws_memorydb_acl.store.name
  tls_enabled = false
}"#,
            fixed: r#"resource "aws_memorydb_cluster" "store" {
  name        = "store"
  acl_name    = aws_memorydb_acl.store.name
  tls_enabled = true
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::MemoryDB::Cluster"],
            path: "TLSEnabled",
            example: r#"Resources:
  Store:
    Type: AWS::MemoryDB::Cluster
    Properties:
      ACLName: open-access
      TLSEnabled: false
"#,
            fixed: r#"Resources:
  Store:
    Type: AWS::MemoryDB::Cluster
    Properties:
      ACLName: open-access
      TLSEnabled: true
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Bool(true),
        absent: None,
        insecure: "passwords and data travel in plaintext",
        fix_title: "Turn TLS on (replaces the cluster)",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_tls_turned_off() {
        let tf = r#"resource "aws_memorydb_cluster" "off" {
  tls_enabled = false
}
resource "aws_memorydb_cluster" "default" {
  name = "d"
}
"#;
        assert_eq!(lines(&RULE, tf), [2]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }

    #[test]
    fn cloudformation_tls() {
        let yaml = "Resources:\n  A:\n    Type: AWS::MemoryDB::Cluster\n    Properties:\n      TLSEnabled: 'false'\n  B:\n    Type: AWS::MemoryDB::Cluster\n    Properties:\n      ACLName: a\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
