use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "sagemaker-domain-not-encrypted-cmk",
    title: "SageMaker Studio domain is not encrypted with a customer-managed KMS key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "SageMaker",
    why: "The domain's EFS home directories hold every Studio user's notebooks and data; a customer-managed key governs who can decrypt them.",
    aws_side: "AWS encrypts with its own key by default. The customer-managed key is the customer's choice.",
    equivalents: Equivalents { checkov: &["CKV_AWS_187"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_sagemaker_domain"],
            path: "kms_key_id",
            example: r#"resource "aws_sagemaker_domain" "this" {
  domain_name = "studio"
  auth_mode   = "IAM"
  vpc_id      = aws_vpc.main.id
}"#,
            fixed: r#"resource "aws_sagemaker_domain" "this" {
  domain_name = "studio"
  auth_mode   = "IAM"
  vpc_id      = aws_vpc.main.id
  kms_key_id = "<customer-managed-kms-key-arn>"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::SageMaker::Domain"],
            path: "KmsKeyId",
            example: r#"Resources:
  This:
    Type: AWS::SageMaker::Domain
    Properties:
      DomainName: studio
      AuthMode: IAM
"#,
            fixed: r#"Resources:
  This:
    Type: AWS::SageMaker::Domain
    Properties:
      DomainName: studio
      AuthMode: IAM
      KmsKeyId: '<customer-managed-kms-key-arn>'
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Kms,
        absent: Some("its users' home directories are encrypted with a key AWS manages"),
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
        let (tf, cfn) = (tf_example(&RULE), cfn_example(&RULE));
        assert_eq!(check_fixes(&RULE, &tf.0), 1);
        assert!(lines(&RULE, &tf.1).is_empty());
        assert_eq!(check_cfn_fixes(&RULE, &cfn.0), 1);
        assert!(cfn_lines(&RULE, &cfn.1).is_empty());
    }
}
