use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::{Node, NodeKind};
use crate::cloudformation::CfnResource;
use crate::fix::{Edit, Fix};
use crate::kit::apigateway::{self as apigw, level_is_off};
use crate::kit::setting::expr_text;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use crate::terraform::view::Config;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "api-gateway-stage-logging-disabled",
    title: "API Gateway stage does not write access logs and execution logs",
    severity: Severity::Medium,
    row: Row::Compliance,
    service: "API Gateway",
    why: "Without access logs nobody can tell who called the API, from where, with what result; without execution \
          logs the integration errors and authorizer decisions behind an incident are gone. Both are off by \
          default and cannot be recovered afterwards.",
    aws_side: "API Gateway writes the logs once asked; choosing to log, the destination log group, its format and \
               the account-level CloudWatch role are the customer's.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["1b6799eb-4a7a-4b04-9001-8cceb9999326", "80d45af4-4920-4236-a56e-b7ef419d1941"],
        trivy: &[],
    },
    related: Related {
        checkov: &["CKV_AWS_76", "CKV_AWS_95", "CKV2_AWS_4"],
        kics: &["982aa526-6970-4c59-8b9b-2ce7e019fe36"],
        trivy: &["AVD-AWS-0001", "aws-api-gateway-enable-access-logging"],
        how: "CKV_AWS_76, CKV_AWS_95 and AVD-AWS-0001 check the access logs only; CKV2_AWS_4 checks the execution \
              logging level and also demands metrics. KICS's Terraform API Gateway With CloudWatch Logging Disabled \
              (982aa526) fails a stage for which the configuration declares no `aws_cloudwatch_log_group` named \
              `API-Gateway-Execution-Logs_${aws_api_gateway_rest_api.<name>.id}/<stage>`, whatever the stage's \
              logging settings, which are what this rule reads.",
    },
    matcher: &Custom {
        what: "Flags `aws_api_gateway_stage` without `access_log_settings` or without method settings turning \
               execution logging on, `aws_api_gateway_method_settings` whose `settings.logging_level` is absent or \
               `OFF`, and `aws_apigatewayv2_stage` without `access_log_settings` or (except for HTTP APIs, which \
               have no execution logs) without a `default_route_settings.logging_level` other than `OFF`; in \
               CloudFormation, `AWS::ApiGateway::Stage` (and SAM `AWS::Serverless::Api`) without \
               `AccessLogSetting` or without a `MethodSettings` `LoggingLevel` other than `OFF`, and \
               `AWS::ApiGatewayV2::Stage` without `AccessLogSettings` or `DefaultRouteSettings.LoggingLevel`.",
        fix: "Add `access_log_settings { destination_arn = <log group ARN>, format = ... }` and method settings with \
              `logging_level = \"ERROR\"` (or `INFO`). Execution logging also needs the account's CloudWatch role \
              (`aws_api_gateway_account`).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &[apigw::STAGE, apigw::METHOD_SETTINGS, apigw::V2_STAGE],
            check,
            example: r#"resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  method_path = "*/*"

  settings {
    logging_level = "OFF"
  }
}"#,
            fixed_example: r#"resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  method_path = "*/*"

  settings {
    logging_level = "ERROR"
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &[apigw::CFN_STAGE, apigw::SAM_API, apigw::CFN_V2_STAGE],
            check: check_cfn,
            example: r#"Resources:
  Prod:
    Type: AWS::ApiGateway::Stage
    Properties:
      StageName: prod
      RestApiId: !Ref Api
      AccessLogSetting:
        DestinationArn: !GetAtt AccessLogs.Arn
      MethodSettings:
        - ResourcePath: /*
          HttpMethod: '*'
          LoggingLevel: 'OFF'
"#,
            fixed_example: r#"Resources:
  Prod:
    Type: AWS::ApiGateway::Stage
    Properties:
      StageName: prod
      RestApiId: !Ref Api
      AccessLogSetting:
        DestinationArn: !GetAtt AccessLogs.Arn
      MethodSettings:
        - ResourcePath: /*
          HttpMethod: '*'
          LoggingLevel: ERROR
"#,
        }),
    },
};

const ACCESS_LOGS_TF: &str = "access_log_settings {\n  destination_arn = aws_cloudwatch_log_group.api_access.arn # TODO: your log group\n  format          = jsonencode({ requestId = \"$context.requestId\", ip = \"$context.identity.sourceIp\", requestTime = \"$context.requestTime\", httpMethod = \"$context.httpMethod\", path = \"$context.path\", status = \"$context.status\" })\n}";
const ACCESS_LOGS_FIX: &str = "Write access logs to a log group (choose it)";
const LEVEL_FIX: &str = "Log errors (`ERROR`)";

fn access_log_format() -> serde_json::Value {
    json!("{\"requestId\":\"$context.requestId\",\"ip\":\"$context.identity.sourceIp\",\"requestTime\":\"$context.requestTime\",\"httpMethod\":\"$context.httpMethod\",\"path\":\"$context.path\",\"status\":\"$context.status\"}")
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources(apigw::STAGE).collect::<Vec<_>>() {
        check_access_logs(ctx, res);
        if apigw::stage_method_settings(ctx, res).is_empty() {
            let file = ctx.file(res);
            let api =
                res.block.attr("rest_api_id").map_or("aws_api_gateway_rest_api.TODO.id", |a| expr_text(file, &a.expr));
            let text = format!(
                "resource \"aws_api_gateway_method_settings\" \"{name}_all\" {{\n  rest_api_id = {api}\n  stage_name  = {address}.stage_name\n  method_path = \"*/*\"\n\n  settings {{\n    logging_level = \"ERROR\"\n  }}\n}}",
                name = res.name(),
                address = res.address(),
            );
            let fix =
                Fix::unsafe_("Add method settings logging errors", vec![edit::insert_after(file, res.block, &text)]);
            let message = format!(
                "`{}` has no `aws_api_gateway_method_settings`, so its execution logging is off",
                res.address()
            );
            ctx.report_with_fix(res, res.block.header, message, fix);
        }
    }
    for res in ctx.resources(apigw::METHOD_SETTINGS).collect::<Vec<_>>() {
        let settings = ctx.nested(res.config(), "settings");
        if settings.is_empty() {
            let file = ctx.file(res);
            let fix = Fix::new(
                LEVEL_FIX,
                vec![edit::insert_in_block(file, res.block, "settings {\n  logging_level = \"ERROR\"\n}")],
            );
            let message = format!("`{}` has no `settings`, so execution logging is off", res.address());
            ctx.report_with_fix(res, res.block.header, message, fix);
        }
        for config in settings {
            check_level(ctx, res, config, "settings.logging_level");
        }
    }
    for res in ctx.resources(apigw::V2_STAGE).collect::<Vec<_>>() {
        check_access_logs(ctx, res);
        // HTTP APIs have no execution logs (the provider rejects `logging_level` there).
        if apigw::tf_api_protocol_is(ctx, res, "HTTP") {
            continue;
        }
        let settings = ctx.nested(res.config(), "default_route_settings");
        if settings.is_empty() {
            let file = ctx.file(res);
            let fix = Fix::new(
                LEVEL_FIX,
                vec![edit::insert_in_block(
                    file,
                    res.block,
                    "default_route_settings {\n  logging_level = \"ERROR\"\n}",
                )],
            );
            let message =
                format!("`{}` has no `default_route_settings`, so its execution logging is off", res.address());
            ctx.report_with_fix(res, res.block.header, message, fix);
        }
        for config in settings {
            check_level(ctx, res, config, "default_route_settings.logging_level");
        }
    }
}

