use crate::cloudformation::check::CfnContext;
use crate::kit::kms_key::{check_kms_mode_cfn, check_kms_mode_tf, KmsMode};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "glue-data-catalog-unencrypted",
    title: "Glue Data Catalog metadata or connection passwords are not encrypted with KMS",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "Glue",
    why: "The Data Catalog holds table schemas, S3 locations and, in connections, the user names and passwords of \
          source databases. Unencrypted connection passwords are returned in plaintext to anyone who can call \
          `GetConnection`, which turns read access to the catalog into access to the databases.",
    aws_side: "AWS encrypts the catalog and the connection passwords with the keys given; configuring it, once per \
               account and Region, is the customer's duty.",
    equivalents: Equivalents { checkov: &[], kics: &["01d50b14-e933-4c99-b314-6d08cd37ad35"], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_94"],
        kics: &[],
        trivy: &[],
        how: "Checkov's CloudFormation check does not require the KMS key ids; its Terraform check matches this \
              rule.",
    },
    matcher: &Custom {
        what: "Flags `aws_glue_data_catalog_encryption_settings` whose `encryption_at_rest` is not `SSE-KMS` (or \
               `SSE-KMS-WITH-SERVICE-ROLE`) with an `sse_aws_kms_key_id`, or whose `connection_password_encryption` \
               does not set `return_connection_password_encrypted = true` with an `aws_kms_key_id`; in \
               CloudFormation, `AWS::Glue::DataCatalogEncryptionSettings` likewise (`EncryptionAtRest`, \
               `ConnectionPasswordEncryption`).",
        fix: "Encrypt the catalog with `catalog_encryption_mode = \"SSE-KMS\"` and a customer-managed \
              `sse_aws_kms_key_id`, and connection passwords with `return_connection_password_encrypted = true` and \
              an `aws_kms_key_id`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &[TF_TYPE],
            check,
            example: r#"resource "aws_glue_data_catalog_encryption_settings" "catalog" {
  data_catalog_encryption_settings {
    connection_password_encryption {
      return_connection_password_encrypted = false
    }
    encryption_at_rest {
      catalog_encryption_mode = "DISABLED"
    }
  }
}"#,
            fixed_example: r#"resource "aws_glue_data_catalog_encryption_settings" "catalog" {
  data_catalog_encryption_settings {
    connection_password_encryption {
      return_connection_password_encrypted = true
      aws_kms_key_id                       = aws_kms_key.catalog.arn
    }
    encryption_at_rest {
      catalog_encryption_mode = "SSE-KMS"
      sse_aws_kms_key_id      = aws_kms_key.catalog.arn
    }
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &[CFN_TYPE],
            check: check_cfn,
            example: r#"Resources:
  Catalog:
    Type: AWS::Glue::DataCatalogEncryptionSettings
    Properties:
      CatalogId: !Ref AWS::AccountId
      DataCatalogEncryptionSettings:
        EncryptionAtRest:
          CatalogEncryptionMode: DISABLED
"#,
            fixed_example: r#"Resources:
  Catalog:
    Type: AWS::Glue::DataCatalogEncryptionSettings
    Properties:
      CatalogId: !Ref AWS::AccountId
      DataCatalogEncryptionSettings:
        EncryptionAtRest:
          CatalogEncryptionMode: SSE-KMS
          SseAwsKmsKeyId: !Ref CatalogKey
        ConnectionPasswordEncryption:
          ReturnConnectionPasswordEncrypted: true
          KmsKeyId: !Ref CatalogKey
"#,
        }),
    },
};

const TF_TYPE: &str = "aws_glue_data_catalog_encryption_settings";
const CFN_TYPE: &str = "AWS::Glue::DataCatalogEncryptionSettings";

const AT_REST_OFF: &str = "the catalog's metadata is not encrypted with KMS (the default is `DISABLED`)";
const AT_REST_KEYLESS: &str =
    "the catalog is encrypted with the AWS-managed `aws/glue` key, which no key policy of yours governs";
const PASSWORDS_OFF: &str = "connection passwords are returned in plaintext to whoever reads the connections";
const PASSWORDS_KEYLESS: &str = "connection passwords are not encrypted with a key of yours";

static AT_REST: KmsMode = KmsMode {
    block: "data_catalog_encryption_settings.encryption_at_rest",
    mode: "catalog_encryption_mode",
    kms: &["SSE-KMS", "SSE-KMS-WITH-SERVICE-ROLE"],
    fix: "\"SSE-KMS\"",
    key: "sse_aws_kms_key_id",
    off: AT_REST_OFF,
    keyless: AT_REST_KEYLESS,
};

