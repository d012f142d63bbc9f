use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::{Node, NodeKind};
use crate::cloudformation::CfnResource;
use crate::fix::{Edit, Fix};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "api-gateway-data-trace-enabled",
    title: "API Gateway logs full request and response bodies",
    severity: Severity::Medium,
    row: Row::DataSharing,
    service: "API Gateway",
    why: "Data tracing writes whole request and response payloads (passwords, tokens, personal data) into \
          CloudWatch Logs, where far more people can read them than can call the API.",
    aws_side: "AWS writes exactly what the stage asks it to log; AWS itself recommends not enabling data tracing \
               in production.",
    equivalents: Equivalents { checkov: &["CKV_AWS_276"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `data_trace_enabled = true` in `aws_api_gateway_method_settings` `settings` and in \
               `aws_apigatewayv2_stage` `default_route_settings` and `route_settings`; in CloudFormation, \
               `DataTraceEnabled: true` in an `AWS::ApiGateway::Stage`'s `MethodSettings`, an \
               `AWS::ApiGateway::Deployment`'s `StageDescription` (and its `MethodSettings`), and an \
               `AWS::ApiGatewayV2::Stage`'s `DefaultRouteSettings` and `RouteSettings`.",
        fix: "Set `data_trace_enabled = false` (execution logs at `ERROR` or `INFO` level record the request flow \
              without the bodies).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_api_gateway_method_settings", "aws_apigatewayv2_stage"],
            check,
            example: r#"resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  method_path = "*/*"

  settings {
    logging_level      = "INFO"
    data_trace_enabled = true
  }
}"#,
            fixed_example: r#"resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  method_path = "*/*"

  settings {
    logging_level      = "INFO"
    data_trace_enabled = false
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ApiGateway::Stage", "AWS::ApiGateway::Deployment", "AWS::ApiGatewayV2::Stage"],
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
          LoggingLevel: INFO
          DataTraceEnabled: true
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
          LoggingLevel: INFO
          DataTraceEnabled: false
"#,
        }),
    },
};

const FIX: &str = "Stop logging request and response bodies";

fn check(ctx: &mut TfContext) {
    let sites = [
        ("aws_api_gateway_method_settings", "settings"),
        ("aws_apigatewayv2_stage", "default_route_settings"),
        ("aws_apigatewayv2_stage", "route_settings"),
    ];
    for (ty, block) in sites {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            for config in ctx.nested(res.config(), block) {
                let Some((field, v)) = ctx.field(config, "data_trace_enabled") else { continue };
                if v.as_bool() != Some(true) {
                    continue;
                }
                let fix = Fix::new(FIX, vec![Edit { range: field.expr.range, text: "false".into() }]);
                let message = format!(
                    "`{}` sets `{block}.data_trace_enabled = true`: whole requests and responses go to the logs",
                    res.address()
                );
                ctx.report_with_fix(res, field.range, message, fix);
            }
        }
    }
}

/// The mappings of a setting: a list's entries, a mapping of them (`RouteSettings`), or one mapping.
fn maps(node: &Node, keyed: bool) -> Vec<&Node> {
    match &node.kind {
        NodeKind::List(items) => items.iter().filter(|i| i.intrinsic().is_none()).collect(),
        NodeKind::Map(entries) if node.intrinsic().is_none() => {
            if keyed {
                entries.iter().map(|e| &e.value).filter(|v| v.intrinsic().is_none()).collect()
            } else {
                vec![node]
            }
        }
        _ => Vec::new(),
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    let sites: [(&str, &str, bool); 5] = [
        ("AWS::ApiGateway::Stage", "MethodSettings", false),
        ("AWS::ApiGateway::Deployment", "StageDescription", false),
        ("AWS::ApiGateway::Deployment", "StageDescription.MethodSettings", false),
        ("AWS::ApiGatewayV2::Stage", "DefaultRouteSettings", false),
        ("AWS::ApiGatewayV2::Stage", "RouteSettings", true),
    ];
    for (ty, prop, keyed) in sites {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let Some((node, _)) = ctx.prop(res, prop) else { continue };
            for map in maps(node, keyed) {
                report(ctx, res, map, prop);
            }
        }
    }
}

fn report(ctx: &mut CfnContext, res: CfnResource, map: &Node, prop: &str) {
    let Some(entry) = map.entry("DataTraceEnabled") else { return };
    if ctx.eval(&entry.value).as_bool() != Some(true) {
        return;
    }
    let fix = Fix::new(FIX, vec![cfn_edit::replace_value(ctx.template, &entry.value, &json!(false))]);
    let message = format!(
        "`{}` sets `DataTraceEnabled: true` in `{prop}`: whole requests and responses go to the logs",
        res.logical_id
    );
    ctx.report(res, entry.range, message).fixes.push(fix);
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn data_tracing_on() {
        let tf = "resource \"aws_api_gateway_method_settings\" \"a\" {\n  settings {\n    data_trace_enabled = true\n  }\n}\nresource \"aws_apigatewayv2_stage\" \"b\" {\n  default_route_settings {\n    data_trace_enabled = \"true\"\n  }\n  route_settings {\n    route_key          = \"$default\"\n    data_trace_enabled = false\n  }\n}\nresource \"aws_api_gateway_method_settings\" \"c\" {\n  settings {\n    data_trace_enabled = var.trace\n  }\n}\n";
        assert_eq!(lines(&RULE, tf), [3, 8]);
        assert_eq!(check_fixes(&RULE, tf), 2);
        let yaml = "Resources:\n  D:\n    Type: AWS::ApiGateway::Deployment\n    Properties:\n      StageDescription:\n        DataTraceEnabled: true\n        MethodSettings:\n          - DataTraceEnabled: 'true'\n  V2:\n    Type: AWS::ApiGatewayV2::Stage\n    Properties:\n      RouteSettings:\n        $connect:\n          DataTraceEnabled: true\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6, 8, 14]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 3);
    }
}
