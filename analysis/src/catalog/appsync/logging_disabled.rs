use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "appsync-logging-disabled",
    title: "AppSync GraphQL API does not log to CloudWatch",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "AppSync",
    why: "Without request logs, queries that scrape data or probe resolvers leave no trace.",
    aws_side: "AppSync writes request and resolver logs with the role the customer provides.",
    equivalents: Equivalents { checkov: &["CKV_AWS_193"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_appsync_graphql_api"],
            path: "log_config.cloudwatch_logs_role_arn",
            example: r#"resource "aws_appsync_graphql_api" "api" {
  name                = "api"
  authentication_type = "AMAZON_COGNITO_USER_POOLS"
}"#,
            fixed: r#"resource "aws_appsync_graphql_api" "api" {
  name                = "api"
  authentication_type = "AMAZON_COGNITO_USER_POOLS"
  log_config {
    cloudwatch_logs_role_arn = "<logs-role-arn>"
  }
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::AppSync::GraphQLApi"],
            path: "LogConfig.CloudWatchLogsRoleArn",
            example: r#"Resources:
  Api:
    Type: AWS::AppSync::GraphQLApi
    Properties:
      Name: api
      AuthenticationType: AMAZON_COGNITO_USER_POOLS
"#,
            fixed: r#"Resources:
  Api:
    Type: AWS::AppSync::GraphQLApi
    Properties:
      Name: api
      AuthenticationType: AMAZON_COGNITO_USER_POOLS
      LogConfig:
        CloudWatchLogsRoleArn: '<logs-role-arn>'
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Present { placeholder: "<logs-role-arn>" },
        absent: Some("its requests and resolver errors are not logged"),
        insecure: "its requests and resolver errors are not logged",
        fix: "Set `log_config { cloudwatch_logs_role_arn = <role AppSync may assume to write logs>, field_log_level = \
              \"ERROR\" }`. In CloudFormation: `LogConfig.CloudWatchLogsRoleArn`.",
        fix_title: "Log to CloudWatch (placeholder role to replace)",
    },
};
