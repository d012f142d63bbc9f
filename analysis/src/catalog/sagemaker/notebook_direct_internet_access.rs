use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "sagemaker-notebook-direct-internet-access",
    title: "SageMaker notebook instance has direct internet access",
    severity: Severity::Medium,
    row: Row::NetworkSecurity,
    service: "SageMaker",
    why: "With direct internet access the notebook gets a SageMaker-managed path to the internet that bypasses your VPC's egress controls, so the data in the notebook (and whatever its execution role can read) can be sent anywhere, and packages pulled from anywhere.",
    aws_side: "SageMaker provides the managed path by default. Routing notebooks through your own VPC is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["88d55d94-315d-4564-beee-d2d725feab11"], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_122"],
        kics: &[],
        trivy: &[],
        how: "Checkov passes a notebook that leaves `direct_internet_access` out, although its default is `Enabled`.",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_sagemaker_notebook_instance"],
            path: "direct_internet_access",
            example: r#"resource "aws_sagemaker_notebook_instance" "this" {
  name          = "research"
  role_arn      = aws_iam_role.notebook.arn
  instance_type = "ml.t3.medium"
  subnet_id     = aws_subnet.private.id
  direct_internet_access = "Enabled"
}"#,
            fixed: r#"resource "aws_sagemaker_notebook_instance" "this" {
  name          = "research"
  role_arn      = aws_iam_role.notebook.arn
  instance_type = "ml.t3.medium"
  subnet_id     = aws_subnet.private.id
  direct_internet_access = "Disabled"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::SageMaker::NotebookInstance"],
            path: "DirectInternetAccess",
            example: r#"Resources:
  This:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: !GetAtt NotebookRole.Arn
      SubnetId: !Ref PrivateSubnet
      DirectInternetAccess: Enabled
"#,
            fixed: r#"Resources:
  This:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: !GetAtt NotebookRole.Arn
      SubnetId: !Ref PrivateSubnet
      DirectInternetAccess: Disabled
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::OneOf(&["Disabled"]),
        absent: Some("it reaches the internet directly, around your VPC's egress controls"),
        insecure: "it reaches the internet directly, around your VPC's egress controls",
        fix_title: "Send its traffic through the VPC (needs a subnet with a route out)",
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
  subnet_id     = aws_subnet.private.id
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
      SubnetId: !Ref PrivateSubnet
      DirectInternetAccess: Disabled
"#
            )
            .len(),
            0
        );
        let (tf, cfn) = (tf_example(&RULE), cfn_example(&RULE));
        assert_eq!(check_fixes(&RULE, &tf.0), 1);
        assert!(lines(&RULE, &tf.1).is_empty());
        assert_eq!(check_cfn_fixes(&RULE, &cfn.0), 1);
        assert!(cfn_lines(&RULE, &cfn.1).is_empty());
    }
}
