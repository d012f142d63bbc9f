use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{is_registry_module, TfContext};
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "ecs-cluster-container-insights-disabled",
    title: "ECS cluster has Container Insights turned off",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "ECS",
    why: "Without Container Insights there are no per-task CPU, memory, restart and network metrics, so failing or \
          compromised tasks (crash loops, crypto-mining spikes) go unnoticed and incident responders lack the \
          history.",
    aws_side: "AWS collects and stores the metrics once enabled. Enabling (and paying for) them is the customer's.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_65"],
        kics: &["97cb0688-369a-4d26-b1f7-86c4c91231bc", "ab759fde-e1e8-4b0e-ad73-ba856e490ed8"],
        trivy: &["AVD-AWS-0034", "aws-ecs-enable-container-insight"],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags ECS clusters (`aws_ecs_cluster`, `AWS::ECS::Cluster`) without a `containerInsights` setting of \
               `enabled` or `enhanced`, unless the configuration turns it on account-wide \
               (`aws_ecs_account_setting_default`), and `terraform-aws-modules/ecs` calls whose `cluster_settings` \
               leave it out.",
        fix: "Add `setting { name = \"containerInsights\" value = \"enabled\" }` (CloudFormation `ClusterSettings`), \
              or turn it on for the account.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ecs_cluster"],
            check,
            example: r#"resource "aws_ecs_cluster" "main" {
  name = "main"
}"#,
            fixed_example: r#"resource "aws_ecs_cluster" "main" {
  name = "main"
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ECS::Cluster"],
            check: check_cfn,
            example: r#"Resources:
  Main:
    Type: AWS::ECS::Cluster
    Properties:
      ClusterName: main
"#,
            fixed_example: r#"Resources:
  Main:
    Type: AWS::ECS::Cluster
    Properties:
      ClusterName: main
      ClusterSettings:
        - Name: containerInsights
          Value: enabled
"#,
        }),
    },
};

fn on(v: &Value) -> Option<bool> {
    v.as_str().map(|s| s.eq_ignore_ascii_case("enabled") || s.eq_ignore_ascii_case("enhanced"))
}

const FIX: &str = "Turn Container Insights on";

fn check(ctx: &mut TfContext) {
    let account_wide = ctx.all_resources("aws_ecs_account_setting_default").any(|s| {
        ctx.attr(s.block, "name").is_some_and(|(_, v)| v.as_str() == Some("containerInsights"))
            && ctx.attr(s.block, "value").is_some_and(|(_, v)| on(&v) != Some(false))
    });
    if account_wide {
        return;
    }
    for res in ctx.resources("aws_ecs_cluster").collect::<Vec<_>>() {
        let setting = ctx
            .nested(res.config(), "setting")
            .into_iter()
            .find(|s| ctx.field(*s, "name").is_none_or(|(_, v)| v.as_str().is_none_or(|n| n == "containerInsights")));
        let file = ctx.file(res);
        match setting {
            None => {
                let block = "setting {\n  name  = \"containerInsights\"\n  value = \"enabled\"\n}";
                let fix = Fix::new(FIX, vec![edit::insert_in_block(file, res.block, block)]);
                let message = format!("`{}` does not turn Container Insights on", res.address());
                ctx.report_with_fix(res, res.block.header, message, fix);
            }
            Some(s) => {
                let Some((field, v)) = ctx.field(s, "value") else { continue };
                if on(&v) == Some(false) {
                    let fix = Fix::new(FIX, vec![Edit { range: field.expr.range, text: "\"enabled\"".into() }]);
                    let message = format!("`{}` turns Container Insights off", res.address());
                    ctx.report_with_fix(res, field.range, message, fix);
                }
            }
        }
    }
    for res in ctx.blocks("module").filter(|m| is_registry_module(m.block, "ecs")).collect::<Vec<_>>() {
        let Some((attr, Value::List(settings))) = ctx.attr(res.block, "cluster_settings") else { continue };
        let insights = settings.iter().find(|s| s.get("name").as_str() == Some("containerInsights"));
        let off = match insights {
            None => settings.iter().all(|s| s.is_known()),
            Some(s) => on(s.get("value")) == Some(false),
        };
        if off {
            let message = format!("`{}` sets `cluster_settings` without Container Insights", res.address());
            ctx.report(res, attr.range, message);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ECS::Cluster").collect::<Vec<_>>() {
        if res.properties.is_some_and(|p| p.intrinsic().is_some()) {
            continue;
        }
        let id = res.logical_id;
        match ctx.prop(res, "ClusterSettings") {
            None | Some((_, Value::Null)) => {
                let settings = json!([{"Name": "containerInsights", "Value": "enabled"}]);
                let edit = cfn_edit::set_property(ctx.template, res, "ClusterSettings", &settings);
                let range = ctx.header(res);
                let message = format!("`{id}` does not turn Container Insights on");
                ctx.report(res, range, message).fixes.push(Fix::new(FIX, vec![edit]));
            }
            Some((node, Value::List(items))) => {
                let at = items.iter().position(|s| s.get("Name").as_str() == Some("containerInsights"));
                match at {
                    None if items.iter().all(|s| s.is_known()) => {
                        let range = ctx.prop_range(res, "ClusterSettings").unwrap_or(node.range);
                        let message = format!("`{id}` does not turn Container Insights on");
                        let fix = items.is_empty().then(|| {
                            let settings = json!([{"Name": "containerInsights", "Value": "enabled"}]);
                            Fix::new(FIX, vec![cfn_edit::replace_value(ctx.template, node, &settings)])
                        });
                        ctx.report(res, range, message).fixes.extend(fix);
                    }
                    Some(i) if on(items[i].get("Value")) == Some(false) => {
                        let value = node.items().get(i).and_then(|s| s.get("Value"));
                        let message = format!("`{id}` turns Container Insights off");
                        let range = node.items().get(i).map_or(node.range, |n| n.range);
                        let fix = value
                            .map(|v| Fix::new(FIX, vec![cfn_edit::replace_value(ctx.template, v, &json!("enabled"))]));
                        ctx.report(res, range, message).fixes.extend(fix);
                    }
                    _ => {}
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
    fn flags_clusters_without_insights() {
        let tf = r#"resource "aws_ecs_cluster" "none" {
  name = "a"
}
resource "aws_ecs_cluster" "off" {
  setting {
    name  = "containerInsights"
    value = "disabled"
  }
}
resource "aws_ecs_cluster" "on" {
  setting {
    name  = "containerInsights"
    value = "enhanced"
  }
}
module "ecs" {
  source           = "terraform-aws-modules/ecs/aws"
  cluster_settings = [{ name = "other", value = "x" }]
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 7, 18]);
        assert_eq!(check_fixes(&RULE, tf), 2);
        let account = format!("{tf}resource \"aws_ecs_account_setting_default\" \"i\" {{\n  name  = \"containerInsights\"\n  value = \"enabled\"\n}}\n");
        assert!(lines(&RULE, &account).is_empty());
    }

    #[test]
    fn cloudformation_clusters() {
        let yaml = "Resources:\n  A:\n    Type: AWS::ECS::Cluster\n    Properties:\n      ClusterName: a\n  B:\n    Type: AWS::ECS::Cluster\n    Properties:\n      ClusterSettings: []\n  C:\n    Type: AWS::ECS::Cluster\n    Properties:\n      ClusterSettings:\n        - {Name: containerInsights, Value: disabled}\n  D:\n    Type: AWS::ECS::Cluster\n    Properties:\n      ClusterSettings:\n        - {Name: containerInsights, Value: enabled}\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 9, 14]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 3);
    }
}
