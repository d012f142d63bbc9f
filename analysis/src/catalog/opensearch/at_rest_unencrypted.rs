use crate::cloudformation::check::CfnContext;
use crate::kit::opensearch;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "opensearch-at-rest-unencrypted",
    title: "OpenSearch domain is not encrypted at rest",
    severity: Severity::High,
    row: Row::ManagedServiceConfig,
    service: "OpenSearch",
    why: "Search domains index logs, documents and customer records. Without encryption at rest, the indices, \
          swap, logs and automated snapshots are stored in plain form, and the domain fails most \
          data-protection requirements. Encryption cannot be turned off later, and on older domains it cannot \
          be turned on without a migration.",
    aws_side: "AWS runs the domain's nodes and storage and encrypts them with KMS when the domain asks for it. \
               Asking for it, and choosing the key, is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_5"],
        kics: &["24e16922-4330-4e9d-be8a-caa90299466a", "86a248ab-0e01-4564-a82a-878303e253bb"],
        trivy: &[
            "AVD-AWS-0048",
            "aws-elastic-search-enable-domain-encryption",
            "aws-elasticsearch-enable-domain-encryption",
        ],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_opensearch_domain` and `aws_elasticsearch_domain` resources without an `encrypt_at_rest` \
               block, or with `enabled = false` in it.",
        fix: "Add `encrypt_at_rest { enabled = true }` (optionally with `kms_key_id`).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_opensearch_domain", "aws_elasticsearch_domain"],
            check,
            example: r#"resource "aws_opensearch_domain" "search" {
  domain_name    = "search"
  engine_version = "OpenSearch_2.13"
}"#,
            fixed_example: r#"resource "aws_opensearch_domain" "search" {
  domain_name    = "search"
  engine_version = "OpenSearch_2.13"
  encrypt_at_rest {
    enabled = true
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &opensearch::CFN_DOMAINS,
            check: check_cfn,
            example: r#"Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      DomainName: search
      EncryptionAtRestOptions:
        Enabled: false
"#,
            fixed_example: r#"Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      DomainName: search
      EncryptionAtRestOptions:
        Enabled: true
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    opensearch::cfn_check_enabled(
        ctx,
        "EncryptionAtRestOptions",
        "Encrypt at rest",
        "its data is not encrypted at rest",
    );
}

fn check(ctx: &mut TfContext) {
    opensearch::check_enabled_block(ctx, "encrypt_at_rest", "Encrypt at rest", "its data is not encrypted at rest");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_unencrypted_domains() {
        let text = r#"
resource "aws_elasticsearch_domain" "absent" {
  domain_name           = "example"
  elasticsearch_version = "1.5"
}
resource "aws_elasticsearch_domain" "off" {
  encrypt_at_rest {
      enabled = false
  }
}
resource "aws_opensearch_domain" "on" {
  encrypt_at_rest {
    enabled = true
  }
}
resource "aws_opensearch_domain" "empty" {
  encrypt_at_rest {}
}
resource "aws_opensearch_domain" "unknown" {
  encrypt_at_rest {
    enabled = var.enc
  }
}
"#;
        assert_eq!(lines(&RULE, text), [17, 2, 8]);
        assert_eq!(check_fixes(&RULE, text), 3);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = r#"Resources:
  Absent:
    Type: AWS::Elasticsearch::Domain
    Properties:
      ElasticsearchVersion: "7.9"
  Off:
    Type: AWS::OpenSearchService::Domain
    Properties:
      EncryptionAtRestOptions:
        Enabled: false
  Empty:
    Type: AWS::OpenSearchService::Domain
    Properties:
      EncryptionAtRestOptions: {KmsKeyId: k}
  On:
    Type: AWS::OpenSearchService::Domain
    Properties:
      EncryptionAtRestOptions: {Enabled: true}
  Unknown:
    Type: AWS::OpenSearchService::Domain
    Properties:
      EncryptionAtRestOptions: {Enabled: !Ref Enc}
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [10, 14, 2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 3);
        let json = r#"{"Resources": {"D": {"Type": "AWS::Elasticsearch::Domain", "Properties": {
  "EncryptionAtRestOptions": {"Enabled": false}}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [2]);
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
