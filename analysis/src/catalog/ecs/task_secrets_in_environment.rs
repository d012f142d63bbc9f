use crate::cloudformation::check::CfnContext;
use crate::kit::ecs::{cfn_containers, containers};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "ecs-task-secrets-in-environment",
    title: "ECS task definition puts secrets in plain environment variables",
    severity: Severity::High,
    row: Row::DataSharing,
    service: "ECS",
    why: "Environment variables are stored in the task definition: anyone allowed `ecs:DescribeTaskDefinition` \
          reads them, they are copied to every revision and shown in the console, so a secret there leaks to \
          everyone who can read the account's ECS configuration.",
    aws_side: "AWS injects `secrets` from Secrets Manager or Parameter Store when the task starts. Using them is the \
               customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &[],
        kics: &[],
        trivy: &["AVD-AWS-0036", "aws-ecs-no-plaintext-secrets"],
        how: "Trivy scans environment values for secret patterns; onus flags literal values of variables named as \
              secrets (password, secret, token, API or access key, private key, credentials).",
    },
    matcher: &Custom {
        what: "Flags task definitions with a container `environment` entry whose name says it holds a secret \
               (`PASSWORD`, `PASSWD`, `*_PWD`, `SECRET`, `TOKEN`, `API_KEY`, `APIKEY`, `ACCESS_KEY`, `PRIVATE_KEY`, \
               `CREDENTIAL`) and whose value is written in the configuration. Values from references, and names of \
               references to secrets (`*_ARN`, `*_NAME`, `*_FILE`, ...), are not flagged. The value is never shown.",
        fix: "Move the value to Secrets Manager or an SSM SecureString parameter and list it in the container's \
              `secrets` (`valueFrom`) instead of `environment`.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ecs_task_definition"],
            check,
            example: r#"resource "aws_ecs_task_definition" "app" {
  family = "app"
  container_definitions = jsonencode([{
    name  = "app"
    image = "app:1.0"
    environment = [
      { name = "DB_PASSWORD", value = "hunter2hunter2" },
    ]
  }])
}"#,
            fixed_example: r#"resource "aws_ecs_task_definition" "app" {
  family = "app"
  container_definitions = jsonencode([{
    name  = "app"
    image = "app:1.0"
    secrets = [
      { name = "DB_PASSWORD", valueFrom = aws_secretsmanager_secret.db.arn },
    ]
  }])
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ECS::TaskDefinition"],
            check: check_cfn,
            example: r#"Resources:
  App:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: app
          Image: app:1.0
          Environment:
            - Name: DB_PASSWORD
              Value: hunter2hunter2
"#,
            fixed_example: r#"Resources:
  App:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: app
          Image: app:1.0
          Secrets:
            - Name: DB_PASSWORD
              ValueFrom: !Ref DbPasswordSecret
"#,
        }),
    },
};

/// Whether a variable's name says it holds a secret (and not a pointer to one).
fn secret_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    let pointer = ["_ARN", "_NAME", "_FILE", "_PATH", "_URL", "_URI", "_ID", "_ENDPOINT", "_REGION", "_TYPE"]
        .iter()
        .any(|s| n.ends_with(s));
    let secret =
        ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "APIKEY", "ACCESS_KEY", "PRIVATE_KEY", "CREDENTIAL"]
            .iter()
            .any(|s| n.contains(s))
            || n.ends_with("_PWD");
    secret && !pointer
}

/// Whether a written value looks like a secret rather than a switch or a reference to one.
fn secret_value(value: &str) -> bool {
    let v = value.trim();
    let switch =
        ["true", "false", "yes", "no", "on", "off", "enabled", "disabled"].iter().any(|s| v.eq_ignore_ascii_case(s));
    let reference =
        v.starts_with("arn:aws:secretsmanager:") || v.starts_with("arn:aws:ssm:") || v.contains("{{resolve:");
    v.chars().count() >= 4 && !switch && !reference
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_ecs_task_definition").collect::<Vec<_>>() {
        let Some(list) = containers(ctx, res) else { continue };
        let Some(attr) = res.block.attr("container_definitions") else { continue };
        for c in list {
            let Some(env) = c.value.get("environment").as_list().map(<[Value]>::to_vec) else { continue };
            for e in env {
                let (Some(name), Some(value)) = (e.get("name").as_str(), e.get("value").as_str()) else { continue };
                if !secret_name(name) || !secret_value(value) {
                    continue;
                }
                let message = format!(
                    "`{}` writes the secret `{name}` of container{} in plain text in its environment",
                    res.address(),
                    c.name()
                );
                let range = c.object.and_then(|o| o.attr("environment")).map_or(attr.range, |f| f.range);
                ctx.report(res, range, message);
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ECS::TaskDefinition").collect::<Vec<_>>() {
        for c in cfn_containers(ctx, res) {
            for e in c.get("Environment").map(|n| n.items()).unwrap_or_default() {
                let Some(name) = e.get("Name").and_then(|n| n.as_str()) else { continue };
                // A literal: not a parameter, a dynamic reference or a function.
                let Some(entry) = e.entry("Value") else { continue };
                let Some(value) = entry.value.as_str() else { continue };
                if !secret_name(name) || !secret_value(value) {
                    continue;
                }
                let message =
                    format!("`{}` writes the secret `{name}` in plain text in its environment", res.logical_id);
                ctx.report(res, entry.range, message);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_literal_secrets_by_name() {
        let tf = r#"variable "token" {}
resource "aws_ecs_task_definition" "a" {
  container_definitions = jsonencode([{
    name = "app"
    environment = [
      { name = "DB_PASSWORD", value = "hunter2hunter2" },
      { name = "API_TOKEN", value = var.token },
      { name = "SECRET_ARN", value = "arn:aws:secretsmanager:eu-west-1:1:secret:x" },
      { name = "USE_TOKEN_AUTH", value = "true" },
      { name = "PWD", value = "/app" },
    ]
  }])
}
"#;
        assert_eq!(lines(&RULE, tf), [5]);
        let yaml = "Parameters:\n  Pw: {Type: String, NoEcho: true}\nResources:\n  A:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: a\n          Environment:\n            - {Name: APP_SECRET, Value: s3cr3tvalue}\n            - {Name: DB_PASSWORD, Value: !Ref Pw}\n            - {Name: API_KEY, Value: '{{resolve:secretsmanager:api}}'}\n";
        assert_eq!(cfn_lines(&RULE, yaml), [10]);
    }
}
