use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "sagemaker-notebook-not-in-vpc",
    title: "SageMaker notebook instance is not placed in a VPC",
    severity: Severity::Medium,
    row: Row::NetworkSecurity,
    service: "SageMaker",
    why: "Outside a VPC the notebook cannot use your security groups, VPC endpoints or flow logs; its traffic to data stores goes over SageMaker's network instead of paths you control and monitor.",
    aws_side: "SageMaker runs the instance. Attaching it to a customer VPC is the customer's.",
    equivalents: Equivalents { checkov: &["CKV_AWS_306"], kics: &["9c7028d9-04c2-45be-b8b2-1188ccaefb36"], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_sagemaker_notebook_instance"],
            path: "subnet_id",
            example: r#"resource "aws_sagemaker_notebook_instance" "this" {
  name          = "research"
  role_arn      = aws_iam_role.notebook.arn
  instance_type = "ml.t3.medium"
}"#,
            fixed: r#"resource "aws_sagemaker_notebook_instance" "this" {
  name          = "research"
  role_arn      = aws_iam_role.notebook.arn
  instance_type = "ml.t3.medium"
  subnet_id = "<private-subnet-id>"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::SageMaker::NotebookInstance"],
            path: "SubnetId",
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
      SubnetId: '<private-subnet-id>'
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Present { placeholder: "<private-subnet-id>" },
        absent: Some("it runs on SageMaker's network, outside your security groups, endpoints and flow logs"),
        insecure: "it runs on SageMaker's network",
        fix_title: "Place it in a subnet (placeholder to replace)",
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
  subnet_id = aws_subnet.private.id
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
      SecurityGroupIds: [!Ref Sg]
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
