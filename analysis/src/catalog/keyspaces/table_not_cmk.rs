use crate::cloudformation::check::CfnContext;
use crate::kit::kms_key::{check_kms_mode_cfn, check_kms_mode_tf, KmsMode};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "keyspaces-table-not-cmk",
    title: "Keyspaces table is encrypted with an AWS-owned key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "Keyspaces",
    why: "With the AWS-owned key, decryption of the table's data is invisible to CloudTrail and cannot be restricted \
          or revoked by the customer.",
    aws_side: "AWS always encrypts Keyspaces tables; the kind of key is the customer's choice.",
    equivalents: Equivalents { checkov: &["CKV_AWS_265"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_keyspaces_table` without `encryption_specification`, or whose type is not \
               `CUSTOMER_MANAGED_KMS_KEY` with a `kms_key_identifier`; in CloudFormation, `AWS::Cassandra::Table` \
               likewise with `EncryptionSpecification`.",
        fix: "Set `encryption_specification { type = \"CUSTOMER_MANAGED_KMS_KEY\" kms_key_identifier = ... }` with a \
              customer-managed key.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_keyspaces_table"],
            check,
            example: r#"resource "aws_keyspaces_table" "events" {
  keyspace_name = "app"
  table_name    = "events"
}"#,
            fixed_example: r#"resource "aws_keyspaces_table" "events" {
  keyspace_name = "app"
  table_name    = "events"

  encryption_specification {
    type               = "CUSTOMER_MANAGED_KMS_KEY"
    kms_key_identifier = aws_kms_key.events.arn
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Cassandra::Table"],
            check: check_cfn,
            example: r#"Resources:
  Events:
    Type: AWS::Cassandra::Table
    Properties:
      KeyspaceName: app
      EncryptionSpecification:
        EncryptionType: AWS_OWNED_KMS_KEY
"#,
            fixed_example: r#"Resources:
  Events:
    Type: AWS::Cassandra::Table
    Properties:
      KeyspaceName: app
      EncryptionSpecification:
        EncryptionType: CUSTOMER_MANAGED_KMS_KEY
        KmsKeyIdentifier: !GetAtt EventsKey.Arn
"#,
        }),
    },
};

static TF: KmsMode = KmsMode {
    block: "encryption_specification",
    mode: "type",
    kms: &["CUSTOMER_MANAGED_KMS_KEY"],
    fix: "\"CUSTOMER_MANAGED_KMS_KEY\"",
    key: "kms_key_identifier",
    off: "the table is encrypted with a key AWS owns (the default `AWS_OWNED_KMS_KEY`), outside your account",
    keyless: "`CUSTOMER_MANAGED_KMS_KEY` needs the key",
};

static CFN: KmsMode =
    KmsMode { mode: "EncryptionType", key: "KmsKeyIdentifier", block: "EncryptionSpecification", ..TF };

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_keyspaces_table").collect::<Vec<_>>() {
        check_kms_mode_tf(ctx, res, &TF);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::Cassandra::Table").collect::<Vec<_>>() {
        check_kms_mode_cfn(ctx, res, &CFN);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_tables_on_an_aws_owned_key() {
        let tf = r#"resource "aws_keyspaces_table" "absent" {
  table_name = "a"
}
resource "aws_keyspaces_table" "owned" {
  encryption_specification {
    type = "AWS_OWNED_KMS_KEY"
  }
}
resource "aws_keyspaces_table" "keyless" {
  encryption_specification {
    type = "CUSTOMER_MANAGED_KMS_KEY"
  }
}
resource "aws_keyspaces_table" "cmk" {
  encryption_specification {
    type               = "CUSTOMER_MANAGED_KMS_KEY"
    kms_key_identifier = aws_kms_key.k.arn
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 6, 10]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn cloudformation_tables() {
        let yaml = "Resources:\n  A:\n    Type: AWS::Cassandra::Table\n    Properties:\n      KeyspaceName: app\n  B:\n    Type: AWS::Cassandra::Table\n    Properties:\n      EncryptionSpecification:\n        EncryptionType: CUSTOMER_MANAGED_KMS_KEY\n        KmsKeyIdentifier: !Ref Key\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