fn check_access_logs(ctx: &mut TfContext, res: Resource) {
    let logs = ctx.nested(res.config(), "access_log_settings");
    let address = res.address();
    if logs.is_empty() {
        let fix = Fix::unsafe_(ACCESS_LOGS_FIX, vec![edit::insert_in_block(ctx.file(res), res.block, ACCESS_LOGS_TF)]);
        let message = format!("`{address}` has no `access_log_settings`, so calls to it are not logged");
        ctx.report_with_fix(res, res.block.header, message, fix);
        return;
    }
    for config in logs {
        if config.is_dynamic() {
            continue;
        }
        match ctx.field(config, "destination_arn") {
            Some((field, Value::String(s))) if s.trim().is_empty() => {
                let message = format!("`{address}` sets an empty access log `destination_arn`: nothing is logged");
                ctx.report(res, field.range, message);
            }
            None => {
                let message = format!("`{address}` sets no access log `destination_arn`: nothing is logged");
                ctx.report(res, config.header(), message);
            }
            _ => {}
        }
    }
}

/// Reports a `logging_level` of `config` that is absent, empty or `OFF`.
fn check_level(ctx: &mut TfContext, res: Resource, config: Config, path: &str) {
    let file = ctx.file(res);
    let address = res.address();
    match ctx.field(config, "logging_level") {
        None => {
            let fix = config
                .block()
                .map(|b| Fix::new(LEVEL_FIX, vec![edit::insert_in_block(file, b, "logging_level = \"ERROR\"")]));
            let message = format!("`{address}` does not set `{path}`, so execution logging is off");
            ctx.report(res, config.header(), message).fixes.extend(fix);
        }
        Some((field, Value::String(level))) if level_is_off(&level) => {
            let fix = Fix::new(LEVEL_FIX, vec![Edit { range: field.expr.range, text: "\"ERROR\"".into() }]);
            let message = format!("`{address}` sets `{path} = \"{level}\"`, so execution logging is off");
            ctx.report_with_fix(res, field.range, message, fix);
        }
        _ => {}
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for ty in [apigw::CFN_STAGE, apigw::SAM_API] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            cfn_access_logs(ctx, res, "AccessLogSetting");
            cfn_method_settings(ctx, res);
        }
    }
    for res in ctx.resources(apigw::CFN_V2_STAGE).collect::<Vec<_>>() {
        cfn_access_logs(ctx, res, "AccessLogSettings");
        if apigw::cfn_api_protocol_is(ctx, res, "HTTP") {
            continue;
        }
        cfn_level_map(ctx, res, "DefaultRouteSettings");
    }
}

