use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::NodeKind;
use crate::fix::{Edit, Fix};
use crate::kit::declared::{is_aws_managed_key, KMS_PLACEHOLDER};
use crate::kit::opensearch;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "opensearch-not-encrypted-cmk",
    title: "OpenSearch domain is not encrypted at rest with a customer-managed KMS key",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "OpenSearch",
    why: "With the AWS-managed key, whoever reaches the domain's snapshots or storage through AWS APIs is bounded \
          only by IAM; a customer-managed key lets you audit every decryption and revoke it. A domain without \
          encryption at rest (opensearch-at-rest-unencrypted) has no key at all.",
    aws_side: "OpenSearch encrypts with the key you choose; choosing and governing a customer-managed key is the \
               customer's.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_247"],
        kics: &["7af2f4a3-00d9-47f3-8d15-ca0888f4e5b2", "d926aa95-0a04-4abc-b20c-acf54afe38a1"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags OpenSearch and Elasticsearch domains whose `encrypt_at_rest` (`EncryptionAtRestOptions`) is \
               absent, disabled, or names no `kms_key_id` (`KmsKeyId`), or an AWS-managed one.",
        fix: "Enable encryption at rest with `kms_key_id` set to a customer-managed KMS key (it can only be chosen \
              when the domain is created).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_opensearch_domain", "aws_elasticsearch_domain"],
            check,
            example: r#"resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  encrypt_at_rest {
    enabled = true
  }
}"#,
            fixed_example: r#"resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  encrypt_at_rest {
    enabled    = true
    kms_key_id = aws_kms_key.search.arn
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
      EncryptionAtRestOptions:
        Enabled: true
"#,
            fixed_example: r#"Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      EncryptionAtRestOptions:
        Enabled: true
        KmsKeyId: !Ref SearchKey
"#,
        }),
    },
};

const FIX: &str = "Encrypt with a customer-managed KMS key (placeholder to replace)";

fn no_customer_key(key: Option<Value>) -> Option<bool> {
    match key {
        None | Some(Value::Null) => Some(true),
        Some(Value::String(k)) => Some(k.trim().is_empty() || is_aws_managed_key(&k)),
        Some(Value::Unknown) => None,
        Some(_) => Some(false),
    }
}

fn check(ctx: &mut TfContext) {
    let placeholder = format!("\"{KMS_PLACEHOLDER}\"");
    for domain in opensearch::domains(ctx) {
        let file = ctx.file(domain);
        let address = domain.address();
        let Some(block) = ctx.block_of(domain.block, "encrypt_at_rest") else {
            if domain.block.attr("encrypt_at_rest").is_some() {
                continue;
            }
            let text = format!("encrypt_at_rest {{\n  enabled    = true\n  kms_key_id = {placeholder}\n}}");
            let fix = Fix::unsafe_(FIX, vec![edit::insert_in_block(file, domain.block, &text)]);
            let message = format!("`{address}` is not encrypted at rest, let alone with a customer-managed KMS key");
            ctx.report_with_fix(domain, domain.block.header, message, fix);
            continue;
        };
        let enabled = ctx.attr(block, "enabled").map(|(a, v)| (a, v.as_bool()));
        let key = ctx.attr(block, "kms_key_id");
        if matches!(enabled, Some((_, None))) {
            continue;
        }
        let disabled = !matches!(enabled, Some((_, Some(true))));
        let Some(lacks_key) = no_customer_key(key.as_ref().map(|(_, v)| v.clone())) else { continue };
        if !disabled && !lacks_key {
            continue;
        }
        let mut edits = Vec::new();
        if disabled {
            edits.push(match enabled {
                Some((a, _)) => Edit { range: a.expr.range, text: "true".into() },
                None => edit::set_attribute(file, block, "enabled", "true"),
            });
        }
        if lacks_key {
            edits.push(match &key {
                Some((a, _)) => Edit { range: a.expr.range, text: placeholder.clone() },
                None => edit::set_attribute(file, block, "kms_key_id", &placeholder),
            });
        }
        // Two insertions at the end of the block are written as one.
        if edits.len() == 2 && edits[0].range == edits[1].range {
            let text = format!("{}{}", edits[0].text, edits[1].text);
            edits = vec![Edit { range: edits[0].range, text }];
        }
        let message = if disabled {
            format!("`{address}` does not enable encryption at rest, let alone with a customer-managed KMS key")
        } else {
            format!("`{address}` is encrypted at rest with the AWS-managed key: name a customer-managed `kms_key_id`")
        };
        ctx.report_with_fix(domain, block.header, message, Fix::unsafe_(FIX, edits));
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for domain in opensearch::cfn_domains(ctx) {
        let id = domain.logical_id;
        let Some((options, _)) = ctx.prop(domain, "EncryptionAtRestOptions") else {
            let value = json!({"Enabled": true, "KmsKeyId": KMS_PLACEHOLDER});
            let fix = Fix::unsafe_(
                FIX,
                vec![cfn_edit::set_property(ctx.template, domain, "EncryptionAtRestOptions", &value)],
            );
            let range = ctx.header(domain);
            let message = format!("`{id}` is not encrypted at rest, let alone with a customer-managed KMS key");
            ctx.report(domain, range, message).fixes.push(fix);
            continue;
        };
        if !matches!(options.kind, NodeKind::Map(_)) || options.intrinsic().is_some() {
            continue;
        }
        let enabled = options.get("Enabled").map(|n| ctx.eval(n).as_bool());
        if matches!(enabled, Some(None)) {
            continue;
        }
        let disabled = enabled != Some(Some(true));
        let Some(lacks_key) = no_customer_key(options.get("KmsKeyId").map(|n| ctx.eval(n))) else { continue };
        if !disabled && !lacks_key {
            continue;
        }
        let value = json!({"Enabled": true, "KmsKeyId": KMS_PLACEHOLDER});
        let fix = Fix::unsafe_(FIX, vec![cfn_edit::replace_value(ctx.template, options, &value)]);
        let message = if disabled {
            format!("`{id}` does not enable encryption at rest, let alone with a customer-managed KMS key")
        } else {
            format!("`{id}` is encrypted at rest with the AWS-managed key: name a customer-managed `KmsKeyId`")
        };
        let range = ctx.prop_range(domain, "EncryptionAtRestOptions").unwrap_or(options.range);
        ctx.report(domain, range, message).fixes.push(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_domains_without_a_customer_key() {
        let tf = r#"resource "aws_elasticsearch_domain" "no_key" {
  domain_name = "example"
  encrypt_at_rest {
      enabled = true
  }
}
resource "aws_elasticsearch_domain" "key" {
  encrypt_at_rest {
    enabled    = true
    kms_key_id = "some-key-id"
  }
}
resource "aws_opensearch_domain" "absent" {
  domain_name = "a"
}
resource "aws_opensearch_domain" "disabled" {
  encrypt_at_rest {
    enabled    = false
    kms_key_id = "k"
  }
}
resource "aws_opensearch_domain" "unknown" {
  encrypt_at_rest {
    enabled    = true
    kms_key_id = var.key
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [13, 17, 3]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn cloudformation_domains() {
        let yaml = "Resources:\n  A:\n    Type: AWS::Elasticsearch::Domain\n    Properties:\n      EncryptionAtRestOptions:\n        Enabled: true\n  B:\n    Type: AWS::Elasticsearch::Domain\n    Properties:\n      DomainName: b\n  C:\n    Type: AWS::OpenSearchService::Domain\n    Properties:\n      EncryptionAtRestOptions:\n        Enabled: true\n        KmsKeyId: !Ref K\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5, 7]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
