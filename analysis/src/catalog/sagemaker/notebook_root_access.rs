use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "sagemaker-notebook-root-access",
    title: "SageMaker notebook instance gives users root access",
    severity: Severity::Medium,
    row: Row::AccessRestriction,
    service: "SageMaker",
    why: "Root on the notebook lets any of its users change its software, disable the lifecycle configuration's controls, and read other users' files and the instance's credentials.",
    aws_side: "AWS provides the switch. Least privilege for notebook users is the customer's.",
    equivalents: Equivalents { checkov: &["CKV_AWS_307"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_sagemaker_notebook_instance"],
            path: "root_access",
            example: r#"resource "aws_sagemaker_notebook_instance" "this" {
  name          = "research"
  role_arn      = aws_iam_role.notebook.arn
  instance_type = "ml.t3.medium"
}"#,
            fixed: r#"resource "aws_sagemaker_notebook_instance" "this" {
  name          = "research"
  role_arn      = aws_iam_role.notebook.arn
  instance_type = "ml.t3.medium"
  root_access = "Disabled"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::SageMaker::NotebookInstance"],
            path: "RootAccess",
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
      RootAccess: Disabled
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::OneOf(&["Disabled"]),
        absent: Some("its users get root on the instance (the default is `Enabled`)"),
        insecure: "its users get root on the instance",
        fix_title: "Take root away from notebook users",
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
  root_access = "Enabled"
}
"#
            )
            .len(),
            1
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
      RootAccess: Enabled
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
