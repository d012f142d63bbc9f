use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "appsync-field-logging-disabled",
    title: "AppSync field-level logging is turned off",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "AppSync",
    why: "Resolver errors and authorization failures are recorded only at field level; with `NONE`, abuse of \
          individual fields is invisible. (`ALL` can log resolver payloads with personal data: `ERROR` is the \
          usual choice.)",
    aws_side: "AppSync emits field-level records only at the level the customer selects.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_194"],
        kics: &[],
        trivy: &[],
        how: "CKV_AWS_194 accepts only `ALL` and `ERROR` (not `INFO` and `DEBUG`, added in 2024) and also flags APIs \
              without any `log_config` (`appsync-logging-disabled`'s finding).",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_appsync_graphql_api"],
            path: "log_config?.field_log_level",
            example: r#"resource "aws_appsync_graphql_api" "api" {
  name                = "api"
  authentication_type = "AMAZON_COGNITO_USER_POOLS"

  log_config {
    cloudwatch_logs_role_arn = aws_iam_role.appsync_logs.arn
    field_log_level          = "NONE"
  }
}"#,
            fixed: r#"resource "aws_appsync_graphql_api" "api" {
  name                = "api"
  authentication_type = "AMAZON_COGNITO_USER_POOLS"

  log_config {
    cloudwatch_logs_role_arn = aws_iam_role.appsync_logs.arn
    field_log_level          = "ERROR"
  }
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::AppSync::GraphQLApi"],
            path: "LogConfig?.FieldLogLevel",
            example: r#"Resources:
  Api:
    Type: AWS::AppSync::GraphQLApi
    Properties:
      Name: api
      LogConfig:
        CloudWatchLogsRoleArn: !GetAtt AppSyncLogs.Arn
"#,
            fixed: r#"Resources:
  Api:
    Type: AWS::AppSync::GraphQLApi
    Properties:
      Name: api
      LogConfig:
        CloudWatchLogsRoleArn: !GetAtt AppSyncLogs.Arn
        FieldLogLevel: ERROR
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::OneOf(&["ERROR", "INFO", "DEBUG", "ALL"]),
        absent: Some("resolver errors and authorization failures are not logged"),
        insecure: "resolver errors and authorization failures are not logged",
        fix_title: "Log resolver errors (`ERROR`)",
        ..Setting::DEFAULT
    },
};
