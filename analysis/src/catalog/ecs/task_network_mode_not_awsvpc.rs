use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "ecs-task-network-mode-not-awsvpc",
    title: "ECS task definition does not use the awsvpc network mode",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "ECS",
    why: "Only awsvpc gives each task its own network interface and security group, so tasks on one host can be \
          isolated from each other and filtered individually; in bridge and host modes all tasks share the \
          instance's security group, and host mode also exposes the containers' ports directly on the instance.",
    aws_side: "AWS implements each mode. Picking the one that allows per-task security groups is the customer's.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["9f4a9409-9c60-4671-be96-9716dbf63db1", "027a4b7a-8a59-4938-a04f-ed532512cf45"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_ecs_task_definition"],
            path: "network_mode",
            example: r#"resource "aws_ecs_task_definition" "app" {
  family                = "app"
  container_definitions = file("app.json")
  network_mode          = "host"
}"#,
            fixed: r#"resource "aws_ecs_task_definition" "app" {
  family                = "app"
  container_definitions = file("app.json")
  network_mode          = "awsvpc"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::ECS::TaskDefinition"],
            path: "NetworkMode",
            example: r#"Resources:
  App:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: app
      NetworkMode: bridge
"#,
            fixed: r#"Resources:
  App:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: app
      NetworkMode: awsvpc
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::NoneOf { insecure: &["bridge", "host", "none"], fix: "awsvpc" },
        absent: Some("its tasks use the bridge mode and cannot have security groups of their own"),
        insecure: "its tasks cannot have security groups of their own (a task that needs no network at all: suppress)",
        fix_title: "Give each task its own interface and security group (awsvpc)",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_shared_network_modes() {
        let tf = "resource \"aws_ecs_task_definition\" \"a\" {\n  network_mode = \"none\"\n}\nresource \"aws_ecs_task_definition\" \"b\" {\n  network_mode = \"awsvpc\"\n}\nresource \"aws_ecs_task_definition\" \"c\" {\n  family = \"c\"\n}\n";
        // Left out, EC2 runs the tasks in bridge mode.
        assert_eq!(lines(&RULE, tf), [2, 7]);
        let yaml = "Resources:\n  A:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      NetworkMode: none\n  B:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      NetworkMode: awsvpc\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
    }
}
