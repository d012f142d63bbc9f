use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::NodeKind;
use crate::fix::{Edit, Fix};
use crate::kit::setting::set_in_config;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "api-gateway-metrics-disabled",
    title: "API Gateway method metrics are not sent to CloudWatch",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "API Gateway",
    why: "Without per-method metrics, error spikes, latency regressions and abuse of a single method are invisible \
          to alarms.",
    aws_side: "API Gateway publishes detailed metrics only when the stage's method settings ask for them.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["081069cb-588b-4ce1-884c-2a1ce3029fe5", "5d3c1807-acb3-4bb0-be4e-0440230feeaf"],
        trivy: &[],
    },
    related: Related {
        checkov: &["CKV2_AWS_4"],
        kics: &[],
        trivy: &[],
        how: "CKV2_AWS_4 also demands an execution logging level, and checks the stage connected to the settings.",
    },
    matcher: &Custom {
        what: "Flags `aws_api_gateway_method_settings` without `settings.metrics_enabled = true`; in CloudFormation, \
               `AWS::ApiGateway::Stage` without `MethodSettings`, or with an entry whose `MetricsEnabled` is not \
               `true`.",
        fix: "Set `metrics_enabled = true` in the method settings (`MetricsEnabled: true` in each `MethodSettings` \
              entry).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_api_gateway_method_settings"],
            check,
            example: r#"resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  method_path = "*/*"

  settings {
    logging_level   = "ERROR"
    metrics_enabled = false
  }
}"#,
            fixed_example: r#"resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  method_path = "*/*"

  settings {
    logging_level   = "ERROR"
    metrics_enabled = true
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ApiGateway::Stage"],
            check: check_cfn,
            example: r#"Resources:
  Prod:
    Type: AWS::ApiGateway::Stage
    Properties:
      StageName: prod
      RestApiId: !Ref Api
      MethodSettings:
        - ResourcePath: /*
          HttpMethod: '*'
          MetricsEnabled: false
"#,
            fixed_example: r#"Resources:
  Prod:
    Type: AWS::ApiGateway::Stage
    Properties:
      StageName: prod
      RestApiId: !Ref Api
      MethodSettings:
        - ResourcePath: /*
          HttpMethod: '*'
          MetricsEnabled: true
"#,
        }),
    },
};

const FIX: &str = "Send method metrics to CloudWatch";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_api_gateway_method_settings").collect::<Vec<_>>() {
        let file = ctx.file(res);
        let address = res.address();
        let settings = ctx.nested(res.config(), "settings");
        if settings.is_empty() {
            let fix =
                Fix::new(FIX, vec![edit::insert_in_block(file, res.block, "settings {\n  metrics_enabled = true\n}")]);
            ctx.report_with_fix(
                res,
                res.block.header,
                format!("`{address}` has no `settings`, so its methods send no metrics"),
                fix,
            );
        }
        for config in settings {
            match ctx.field(config, "metrics_enabled") {
                None => {
                    let fix = set_in_config(file, config, "metrics_enabled", "true").map(|e| Fix::new(FIX, vec![e]));
                    let message =
                        format!("`{address}` does not set `settings.metrics_enabled`, so its methods send no metrics");
                    ctx.report(res, config.header(), message).fixes.extend(fix);
                }
                Some((field, v)) if v.as_bool() == Some(false) => {
                    let fix = Fix::new(FIX, vec![Edit { range: field.expr.range, text: "true".into() }]);
                    let message =
                        format!("`{address}` sets `settings.metrics_enabled = false`, so its methods send no metrics");
                    ctx.report_with_fix(res, field.range, message, fix);
                }
                _ => {}
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ApiGateway::Stage").collect::<Vec<_>>() {
        let id = res.logical_id;
        let Some((node, _)) = ctx.prop(res, "MethodSettings").filter(|(n, _)| !matches!(n.kind, NodeKind::Null)) else {
            let entry = json!([{"ResourcePath": "/*", "HttpMethod": "*", "MetricsEnabled": true}]);
            let fix = Fix::new(FIX, vec![cfn_edit::set_property(ctx.template, res, "MethodSettings", &entry)]);
            let range = ctx.header(res);
            ctx.report(res, range, format!("`{id}` has no `MethodSettings`, so its methods send no metrics"))
                .fixes
                .push(fix);
            continue;
        };
        // A list of entries, or one mapping as some templates write it.
        let entries: Vec<_> = match &node.kind {
            NodeKind::List(items) => items.iter().collect(),
            NodeKind::Map(_) if node.intrinsic().is_none() => vec![node],
            _ => continue,
        };
        for entry in entries {
            if entry.intrinsic().is_some() || !matches!(entry.kind, NodeKind::Map(_)) {
                continue;
            }
            match entry.entry("MetricsEnabled") {
                None => {
                    let fix = Fix::new(
                        FIX,
                        vec![crate::kit::setting::cfn_set_key(ctx.template, entry, "MetricsEnabled", &json!(true))],
                    );
                    let message = format!(
                        "`{id}` has a `MethodSettings` entry without `MetricsEnabled`, so its methods send no metrics"
                    );
                    ctx.report(res, entry.range, message).fixes.push(fix);
                }
                Some(e) if ctx.eval(&e.value).as_bool() == Some(false) => {
                    let fix = Fix::new(FIX, vec![cfn_edit::replace_value(ctx.template, &e.value, &json!(true))]);
                    let message = format!(
                        "`{id}` sets `MetricsEnabled: false` in `MethodSettings`, so its methods send no metrics"
                    );
                    ctx.report(res, e.range, message).fixes.push(fix);
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn method_settings_without_metrics() {
        let tf = r#"resource "aws_api_gateway_method_settings" "off" {
  settings {
    metrics_enabled = false
  }
}
resource "aws_api_gateway_method_settings" "absent" {
  settings {
    logging_level = "INFO"
  }
}
resource "aws_api_gateway_method_settings" "none" {
  method_path = "*/*"
}
resource "aws_api_gateway_method_settings" "unknown" {
  settings {
    metrics_enabled = var.metrics
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 7, 11]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn cloudformation_entries() {
        let yaml = "Resources:\n  A:\n    Type: AWS::ApiGateway::Stage\n    Properties:\n      MethodSettings:\n        - ResourcePath: /\n          MetricsEnabled: 'false'\n        - ResourcePath: /x\n        - ResourcePath: /y\n          MetricsEnabled: 'true'\n  B:\n    Type: AWS::ApiGateway::Stage\n    Properties:\n      StageName: b\n  C:\n    Type: AWS::ApiGateway::Stage\n    Properties:\n      MethodSettings:\n        - MetricsEnabled: !Ref M\n";
        assert_eq!(cfn_lines(&RULE, yaml), [7, 8, 11]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 3);
    }
}
