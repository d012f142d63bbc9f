use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::kit::setting::tf_path_value;
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};
use crate::terraform::check::{Resource, TfContext};

pub static RULE: Rule = Rule {
    id: "athena-workgroup-unencrypted",
    title: "Athena workgroup does not encrypt query results",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "Athena",
    why: "Every query's result set is written to S3 as a file; the results of queries over sensitive tables are \
          copies of that data. Without workgroup encryption they get whatever the output bucket does, and clients \
          may write them unencrypted.",
    aws_side: "AWS encrypts results as the workgroup says; saying it is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_159"],
        kics: &["d364984a-a222-4b5f-a8b0-e23ab19ebff3"],
        trivy: &["AVD-AWS-0006", "aws-athena-enable-at-rest-encryption"],
    },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_athena_workgroup"],
            path: "configuration.result_configuration.encryption_configuration.encryption_option",
            applies: Some(applies),
            example: r#"resource "aws_athena_workgroup" "analysts" {
  name = "analysts"
}"#,
            fixed: r#"resource "aws_athena_workgroup" "analysts" {
  name = "analysts"
  configuration {
    result_configuration {
      encryption_configuration {
        encryption_option = "SSE_S3"
      }
    }
  }
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::Athena::WorkGroup"],
            path: "WorkGroupConfiguration.ResultConfiguration.EncryptionConfiguration.EncryptionOption",
            applies: Some(applies_cfn),
            example: r#"Resources:
  Analysts:
    Type: AWS::Athena::WorkGroup
    Properties:
      Name: analysts
"#,
            fixed: r#"Resources:
  Analysts:
    Type: AWS::Athena::WorkGroup
    Properties:
      Name: analysts
      WorkGroupConfiguration:
        ResultConfiguration:
          EncryptionConfiguration:
            EncryptionOption: SSE_S3
"#,
        }),
        want: Want::OneOf(&["SSE_S3", "SSE_KMS", "CSE_KMS"]),
        absent: Some("its query results are written without an encryption option of their own"),
        insecure: "its query results are written without encryption",
        fix: "Set the result configuration's `encryption_option` to `SSE_KMS` with a customer-managed `kms_key_arn` \
              (or `SSE_S3`), and enforce the workgroup's configuration; in CloudFormation, \
              `WorkGroupConfiguration.ResultConfiguration.EncryptionConfiguration`.",
        fix_title: "Encrypt the query results",
    },
};

/// Results kept by Athena itself (managed query results) are always encrypted.
fn applies(ctx: &TfContext, res: Resource) -> bool {
    let managed = tf_path_value(ctx, res.config(), "configuration.managed_query_results_configuration.enabled");
    managed.is_none_or(|v| v.as_bool() != Some(true))
}

fn applies_cfn(ctx: &CfnContext, res: CfnResource) -> bool {
    let managed = ctx.prop(res, "WorkGroupConfiguration.ManagedQueryResultsConfiguration.Enabled");
    managed.is_none_or(|(_, v)| v.as_bool() != Some(true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_workgroups_without_result_encryption() {
        // KICS: no configuration, no result configuration, no encryption configuration.
        let tf = r#"resource "aws_athena_workgroup" "bare" {
  name = "bare"
}
resource "aws_athena_workgroup" "no_results" {
  configuration {
    enforce_workgroup_configuration = true
  }
}
resource "aws_athena_workgroup" "no_encryption" {
  configuration {
    result_configuration {
      output_location = "s3://results/"
    }
  }
}
resource "aws_athena_workgroup" "kms" {
  configuration {
    result_configuration {
      encryption_configuration {
        encryption_option = "SSE_KMS"
        kms_key_arn       = aws_kms_key.k.arn
      }
    }
  }
}
resource "aws_athena_workgroup" "managed" {
  configuration {
    managed_query_results_configuration {
      enabled = true
    }
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 5, 11]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn cloudformation_result_encryption() {
        let yaml = "Resources:\n  A:\n    Type: AWS::Athena::WorkGroup\n    Properties:\n      WorkGroupConfiguration:\n        ResultConfiguration:\n          OutputLocation: s3://results/\n  B:\n    Type: AWS::Athena::WorkGroup\n    Properties:\n      WorkGroupConfiguration:\n        ResultConfiguration:\n          EncryptionConfiguration:\n            EncryptionOption: CSE_KMS\n            KmsKey: !Ref Key\n";
        assert_eq!(cfn_lines(&RULE, yaml), [7]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
