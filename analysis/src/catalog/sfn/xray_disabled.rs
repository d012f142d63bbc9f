use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "sfn-xray-disabled",
    title: "Step Functions state machine does not trace with X-Ray",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "Step Functions",
    why: "Without tracing, a failing step of a distributed workflow cannot be located across the services it calls.",
    aws_side: "Step Functions emits traces when the state machine asks for them.",
    equivalents: Equivalents { checkov: &["CKV_AWS_284"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_sfn_state_machine"],
            path: "tracing_configuration.enabled",
            example: r#"resource "aws_sfn_state_machine" "orders" {
  name     = "orders"
  role_arn = aws_iam_role.sfn.arn
}"#,
            fixed: r#"resource "aws_sfn_state_machine" "orders" {
  name     = "orders"
  role_arn = aws_iam_role.sfn.arn
  tracing_configuration {
    enabled = true
  }
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::StepFunctions::StateMachine"],
            path: "TracingConfiguration.Enabled",
            example: r#"Resources:
  Orders:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: !GetAtt SfnRole.Arn
"#,
            fixed: r#"Resources:
  Orders:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: !GetAtt SfnRole.Arn
      TracingConfiguration:
        Enabled: true
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Bool(true),
        absent: Some("its executions are not traced with X-Ray"),
        insecure: "its executions are not traced with X-Ray",
        ..Setting::DEFAULT
    },
};
