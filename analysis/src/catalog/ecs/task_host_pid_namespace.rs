use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "ecs-task-host-pid-namespace",
    title: "ECS task shares the host's process namespace",
    severity: Severity::Medium,
    row: Row::AccessRestriction,
    service: "ECS",
    why: "With the host's PID namespace, a container sees and can signal or trace every process on the instance, \
          other tasks and the ECS agent included, and can read their environment (credentials) through /proc.",
    aws_side: "AWS honours the namespace setting. Isolation choices are the customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_335"],
        kics: &[],
        trivy: &[],
        how: "Checkov reads a container-level `pidMode` key that ECS does not have; the setting is the task's \
              `pid_mode`.",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_ecs_task_definition"],
            path: "pid_mode",
            example: r#"resource "aws_ecs_task_definition" "agent" {
  family                = "agent"
  container_definitions = file("agent.json")
  pid_mode              = "host"
}"#,
            fixed: r#"resource "aws_ecs_task_definition" "agent" {
  family                = "agent"
  container_definitions = file("agent.json")
  pid_mode              = "task"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::ECS::TaskDefinition"],
            path: "PidMode",
            example: r#"Resources:
  Agent:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: agent
      PidMode: host
"#,
            fixed: r#"Resources:
  Agent:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: agent
      PidMode: task
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::NoneOf { insecure: &["host"], fix: "task" },
        absent: None,
        insecure: "its containers see and can signal every process of the instance",
        fix_title: "Give the task its own process namespace",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_host_pid_mode() {
        let tf = "resource \"aws_ecs_task_definition\" \"a\" {\n  pid_mode = \"host\"\n}\nresource \"aws_ecs_task_definition\" \"b\" {\n  family = \"b\"\n}\n";
        assert_eq!(lines(&RULE, tf), [2]);
        let yaml = "Resources:\n  A:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      PidMode: host\n  B:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      PidMode: task\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
    }
}
