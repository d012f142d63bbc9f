use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "sagemaker-notebook-deprecated-platform",
    title: "SageMaker notebook instance runs on a deprecated platform",
    severity: Severity::Medium,
    row: Row::OsPatching,
    service: "SageMaker",
    why: "A notebook instance's platform fixes its operating system (Amazon Linux 1 or an early Amazon Linux 2 \
          image) and its JupyterLab. Deprecated platforms no longer receive security updates, so the instance, \
          which holds the role's credentials and often data, runs known-vulnerable software.",
    aws_side: "AWS builds the platform images and patches the current ones when the instance restarts. Choosing a \
               supported platform, and moving notebooks off deprecated ones, is the customer's duty.",
    equivalents: Equivalents::NONE,
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_sagemaker_notebook_instance"],
            path: "platform_identifier",
            example: r#"resource "aws_sagemaker_notebook_instance" "lab" {
  name                = "lab"
  role_arn            = aws_iam_role.lab.arn
  instance_type       = "ml.t3.medium"
  platform_identifier = "notebook-al2-v1"
}"#,
            fixed: r#"resource "aws_sagemaker_notebook_instance" "lab" {
  name                = "lab"
  role_arn            = aws_iam_role.lab.arn
  instance_type       = "ml.t3.medium"
  platform_identifier = "notebook-al2023-v1"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::SageMaker::NotebookInstance"],
            path: "PlatformIdentifier",
            example: r#"Resources:
  Lab:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: !GetAtt LabRole.Arn
      PlatformIdentifier: notebook-al1-v1
"#,
            fixed: r#"Resources:
  Lab:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: !GetAtt LabRole.Arn
      PlatformIdentifier: notebook-al2023-v1
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::NoneOf {
            insecure: &["notebook-al1-v1", "notebook-al2-v1", "notebook-al2-v2"],
            fix: "notebook-al2023-v1",
        },
        absent: None,
        insecure: "the platform is deprecated and no longer gets security updates",
        fix: "Set the platform to `notebook-al2023-v1` (Amazon Linux 2023, JupyterLab 4). Changing it replaces the \
              instance: keep notebooks in a Git repository or on S3 first.",
        fix_title: "Move to the Amazon Linux 2023 platform (replaces the instance)",
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_deprecated_platforms_only() {
        let tf = r#"resource "aws_sagemaker_notebook_instance" "al1" {
  platform_identifier = "notebook-al1-v1"
}
resource "aws_sagemaker_notebook_instance" "v2" {
  platform_identifier = "notebook-al2-v2"
}
resource "aws_sagemaker_notebook_instance" "v3" {
  platform_identifier = "notebook-al2-v3"
}
resource "aws_sagemaker_notebook_instance" "default" {
  name = "d"
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 5]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_platforms() {
        let yaml = "Resources:\n  A:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      PlatformIdentifier: notebook-al2-v1\n  B:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      PlatformIdentifier: notebook-al2023-v1\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
