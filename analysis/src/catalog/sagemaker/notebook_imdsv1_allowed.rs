use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "sagemaker-notebook-imdsv1-allowed",
    title: "SageMaker notebook instance accepts IMDSv1",
    severity: Severity::Medium,
    row: Row::OsPatching,
    service: "SageMaker",
    why: "IMDSv1 answers unauthenticated GET requests, so any server-side request forgery in notebook code or a library can read the notebook's execution-role credentials; IMDSv2's session token blocks that.",
    aws_side: "AWS supports IMDSv2 on notebook instances. Requiring it is the customer's.",
    equivalents: Equivalents { checkov: &["CKV_AWS_371"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_sagemaker_notebook_instance"],
            path: "instance_metadata_service_configuration.minimum_instance_metadata_service_version",
            example: r#"resource "aws_sagemaker_notebook_instance" "this" {
  name          = "research"
  role_arn      = aws_iam_role.notebook.arn
  instance_type = "ml.t3.medium"
  instance_metadata_service_configuration {
    minimum_instance_metadata_service_version = "1"
  }
}"#,
            fixed: r#"resource "aws_sagemaker_notebook_instance" "this" {
  name          = "research"
  role_arn      = aws_iam_role.notebook.arn
  instance_type = "ml.t3.medium"
  instance_metadata_service_configuration {
    minimum_instance_metadata_service_version = "2"
  }
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::SageMaker::NotebookInstance"],
            path: "InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion",
            example: r#"Resources:
  This:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: !GetAtt NotebookRole.Arn
      InstanceMetadataServiceConfiguration:
        MinimumInstanceMetadataServiceVersion: '1'
"#,
            fixed: r#"Resources:
  This:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: !GetAtt NotebookRole.Arn
      InstanceMetadataServiceConfiguration:
        MinimumInstanceMetadataServiceVersion: '2'
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::OneOf(&["2"]),
        absent: Some("its metadata service still answers IMDSv1 requests, which carry no token"),
        insecure: "its metadata service answers IMDSv1 requests, which carry no token",
        fix_title: "Require IMDSv2",
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
}
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
