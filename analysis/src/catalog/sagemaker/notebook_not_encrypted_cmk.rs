use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "sagemaker-notebook-not-encrypted-cmk",
    title: "SageMaker notebook instance storage is not encrypted with a customer-managed KMS key",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "SageMaker",
    why: "Notebook volumes hold training data, credentials left in notebooks and model artefacts; a customer-managed key lets you restrict and audit who can decrypt them, and revoke access by disabling the key.",
    aws_side: "SageMaker encrypts the volume with a key AWS manages by default. Choosing a customer-managed key is the customer's.",
    equivalents: Equivalents { checkov: &["CKV_AWS_22", "CKV_AWS_187"], kics: &["f3674e0c-f6be-43fa-b71c-bf346d1aed99", "709e6da6-fa1f-44cc-8f17-7f25f96dadbe"], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_sagemaker_notebook_instance"],
            path: "kms_key_id",
            example: r#"resource "aws_sagemaker_notebook_instance" "this" {
  name          = "research"
  role_arn      = aws_iam_role.notebook.arn
  instance_type = "ml.t3.medium"
}"#,
            fixed: r#"resource "aws_sagemaker_notebook_instance" "this" {
  name          = "research"
  role_arn      = aws_iam_role.notebook.arn
  instance_type = "ml.t3.medium"
  kms_key_id = "<customer-managed-kms-key-arn>"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::SageMaker::NotebookInstance"],
            path: "KmsKeyId",
            example: r#"Resources:
  This:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: !GetAtt NotebookRole.Arn
"#,
            fixed: r#"Resources:
  This:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: !GetAtt NotebookRole.Arn
      KmsKeyId: '<customer-managed-kms-key-arn>'
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Kms,
        absent: Some("its storage is encrypted with a key AWS manages, which no key policy of yours governs"),
        insecure: "an AWS-managed key is governed by no key policy of yours",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_example, cfn_lines, check_cfn_fixes, check_fixes, lines, tf_example};

    #[test]
    fn flags_the_setting_in_both_formats() {
        assert_eq!(
            lines(
                &RULE,
                r#"resource "aws_sagemaker_notebook_instance" "t" {
  name          = "research"
  role_arn      = aws_iam_role.notebook.arn
  instance_type = "ml.t3.medium"
  kms_key_id = ""
}
"#
            )
            .len(),
            1
        );
        assert_eq!(
            lines(
                &RULE,
                r#"resource "aws_sagemaker_notebook_instance" "t" {
  name          = "research"
  role_arn      = aws_iam_role.notebook.arn
  instance_type = "ml.t3.medium"
  kms_key_id = aws_kms_key.k.arn
}
"#
            )
            .len(),
            0
        );
        assert_eq!(
            cfn_lines(
                &RULE,
                r#"Resources:
  T:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: !GetAtt NotebookRole.Arn
      KmsKeyId: ""
"#
            )
            .len(),
            1
        );
        let (tf, cfn) = (tf_example(&RULE), cfn_example(&RULE));
        assert_eq!(check_fixes(&RULE, &tf.0), 1);
        assert!(lines(&RULE, &tf.1).is_empty());
        assert_eq!(check_cfn_fixes(&RULE, &cfn.0), 1);
        assert!(cfn_lines(&RULE, &cfn.1).is_empty());
    }
}
