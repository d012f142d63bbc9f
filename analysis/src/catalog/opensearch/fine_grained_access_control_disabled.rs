use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::kit::opensearch;
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "opensearch-fine-grained-access-control-disabled",
    title: "OpenSearch domain does not use fine-grained access control",
    severity: Severity::Medium,
    row: Row::AccessRestriction,
    service: "OpenSearch",
    why: "Without fine-grained access control, any principal the domain policy admits can read and write every \
          index; it adds index-, document- and field-level permissions, and audit logs. It needs a master user \
          (or IAM master role) and, once on, cannot be turned off.",
    aws_side: "OpenSearch provides fine-grained access control; enabling it is the customer's.",
    equivalents: Equivalents { checkov: &["CKV2_AWS_52"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_opensearch_domain", "aws_elasticsearch_domain"],
            path: "advanced_security_options.enabled",
            example: r#"resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  advanced_security_options {
    enabled = false
  }
}"#,
            fixed: r#"resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  advanced_security_options {
    enabled = true
  }
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &opensearch::CFN_DOMAINS,
            path: "AdvancedSecurityOptions.Enabled",
            example: r#"Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      DomainName: search
"#,
            fixed: r#"Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      DomainName: search
      AdvancedSecurityOptions:
        Enabled: true
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Bool(true),
        absent: Some("any principal the domain policy admits can read and write every index"),
        insecure: "any principal the domain policy admits can read and write every index",
        fix_title: "Enable fine-grained access control (set its master user)",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_domains_without_fine_grained_access_control() {
        let tf = r#"resource "aws_elasticsearch_domain" "absent" {
  domain_name = "a"
}
resource "aws_opensearch_domain" "on" {
  advanced_security_options {
    enabled                        = true
    internal_user_database_enabled = true
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [1]);
        let yaml = "Resources:\n  A:\n    Type: AWS::Elasticsearch::Domain\n    Properties:\n      AdvancedSecurityOptions:\n        Enabled: false\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6]);
    }
}