fn cfn_access_logs(ctx: &mut CfnContext, res: CfnResource, prop: &str) {
    match ctx.prop(res, prop) {
        None | Some((_, Value::Null)) => {
            let value = json!({"DestinationArn": "<log-group-arn>", "Format": access_log_format()});
            let fix = Fix::unsafe_(ACCESS_LOGS_FIX, vec![cfn_edit::set_property(ctx.template, res, prop, &value)]);
            let range = ctx.header(res);
            let message = format!("`{}` has no `{prop}`, so calls to it are not logged", res.logical_id);
            ctx.report(res, range, message).fixes.push(fix);
        }
        Some((node, _)) => {
            if let Some(Value::String(s)) = node.get("DestinationArn").map(|n| ctx.eval(n)) {
                if s.trim().is_empty() {
                    let range = ctx.prop_range(res, prop).unwrap_or(node.range);
                    let message =
                        format!("`{}` sets an empty `{prop}.DestinationArn`: nothing is logged", res.logical_id);
                    ctx.report(res, range, message);
                }
            }
        }
    }
}

fn is_empty_map(node: &Node) -> bool {
    matches!(&node.kind, NodeKind::Map(e) if e.is_empty())
}

/// `MethodSettings`: a list (its entries), or a single mapping as some templates write it.
fn cfn_method_settings(ctx: &mut CfnContext, res: CfnResource) {
    let Some((node, value)) = ctx.prop(res, "MethodSettings") else {
        return report_no_settings(ctx, res, "MethodSettings");
    };
    match &node.kind {
        NodeKind::Null => report_no_settings(ctx, res, "MethodSettings"),
        NodeKind::Map(_) if node.intrinsic().is_none() => cfn_level_map(ctx, res, "MethodSettings"),
        NodeKind::List(items) => {
            // An entry whose level is not known may log: only known levels are judged.
            let unknown =
                |i: &Node| i.intrinsic().is_some() || i.get("LoggingLevel").is_some_and(|l| !ctx.eval(l).is_known());
            if items.iter().any(unknown) {
                return;
            }
            let logs = items.iter().any(|i| {
                i.get("LoggingLevel")
                    .map(|l| ctx.eval(l))
                    .and_then(|v| v.as_str().map(str::to_string))
                    .is_some_and(|l| !level_is_off(&l))
            });
            if logs {
                return;
            }
            let range = ctx.prop_range(res, "MethodSettings").unwrap_or(node.range);
            let message = format!(
                "`{}` has no `MethodSettings` entry with a `LoggingLevel`, so execution logging is off",
                res.logical_id
            );
            let fix = items.iter().find_map(|i| {
                let entry = i.entry("LoggingLevel")?;
                Some(Fix::new(LEVEL_FIX, vec![cfn_edit::replace_value(ctx.template, &entry.value, &json!("ERROR"))]))
            });
            let fix = fix.or_else(|| {
                let mut list: Vec<serde_json::Value> =
                    value.as_list().unwrap_or_default().iter().filter_map(Value::to_json).collect();
                list.push(json!({"ResourcePath": "/*", "HttpMethod": "*", "LoggingLevel": "ERROR"}));
                value.as_list().is_some_and(|l| l.iter().all(Value::is_known)).then(|| {
                    Fix::new(
                        LEVEL_FIX,
                        vec![cfn_edit::replace_value(ctx.template, node, &serde_json::Value::Array(list))],
                    )
                })
            });
            ctx.report(res, range, message).fixes.extend(fix);
        }
        _ => {}
    }
}

fn report_no_settings(ctx: &mut CfnContext, res: CfnResource, prop: &str) {
    let value = if prop == "MethodSettings" {
        json!([{"ResourcePath": "/*", "HttpMethod": "*", "LoggingLevel": "ERROR"}])
    } else {
        json!({"LoggingLevel": "ERROR"})
    };
    let fix = Fix::new(LEVEL_FIX, vec![cfn_edit::set_property(ctx.template, res, prop, &value)]);
    let range = ctx.header(res);
    let message = format!("`{}` has no `{prop}`, so its execution logging is off", res.logical_id);
    ctx.report(res, range, message).fixes.push(fix);
}