static PASSWORDS: KmsMode = KmsMode {
    block: "data_catalog_encryption_settings.connection_password_encryption",
    mode: "return_connection_password_encrypted",
    kms: &["true"],
    fix: "true",
    key: "aws_kms_key_id",
    off: PASSWORDS_OFF,
    keyless: PASSWORDS_KEYLESS,
};

static CFN_AT_REST: KmsMode = KmsMode {
    block: "DataCatalogEncryptionSettings.EncryptionAtRest",
    mode: "CatalogEncryptionMode",
    key: "SseAwsKmsKeyId",
    ..AT_REST
};

static CFN_PASSWORDS: KmsMode = KmsMode {
    block: "DataCatalogEncryptionSettings.ConnectionPasswordEncryption",
    mode: "ReturnConnectionPasswordEncrypted",
    key: "KmsKeyId",
    ..PASSWORDS
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources(TF_TYPE).collect::<Vec<_>>() {
        check_kms_mode_tf(ctx, res, &AT_REST);
        check_kms_mode_tf(ctx, res, &PASSWORDS);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources(CFN_TYPE).collect::<Vec<_>>() {
        check_kms_mode_cfn(ctx, res, &CFN_AT_REST);
        check_kms_mode_cfn(ctx, res, &CFN_PASSWORDS);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_each_missing_protection() {
        // KICS: passwords returned unencrypted; encrypted without a key; the catalog `DISABLED`; `SSE-KMS` without a
        // key.
        let tf = r#"resource "aws_glue_data_catalog_encryption_settings" "passwords_off" {
  data_catalog_encryption_settings {
    connection_password_encryption {
      aws_kms_key_id                       = aws_kms_key.test.arn
      return_connection_password_encrypted = false
    }
    encryption_at_rest {
      catalog_encryption_mode = "SSE-KMS"
      sse_aws_kms_key_id      = aws_kms_key.test.arn
    }
  }
}
resource "aws_glue_data_catalog_encryption_settings" "passwords_keyless" {
  data_catalog_encryption_settings {
    connection_password_encryption {
      return_connection_password_encrypted = true
    }
    encryption_at_rest {
      catalog_encryption_mode = "SSE-KMS"
      sse_aws_kms_key_id      = aws_kms_key.test.arn
    }
  }
}
resource "aws_glue_data_catalog_encryption_settings" "disabled" {
  data_catalog_encryption_settings {
    connection_password_encryption {
      aws_kms_key_id                       = aws_kms_key.test.arn
      return_connection_password_encrypted = true
    }
    encryption_at_rest {
      catalog_encryption_mode = "DISABLED"
      sse_aws_kms_key_id      = aws_kms_key.test.arn
    }
  }
}
resource "aws_glue_data_catalog_encryption_settings" "keyless" {
  data_catalog_encryption_settings {
    connection_password_encryption {
      aws_kms_key_id                       = aws_kms_key.test.arn
      return_connection_password_encrypted = true
    }
    encryption_at_rest {
      catalog_encryption_mode = "SSE-KMS"
    }
  }
}
resource "aws_glue_data_catalog_encryption_settings" "complete" {
  data_catalog_encryption_settings {
    connection_password_encryption {
      aws_kms_key_id                       = aws_kms_key.test.arn
      return_connection_password_encrypted = true
    }
    encryption_at_rest {
      catalog_encryption_mode = "SSE-KMS"
      sse_aws_kms_key_id      = aws_kms_key.test.arn
    }
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [5, 15, 31, 42]);
        assert_eq!(check_fixes(&RULE, tf), 4);
    }

    #[test]
    fn cloudformation_catalog_encryption() {
        let yaml = "Resources:\n  A:\n    Type: AWS::Glue::DataCatalogEncryptionSettings\n    Properties:\n      DataCatalogEncryptionSettings:\n        EncryptionAtRest:\n          CatalogEncryptionMode: SSE-KMS\n          SseAwsKmsKeyId: !Ref Key\n        ConnectionPasswordEncryption:\n          ReturnConnectionPasswordEncrypted: true\n          KmsKeyId: !Ref Key\n  B:\n    Type: AWS::Glue::DataCatalogEncryptionSettings\n    Properties:\n      DataCatalogEncryptionSettings:\n        EncryptionAtRest:\n          CatalogEncryptionMode: DISABLED\n";
        assert_eq!(cfn_lines(&RULE, yaml), [17, 12]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
