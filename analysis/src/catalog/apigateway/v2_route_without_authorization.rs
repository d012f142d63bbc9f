use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::kit::apigateway::{cfn_api_protocol_is, tf_api_protocol_is};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "apigatewayv2-route-without-authorization",
    title: "HTTP or WebSocket API route accepts calls without authorization",
    severity: Severity::Medium,
    row: Row::AccessRestriction,
    service: "API Gateway",
    why: "A route without authorization lets anyone invoke the integration behind it. Routes of APIs that are \
          public by design will be flagged: suppress the finding there.",
    aws_side: "API Gateway enforces the route's authorization type; choosing one is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_309"],
        kics: &[],
        trivy: &[],
        how: "CKV_AWS_309 also flags CORS preflight (`OPTIONS`) routes and WebSocket routes other than `$connect`, \
              which cannot carry authorization.",
    },
    matcher: &Custom {
        what: "Flags `aws_apigatewayv2_route` whose `authorization_type` is absent or `NONE`, except CORS preflight \
               routes (`OPTIONS ...`) and, for WebSocket APIs, routes other than `$connect` (the only one that can \
               be authorized); in CloudFormation, `AWS::ApiGatewayV2::Route` likewise.",
        fix: "Set `authorization_type` to `AWS_IAM`, `JWT` or `CUSTOM` (with an authorizer).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_apigatewayv2_route"],
            check,
            example: r#"resource "aws_apigatewayv2_route" "orders" {
  api_id    = aws_apigatewayv2_api.api.id
  route_key = "GET /orders"
  target    = "integrations/${aws_apigatewayv2_integration.orders.id}"
}"#,
            fixed_example: r#"resource "aws_apigatewayv2_route" "orders" {
  api_id    = aws_apigatewayv2_api.api.id
  route_key = "GET /orders"
  target    = "integrations/${aws_apigatewayv2_integration.orders.id}"
  authorization_type = "AWS_IAM"
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ApiGatewayV2::Route"],
            check: check_cfn,
            example: r#"Resources:
  Orders:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: GET /orders
"#,
            fixed_example: r#"Resources:
  Orders:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: GET /orders
      AuthorizationType: AWS_IAM
"#,
        }),
    },
};

const FIX: &str = "Authorize callers with IAM (review the clients)";

/// Whether a route can carry authorization: not a CORS preflight, and `$connect` on a WebSocket API
/// (`None`: its key is not known).
fn authorizable(route_key: &Value, websocket: bool) -> Option<bool> {
    let key = route_key.as_str()?;
    if key.trim_start().to_ascii_uppercase().starts_with("OPTIONS ") {
        return Some(false);
    }
    Some(!websocket || key == "$connect")
}

fn unauthorized(v: &Value) -> bool {
    matches!(v, Value::Null) || v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("NONE"))
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_apigatewayv2_route").collect::<Vec<_>>() {
        let key = ctx.attr(res.block, "route_key").map_or(Value::Unknown, |(_, v)| v);
        if authorizable(&key, tf_api_protocol_is(ctx, res, "WEBSOCKET")) != Some(true) {
            continue;
        }
        let current = ctx.attr(res.block, "authorization_type");
        let value = current.as_ref().map_or(Value::Null, |(_, v)| v.clone());
        if !unauthorized(&value) {
            continue;
        }
        let file = ctx.file(res);
        let (range, edit) = match current {
            Some((attr, _)) => (attr.range, Edit { range: attr.expr.range, text: "\"AWS_IAM\"".into() }),
            None => (res.block.header, edit::set_attribute(file, res.block, "authorization_type", "\"AWS_IAM\"")),
        };
        let message =
            format!("`{}` accepts calls without authorization (`authorization_type` is `NONE`)", res.address());
        ctx.report_with_fix(res, range, message, Fix::unsafe_(FIX, vec![edit]));
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ApiGatewayV2::Route").collect::<Vec<_>>() {
        let key = ctx.prop(res, "RouteKey").map_or(Value::Unknown, |(_, v)| v);
        if authorizable(&key, cfn_api_protocol_is(ctx, res, "WEBSOCKET")) != Some(true) {
            continue;
        }
        let current = ctx.prop(res, "AuthorizationType");
        if !unauthorized(&current.as_ref().map_or(Value::Null, |(_, v)| v.clone())) {
            continue;
        }
        let edit = cfn_edit::set_property(ctx.template, res, "AuthorizationType", &json!("AWS_IAM"));
        let range = ctx.prop_range(res, "AuthorizationType").unwrap_or_else(|| ctx.header(res));
        let message =
            format!("`{}` accepts calls without authorization (`AuthorizationType` is `NONE`)", res.logical_id);
        ctx.report(res, range, message).fixes.push(Fix::unsafe_(FIX, vec![edit]));
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn routes_without_authorization() {
        let tf = r#"resource "aws_apigatewayv2_route" "open" {
  route_key = "GET /a"
}
resource "aws_apigatewayv2_route" "none" {
  route_key          = "POST /a"
  authorization_type = "NONE"
}
resource "aws_apigatewayv2_route" "cors" {
  route_key = "OPTIONS /a"
}
resource "aws_apigatewayv2_api" "ws" {
  protocol_type = "WEBSOCKET"
}
resource "aws_apigatewayv2_route" "message" {
  api_id    = aws_apigatewayv2_api.ws.id
  route_key = "$default"
}
resource "aws_apigatewayv2_route" "connect" {
  api_id    = aws_apigatewayv2_api.ws.id
  route_key = "$connect"
}
resource "aws_apigatewayv2_route" "jwt" {
  route_key          = "GET /b"
  authorization_type = "JWT"
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 6, 18]);
        assert_eq!(check_fixes(&RULE, tf), 3);
        let yaml = "Resources:\n  A:\n    Type: AWS::ApiGatewayV2::Route\n    Properties:\n      RouteKey: GET /a\n  B:\n    Type: AWS::ApiGatewayV2::Route\n    Properties:\n      RouteKey: !Ref Key\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
