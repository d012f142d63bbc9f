use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};
use crate::terraform::check::{Resource, TfContext};
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "ecs-fargate-platform-version-outdated",
    title: "ECS Fargate service is pinned to a retired platform version",
    severity: Severity::Low,
    row: Row::OsPatching,
    service: "ECS",
    why: "A service pinned to an old Fargate platform keeps its tasks on an older kernel and container runtime, \
          without the fixes and features of the current one (1.4.0 brought encrypted ephemeral storage and EFS \
          support, among others); AWS patches within a version but retires old versions.",
    aws_side: "AWS patches the Fargate platform. Moving off pinned old versions is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_332"],
        kics: &[],
        trivy: &[],
        how: "Checkov fails every Fargate service whose `platform_version` is not `LATEST`, the current Linux \
              version 1.4.0 included; onus flags only retired versions.",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_ecs_service"],
            path: "platform_version",
            applies: Some(on_fargate),
            example: r#"resource "aws_ecs_service" "api" {
  name             = "api"
  launch_type      = "FARGATE"
  platform_version = "1.3.0"
}"#,
            fixed: r#"resource "aws_ecs_service" "api" {
  name             = "api"
  launch_type      = "FARGATE"
  platform_version = "LATEST"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::ECS::Service"],
            path: "PlatformVersion",
            applies: Some(cfn_on_fargate),
            example: r#"Resources:
  Api:
    Type: AWS::ECS::Service
    Properties:
      LaunchType: FARGATE
      PlatformVersion: 1.3.0
"#,
            fixed: r#"Resources:
  Api:
    Type: AWS::ECS::Service
    Properties:
      LaunchType: FARGATE
      PlatformVersion: LATEST
"#,
        }),
        want: Want::NoneOf { insecure: &["1.0.0", "1.1.0", "1.2.0", "1.3.0"], fix: "LATEST" },
        absent: None,
        insecure: "its tasks run on a retired Fargate platform (Linux), without the current kernel and runtime",
        fix_title: "Run on the latest Fargate platform",
        ..Setting::DEFAULT
    },
};

fn fargate(v: &Value) -> bool {
    v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("FARGATE") || s.eq_ignore_ascii_case("FARGATE_SPOT"))
}

/// A Fargate service: its launch type, or a Fargate capacity provider.
fn on_fargate(ctx: &TfContext, res: Resource) -> bool {
    ctx.attr(res.block, "launch_type").is_some_and(|(_, v)| fargate(&v))
        || ctx
            .nested(res.config(), "capacity_provider_strategy")
            .into_iter()
            .any(|s| ctx.field(s, "capacity_provider").is_some_and(|(_, v)| fargate(&v)))
}

fn cfn_on_fargate(ctx: &CfnContext, res: CfnResource) -> bool {
    let strategies = ctx.prop(res, "CapacityProviderStrategy").and_then(|(_, v)| v.as_list().map(<[Value]>::to_vec));
    ctx.prop(res, "LaunchType").is_some_and(|(_, v)| fargate(&v))
        || strategies.unwrap_or_default().iter().any(|s| fargate(s.get("CapacityProvider")))
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_retired_fargate_versions() {
        let tf = r#"resource "aws_ecs_service" "old" {
  launch_type      = "FARGATE"
  platform_version = "1.2.0"
}
resource "aws_ecs_service" "current" {
  launch_type      = "FARGATE"
  platform_version = "1.4.0"
}
resource "aws_ecs_service" "spot" {
  capacity_provider_strategy {
    capacity_provider = "FARGATE_SPOT"
  }
  platform_version = "1.3.0"
}
resource "aws_ecs_service" "ec2" {
  launch_type      = "EC2"
  platform_version = "1.3.0"
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 13]);
        let yaml = "Resources:\n  A:\n    Type: AWS::ECS::Service\n    Properties:\n      CapacityProviderStrategy:\n        - CapacityProvider: FARGATE\n      PlatformVersion: 1.1.0\n";
        assert_eq!(cfn_lines(&RULE, yaml), [7]);
    }
}