/// A mapping holding `LoggingLevel` (`DefaultRouteSettings`, or `MethodSettings` written as one mapping).
fn cfn_level_map(ctx: &mut CfnContext, res: CfnResource, prop: &str) {
    let Some((node, _)) = ctx.prop(res, prop).filter(|(n, _)| !matches!(n.kind, NodeKind::Null)) else {
        return report_no_settings(ctx, res, prop);
    };
    if node.intrinsic().is_some() || !matches!(node.kind, NodeKind::Map(_)) {
        return;
    }
    let id = res.logical_id;
    match node.entry("LoggingLevel") {
        None => {
            let fix = Fix::new(LEVEL_FIX, vec![cfn_edit::set_key(ctx.template, node, "LoggingLevel", &json!("ERROR"))]);
            let range = if is_empty_map(node) { ctx.prop_range(res, prop).unwrap_or(node.range) } else { node.range };
            let message = format!("`{id}` does not set `{prop}.LoggingLevel`, so execution logging is off");
            ctx.report(res, range, message).fixes.push(fix);
        }
        Some(entry) => {
            let Value::String(level) = ctx.eval(&entry.value) else { return };
            if !level_is_off(&level) {
                return;
            }
            let fix = Fix::new(LEVEL_FIX, vec![cfn_edit::replace_value(ctx.template, &entry.value, &json!("ERROR"))]);
            let message = format!("`{id}` sets `{prop}.LoggingLevel: {level}`, so execution logging is off");
            ctx.report(res, entry.range, message).fixes.push(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn stages_method_settings_and_v2_stages() {
        let tf = r#"resource "aws_api_gateway_stage" "bare" {
  stage_name  = "dev"
  rest_api_id = "id"
}
resource "aws_api_gateway_stage" "logged" {
  stage_name  = "prod"
  rest_api_id = aws_api_gateway_rest_api.api.id
  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.l.arn
  }
}
resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  stage_name  = aws_api_gateway_stage.logged.stage_name
  method_path = "*/*"
  settings {
    logging_level = "OFF"
  }
}
resource "aws_api_gateway_method_settings" "by_name" {
  rest_api_id = "id"
  stage_name  = "dev"
  method_path = "*/*"
}
resource "aws_apigatewayv2_stage" "ws" {
  api_id = aws_apigatewayv2_api.ws.id
  access_log_settings {
    destination_arn = ""
  }
  default_route_settings {
    data_trace_enabled = true
  }
}
resource "aws_apigatewayv2_api" "http" {
  protocol_type = "HTTP"
}
resource "aws_apigatewayv2_stage" "http" {
  api_id = aws_apigatewayv2_api.http.id
  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.l.arn
  }
}
resource "aws_api_gateway_method_settings" "unknown" {
  stage_name = var.stage
  settings {
    logging_level = var.level
  }
}
"#;
        // `bare` has method settings by name (without a `settings` block, flagged there), but no access logs.
        assert_eq!(lines(&RULE, tf), [1, 17, 20, 28, 30]);
        assert_eq!(check_fixes(&RULE, tf), 4);
    }

    #[test]
    fn a_stage_without_method_settings() {
        let tf = r#"resource "aws_api_gateway_stage" "s" {
  stage_name  = "dev"
  rest_api_id = aws_api_gateway_rest_api.api.id
  access_log_settings {
    destination_arn = "arn:aws:logs:eu-west-1:1:log-group:x"
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [1]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }

    #[test]
    fn cloudformation_stages() {
        let yaml = r#"Resources:
  NoLogs:
    Type: AWS::ApiGateway::Stage
    Properties:
      MethodSettings:
        - ResourcePath: /
          MetricsEnabled: true
  Mapping:
    Type: AWS::ApiGateway::Stage
    Properties:
      AccessLogSetting: {DestinationArn: dest}
      MethodSettings:
        LoggingLevel: "OFF"
  On:
    Type: AWS::ApiGateway::Stage
    Properties:
      AccessLogSetting: {DestinationArn: dest}
      MethodSettings:
        LoggingLevel: "ON"
  V2:
    Type: AWS::ApiGatewayV2::Stage
    Properties:
      AccessLogSettings: {DestinationArn: dest}
      DefaultRouteSettings:
  Http:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      ProtocolType: HTTP
  HttpStage:
    Type: AWS::ApiGatewayV2::Stage
    Properties:
      ApiId: !Ref Http
      AccessLogSettings: {DestinationArn: dest}
  Unknown:
    Type: AWS::ApiGateway::Stage
    Properties:
      AccessLogSetting: {DestinationArn: dest}
      MethodSettings:
        - LoggingLevel: !Ref Level
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [2, 5, 13, 20]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 4);
    }
}
