use crate::cloudformation::check::CfnContext;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "asg-uses-launch-configuration",
    title: "Auto Scaling group uses a launch configuration instead of a launch template",
    severity: Severity::Low,
    row: Row::OsPatching,
    service: "Auto Scaling",
    why: "Launch configurations are deprecated: they get no new instance types or features, cannot use newer \
          metadata options or versioned, auditable changes, and AWS has stopped adding support for them; fleets \
          left on them drift away from patched, hardened defaults.",
    aws_side: "AWS maintains launch templates and is retiring launch configurations. Migrating is the customer's \
               task.",
    equivalents: Equivalents { checkov: &["CKV_AWS_315"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags Auto Scaling groups (`aws_autoscaling_group`, `AWS::AutoScaling::AutoScalingGroup`) that launch \
               from a launch configuration, or name no launch template either directly or in a mixed instances \
               policy.",
        fix: "Create an `aws_launch_template` (CloudFormation `AWS::EC2::LaunchTemplate`) with the same settings \
              and reference it in `launch_template` (`LaunchTemplate`).",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_autoscaling_group"],
            check,
            example: r#"resource "aws_autoscaling_group" "web" {
  max_size             = 4
  min_size             = 2
  launch_configuration = aws_launch_configuration.web.name
}"#,
            fixed_example: r#"resource "aws_autoscaling_group" "web" {
  max_size = 4
  min_size = 2
  launch_template {
    id      = aws_launch_template.web.id
    version = "$Latest"
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::AutoScaling::AutoScalingGroup"],
            check: check_cfn,
            example: r#"Resources:
  Web:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MaxSize: '4'
      MinSize: '2'
      LaunchConfigurationName: !Ref WebConfig
"#,
            fixed_example: r#"Resources:
  Web:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MaxSize: '4'
      MinSize: '2'
      LaunchTemplate:
        LaunchTemplateId: !Ref WebTemplate
        Version: !GetAtt WebTemplate.LatestVersionNumber
"#,
        }),
    },
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_autoscaling_group").collect::<Vec<_>>() {
        let direct = !ctx.nested(res.config(), "launch_template").is_empty();
        let mixed = ctx
            .nested(res.config(), "mixed_instances_policy")
            .into_iter()
            .flat_map(|m| ctx.nested(m, "launch_template"))
            .next()
            .is_some();
        if direct || mixed || res.block.blocks.iter().any(|b| b.kind == "dynamic") {
            continue;
        }
        let (range, message) = match res.block.attr("launch_configuration") {
            Some(a) => (a.range, format!("`{}` launches from a deprecated launch configuration", res.address())),
            None => (res.block.header, format!("`{}` names no launch template", res.address())),
        };
        ctx.report(res, range, message);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::AutoScaling::AutoScalingGroup").collect::<Vec<_>>() {
        let Some(props) = res.properties.filter(|p| p.intrinsic().is_none()) else { continue };
        if props.get("LaunchTemplate").is_some() || props.get("MixedInstancesPolicy").is_some() {
            continue;
        }
        let (range, message) = match ctx.prop_range(res, "LaunchConfigurationName") {
            Some(r) => (r, format!("`{}` launches from a deprecated launch configuration", res.logical_id)),
            None => (ctx.header(res), format!("`{}` names no launch template", res.logical_id)),
        };
        ctx.report(res, range, message);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_launch_configurations() {
        let tf = r#"resource "aws_autoscaling_group" "lc" {
  launch_configuration = aws_launch_configuration.a.name
}
resource "aws_autoscaling_group" "lt" {
  launch_template {
    id = aws_launch_template.a.id
  }
}
resource "aws_autoscaling_group" "mixed" {
  mixed_instances_policy {
    launch_template {
      launch_template_specification {
        launch_template_id = aws_launch_template.a.id
      }
    }
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [2]);
        let yaml = "Resources:\n  A:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties:\n      LaunchConfigurationName: lc\n  B:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties:\n      LaunchTemplate: {LaunchTemplateId: lt, Version: '1'}\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
    }
}
