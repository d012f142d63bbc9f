use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "cfn-stackset-stacks-not-retained",
    title: "CloudFormation StackSet deletes its stacks (and their resources) when an instance or account is removed",
    severity: Severity::Low,
    row: Row::BusinessContinuity,
    service: "CloudFormation",
    why: "Removing a stack-set instance from code, or an account from the target organizational unit, otherwise \
          deletes the deployed stack and every resource in it (logging buckets, IAM roles, data stores) in that \
          account.",
    aws_side: "CloudFormation deletes or keeps the stacks as these settings say; the choice is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["6e0e2f68-3fd9-4cd8-a5e4-e2213ef0df97"], trivy: &[] },
    related: Related {
        checkov: &[],
        kics: &["fe974ae9-858e-4991-bbd5-e040a834679f"],
        trivy: &[],
        how: "KICS's CloudFormation query also flags stack sets whose automatic deployment is off (or absent), \
              which never delete stacks when an account leaves the organizational unit.",
    },
    matcher: &Custom {
        what: "Flags `aws_cloudformation_stack_set_instance` resources without `retain_stack = true`, and stack sets \
               with automatic deployment enabled but not `retain_stacks_on_account_removal` \
               (`AutoDeployment.RetainStacksOnAccountRemoval` in CloudFormation).",
        fix: "Set `retain_stack = true` on instances, and `retain_stacks_on_account_removal = true` with automatic \
              deployment.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_cloudformation_stack_set_instance", "aws_cloudformation_stack_set"],
            check,
            example: r#"resource "aws_cloudformation_stack_set_instance" "audit" {
  account_id     = "123456789012"
  region         = "eu-west-1"
  stack_set_name = aws_cloudformation_stack_set.audit.name
}"#,
            fixed_example: r#"resource "aws_cloudformation_stack_set_instance" "audit" {
  account_id     = "123456789012"
  region         = "eu-west-1"
  stack_set_name = aws_cloudformation_stack_set.audit.name
  retain_stack = true
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::CloudFormation::StackSet"],
            check: check_cfn,
            example: r#"Resources:
  Audit:
    Type: AWS::CloudFormation::StackSet
    Properties:
      StackSetName: audit
      PermissionModel: SERVICE_MANAGED
      AutoDeployment:
        Enabled: true
        RetainStacksOnAccountRemoval: false
"#,
            fixed_example: r#"Resources:
  Audit:
    Type: AWS::CloudFormation::StackSet
    Properties:
      StackSetName: audit
      PermissionModel: SERVICE_MANAGED
      AutoDeployment:
        Enabled: true
        RetainStacksOnAccountRemoval: true
"#,
        }),
    },
};

const FIX: &str = "Keep the stacks when removed";

fn check(ctx: &mut TfContext) {
    for instance in ctx.resources("aws_cloudformation_stack_set_instance").collect::<Vec<_>>() {
        let file = ctx.file(instance);
        let address = instance.address();
        match ctx.attr(instance.block, "retain_stack") {
            None => {
                let fix = Fix::new(FIX, vec![edit::set_attribute(file, instance.block, "retain_stack", "true")]);
                let message = format!(
                    "`{address}` does not set `retain_stack`: removing the instance deletes its stack and resources"
                );
                ctx.report_with_fix(instance, instance.block.header, message, fix);
            }
            Some((attr, v)) if v.as_bool() == Some(false) => {
                let fix = Fix::new(FIX, vec![Edit { range: attr.expr.range, text: "true".into() }]);
                let message = format!(
                    "`{address}` sets `retain_stack = false`: removing the instance deletes its stack and resources"
                );
                ctx.report_with_fix(instance, attr.range, message, fix);
            }
            Some(_) => {}
        }
    }
    for set in ctx.resources("aws_cloudformation_stack_set").collect::<Vec<_>>() {
        for auto in ctx.nested(set.config(), "auto_deployment") {
            if ctx.field(auto, "enabled").and_then(|(_, v)| v.as_bool()) != Some(true) {
                continue;
            }
            let file = ctx.file(set);
            let (range, edit) = match ctx.field(auto, "retain_stacks_on_account_removal") {
                Some((f, v)) if v.as_bool() == Some(false) => {
                    (f.range, Edit { range: f.expr.range, text: "true".into() })
                }
                None => match auto.block() {
                    Some(block) => {
                        (auto.header(), edit::set_attribute(file, block, "retain_stacks_on_account_removal", "true"))
                    }
                    None => continue,
                },
                Some(_) => continue,
            };
            let message = format!(
                "`{}` deploys automatically but deletes the stacks of accounts that leave its targets",
                set.address()
            );
            ctx.report_with_fix(set, range, message, Fix::new(FIX, vec![edit]));
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for set in ctx.resources("AWS::CloudFormation::StackSet").collect::<Vec<_>>() {
        if ctx.prop(set, "AutoDeployment.Enabled").and_then(|(_, v)| v.as_bool()) != Some(true) {
            continue;
        }
        let Some((auto, _)) = ctx.prop(set, "AutoDeployment") else { continue };
        let (range, edit) = match auto.get("RetainStacksOnAccountRemoval") {
            Some(node) if ctx.eval(node).as_bool() == Some(false) => (
                auto.entry("RetainStacksOnAccountRemoval").map_or(node.range, |e| e.range),
                cfn_edit::replace_value(ctx.template, node, &json!(true)),
            ),
            None => (
                ctx.prop_range(set, "AutoDeployment").unwrap_or(auto.range),
                cfn_edit::set_key(ctx.template, auto, "RetainStacksOnAccountRemoval", &json!(true)),
            ),
            Some(_) => continue,
        };
        let message = format!(
            "`{}` deploys automatically but deletes the stacks of accounts that leave its targets",
            set.logical_id
        );
        ctx.report(set, range, message).fixes.push(Fix::new(FIX, vec![edit]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_instances_and_stack_sets_that_delete_stacks() {
        let tf = r#"resource "aws_cloudformation_stack_set_instance" "off" {
  account_id   = "123456789012"
  retain_stack = false
}
resource "aws_cloudformation_stack_set_instance" "absent" {
  account_id = "123456789012"
}
resource "aws_cloudformation_stack_set_instance" "kept" {
  retain_stack = true
}
resource "aws_cloudformation_stack_set" "auto" {
  permission_model = "SERVICE_MANAGED"
  auto_deployment {
    enabled = true
  }
}
resource "aws_cloudformation_stack_set" "manual" {
  auto_deployment {
    enabled = false
  }
}
resource "aws_cloudformation_stack_set_instance" "unknown" {
  retain_stack = var.retain
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 5, 13]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn cloudformation_stack_sets() {
        let yaml = r#"Resources:
  NotRetained:
    Type: AWS::CloudFormation::StackSet
    Properties:
      PermissionModel: SERVICE_MANAGED
      AutoDeployment:
        Enabled: true
  Retained:
    Type: AWS::CloudFormation::StackSet
    Properties:
      PermissionModel: SERVICE_MANAGED
      AutoDeployment:
        Enabled: true
        RetainStacksOnAccountRemoval: true
  Manual:
    Type: AWS::CloudFormation::StackSet
    Properties:
      PermissionModel: SERVICE_MANAGED
      AutoDeployment:
        Enabled: false
        RetainStacksOnAccountRemoval: true
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [6]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
