use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "ecs-exec-logging-disabled",
    title: "ECS Exec sessions on the cluster are not logged",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "ECS",
    why: "ECS Exec gives interactive shells inside running containers; without session logging, the commands an \
          operator, or an attacker holding `ecs:ExecuteCommand`, runs leave no trace.",
    aws_side: "AWS relays the session through Systems Manager. Recording it is the customer's choice.",
    equivalents: Equivalents { checkov: &["CKV_AWS_223"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_ecs_cluster"],
            path: "configuration.execute_command_configuration.logging",
            example: r#"resource "aws_ecs_cluster" "main" {
  name = "main"
  configuration {
    execute_command_configuration {
      logging = "NONE"
    }
  }
}"#,
            fixed: r#"resource "aws_ecs_cluster" "main" {
  name = "main"
  configuration {
    execute_command_configuration {
      logging = "DEFAULT"
    }
  }
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::ECS::Cluster"],
            path: "Configuration.ExecuteCommandConfiguration.Logging",
            example: r#"Resources:
  Main:
    Type: AWS::ECS::Cluster
    Properties:
      Configuration:
        ExecuteCommandConfiguration:
          Logging: NONE
"#,
            fixed: r#"Resources:
  Main:
    Type: AWS::ECS::Cluster
    Properties:
      Configuration:
        ExecuteCommandConfiguration:
          Logging: DEFAULT
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::NoneOf { insecure: &["NONE"], fix: "DEFAULT" },
        absent: None,
        insecure: "commands run through ECS Exec leave no trace",
        fix_title: "Log ECS Exec sessions (to the tasks' log configuration)",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_exec_logging_off() {
        let tf = "resource \"aws_ecs_cluster\" \"a\" {\n  configuration {\n    execute_command_configuration {\n      logging = \"NONE\"\n    }\n  }\n}\nresource \"aws_ecs_cluster\" \"b\" {\n  name = \"b\"\n}\n";
        assert_eq!(lines(&RULE, tf), [4]);
        let yaml = "Resources:\n  A:\n    Type: AWS::ECS::Cluster\n    Properties:\n      Configuration:\n        ExecuteCommandConfiguration:\n          Logging: OVERRIDE\n";
        assert!(cfn_lines(&RULE, yaml).is_empty());
    }
}
