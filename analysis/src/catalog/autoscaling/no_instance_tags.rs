use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::kit::autoscaling::groups;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "asg-no-instance-tags",
    title: "Auto Scaling group does not tag the instances it launches",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "Auto Scaling",
    why: "Untagged instances cannot be attributed to an owner, cost centre or environment, slip through tag-based \
          IAM conditions, backup plans and patch groups, and are hard to find during an incident.",
    aws_side: "AWS copies a group's tags to its instances only when told to. Tagging is the customer's governance.",
    equivalents: Equivalents { checkov: &["CKV_AWS_153"], kics: &["ba48df05-eaa1-4d64-905e-4a4b051e7587"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags Auto Scaling groups without tags (no `tag` block or `tags` in Terraform, no `tags`, \
               `tags_as_map` or `autoscaling_group_tags` for the `autoscaling` module, no `Tags` in CloudFormation), \
               or whose every tag has `propagate_at_launch = false`.",
        fix: "Add tags (at least an owner and an environment) with `propagate_at_launch = true`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_autoscaling_group"],
            check,
            example: r#"resource "aws_autoscaling_group" "web" {
  max_size = 4
  min_size = 2
}"#,
            fixed_example: r#"resource "aws_autoscaling_group" "web" {
  max_size = 4
  min_size = 2
  tag {
    key                 = "Name"
    value               = "<name>"
    propagate_at_launch = true
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
"#,
            fixed_example: r#"Resources:
  Web:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MaxSize: '4'
      MinSize: '2'
      Tags:
        - Key: Name
          PropagateAtLaunch: true
          Value: <name>
"#,
        }),
    },
};

const FIX: &str = "Tag the instances (placeholder to replace)";

fn check(ctx: &mut TfContext) {
    for res in groups(ctx) {
        let file = ctx.file(res);
        if res.is_module() {
            let inputs = ["tags", "tags_as_map", "autoscaling_group_tags", "tag"];
            if inputs.iter().any(|i| ctx.attr(res.block, i).is_some()) || ctx.block_of(res.block, "tag").is_some() {
                continue;
            }
            let fix = Fix::unsafe_(FIX, vec![edit::set_attribute(file, res.block, "tags", "{ Name = \"<name>\" }")]);
            let message = format!("`{}` sets no tags, so its instances are launched untagged", res.address());
            ctx.report_with_fix(res, res.block.header, message, fix);
            continue;
        }
        let mut tags: Vec<Option<bool>> = ctx
            .nested(res.config(), "tag")
            .into_iter()
            .map(|t| match ctx.field(t, "propagate_at_launch") {
                Some((_, v)) => v.as_bool(),
                None => Some(false),
            })
            .collect();
        match ctx.attr(res.block, "tags") {
            Some((_, Value::List(items))) => tags.extend(items.iter().map(|t| match t.get("propagate_at_launch") {
                Value::Unknown => None,
                v => Some(v.as_bool().unwrap_or(false)),
            })),
            Some(_) => tags.push(None),
            None => {}
        }
        if tags.is_empty() {
            let block = "tag {\n  key                 = \"Name\"\n  value               = \"<name>\"\n  propagate_at_launch = true\n}";
            let fix = Fix::unsafe_(FIX, vec![edit::insert_in_block(file, res.block, block)]);
            let message = format!("`{}` sets no tags, so its instances are launched untagged", res.address());
            ctx.report_with_fix(res, res.block.header, message, fix);
        } else if tags.iter().all(|t| *t == Some(false)) {
            let message =
                format!("`{}` propagates none of its tags, so its instances are launched untagged", res.address());
            ctx.report(res, res.block.header, message);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::AutoScaling::AutoScalingGroup").collect::<Vec<_>>() {
        if res.properties.is_some_and(|p| p.intrinsic().is_some()) {
            continue;
        }
        match ctx.prop(res, "Tags") {
            None | Some((_, Value::Null)) => {
                let tag = json!([{"Key": "Name", "Value": "<name>", "PropagateAtLaunch": true}]);
                let edit = cfn_edit::set_property(ctx.template, res, "Tags", &tag);
                let message = format!("`{}` sets no tags, so its instances are launched untagged", res.logical_id);
                let range = ctx.header(res);
                ctx.report(res, range, message).fixes.push(Fix::unsafe_(FIX, vec![edit]));
            }
            Some((_, Value::List(items))) => {
                let propagated = |t: &Value| match t.get("PropagateAtLaunch") {
                    Value::Unknown => None,
                    v => Some(v.as_bool().unwrap_or(false)),
                };
                if items.iter().all(|t| propagated(t) == Some(false)) {
                    let message = if items.is_empty() {
                        format!("`{}` sets no tags, so its instances are launched untagged", res.logical_id)
                    } else {
                        format!(
                            "`{}` propagates none of its tags, so its instances are launched untagged",
                            res.logical_id
                        )
                    };
                    let range = ctx.prop_range(res, "Tags").unwrap_or(ctx.header(res));
                    ctx.report(res, range, message);
                }
            }
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_untagged_groups() {
        let tf = r#"resource "aws_autoscaling_group" "none" {
  max_size = 1
}
resource "aws_autoscaling_group" "block" {
  tag {
    key                 = "Name"
    value               = "web"
    propagate_at_launch = true
  }
}
resource "aws_autoscaling_group" "list" {
  tags = concat([{ key = "Name", value = "web", propagate_at_launch = true }], var.extra)
}
resource "aws_autoscaling_group" "unpropagated" {
  tag {
    key                 = "Name"
    value               = "web"
    propagate_at_launch = false
  }
}
module "asg" {
  source             = "terraform-aws-modules/autoscaling/aws"
  tag_specifications = []
}
module "tagged" {
  source = "terraform-aws-modules/autoscaling/aws"
  tags   = { Owner = "team" }
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 14, 21]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_untagged_groups() {
        let yaml = "Resources:\n  A:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties:\n      MaxSize: '1'\n  B:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties:\n      Tags:\n        - {Key: Name, Value: web, PropagateAtLaunch: 'true'}\n  C:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties:\n      Tags:\n        - {Key: Name, Value: web, PropagateAtLaunch: false}\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 14]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
