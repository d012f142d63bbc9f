use crate::cloudformation::check::CfnContext;
use crate::kit::references::{cfn_mentions, tf_names};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "api-gateway-without-authorizer",
    title: "API Gateway API has no authorizer",
    severity: Severity::Medium,
    row: Row::AccessRestriction,
    service: "API Gateway",
    why: "Without an authorizer (Lambda, Cognito, JWT) or IAM authorization, the API relies on nothing but the \
          obscurity of its URL: a private API is reachable by anything in the VPCs its endpoint serves.",
    aws_side: "API Gateway runs the authorizer the customer configures and caches its decisions; it never adds one \
               by itself.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["0a96ce49-4163-4ee6-8169-eb3b0797d694", "7fd0d461-5b8c-4815-898c-f2b4b117eb28"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_api_gateway_rest_api` and `aws_apigatewayv2_api` that no authorizer of the module \
               (`aws_api_gateway_authorizer` / `aws_apigatewayv2_authorizer`) names, unless their OpenAPI `body` \
               declares one or a method (route) of theirs uses IAM authorization; in CloudFormation, \
               `AWS::ApiGateway::RestApi` and `AWS::ApiGatewayV2::Api` without an authorizer naming them.",
        fix: "Add an authorizer for the API (Lambda, Cognito user pool, JWT) and use it on its methods, or \
              authorize the methods with IAM (`authorization = \"AWS_IAM\"`).",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_api_gateway_rest_api", "aws_apigatewayv2_api"],
            check,
            example: r#"resource "aws_api_gateway_rest_api" "api" {
  name = "orders"
}"#,
            fixed_example: r#"resource "aws_api_gateway_rest_api" "api" {
  name = "orders"
}

resource "aws_api_gateway_authorizer" "cognito" {
  name          = "cognito"
  rest_api_id   = aws_api_gateway_rest_api.api.id
  type          = "COGNITO_USER_POOLS"
  provider_arns = [aws_cognito_user_pool.users.arn]
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"],
            check: check_cfn,
            example: r#"Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: orders
"#,
            fixed_example: r#"Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: orders
  Authorizer:
    Type: AWS::ApiGateway::Authorizer
    Properties:
      Name: cognito
      RestApiId: !Ref Api
      Type: COGNITO_USER_POOLS
      ProviderARNs: [!GetAtt Users.Arn]
"#,
        }),
    },
};

/// Whether an OpenAPI body (text or object) declares an authorizer.
fn body_declares_authorizer(v: &Value) -> bool {
    match v {
        Value::String(s) => s.contains("x-amazon-apigateway-authorizer"),
        other => other.to_json().is_some_and(|j| j.to_string().contains("x-amazon-apigateway-authorizer")),
    }
}

fn check(ctx: &mut TfContext) {
    let kinds = [
        (
            "aws_api_gateway_rest_api",
            "aws_api_gateway_authorizer",
            "rest_api_id",
            "aws_api_gateway_method",
            "authorization",
        ),
        (
            "aws_apigatewayv2_api",
            "aws_apigatewayv2_authorizer",
            "api_id",
            "aws_apigatewayv2_route",
            "authorization_type",
        ),
    ];
    for (ty, authorizer, link, method, auth) in kinds {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let names =
                |r: &crate::terraform::check::Resource| r.block.attr(link).is_some_and(|a| tf_names(&a.expr, res));
            if ctx.all_resources(authorizer).any(|a| names(&a)) {
                continue;
            }
            if res.block.attr("body").is_some_and(|b| body_declares_authorizer(&ctx.eval(&b.expr))) {
                continue;
            }
            let iam = ctx.all_resources(method).any(|m| {
                names(&m)
                    && ctx
                        .attr(m.block, auth)
                        .is_some_and(|(_, v)| v.as_str().is_some_and(|a| a.eq_ignore_ascii_case("AWS_IAM")))
            });
            if iam {
                continue;
            }
            let message = format!(
                "`{}` has no authorizer: no `{authorizer}` names it and none of its methods uses IAM",
                res.address()
            );
            ctx.report(res, res.block.header, message);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    let kinds = [
        (
            "AWS::ApiGateway::RestApi",
            "AWS::ApiGateway::Authorizer",
            "RestApiId",
            "AWS::ApiGateway::Method",
            "AuthorizationType",
        ),
        (
            "AWS::ApiGatewayV2::Api",
            "AWS::ApiGatewayV2::Authorizer",
            "ApiId",
            "AWS::ApiGatewayV2::Route",
            "AuthorizationType",
        ),
    ];
    for (ty, authorizer, link, method, auth) in kinds {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let names = |r: &crate::cloudformation::CfnResource| {
                ctx.prop(*r, link).is_some_and(|(n, _)| cfn_mentions(n, res.logical_id))
            };
            if ctx.template.resources().filter(|r| r.ty == authorizer).any(|a| names(&a)) {
                continue;
            }
            if ctx.prop(res, "Body").is_some_and(|(_, v)| body_declares_authorizer(&v)) {
                continue;
            }
            let iam = ctx.template.resources().filter(|r| r.ty == method).any(|m| {
                names(&m)
                    && ctx
                        .prop(m, auth)
                        .is_some_and(|(_, v)| v.as_str().is_some_and(|a| a.eq_ignore_ascii_case("AWS_IAM")))
            });
            if iam {
                continue;
            }
            let range = ctx.header(res);
            let message = format!(
                "`{}` has no authorizer: no `{authorizer}` names it and none of its methods uses IAM",
                res.logical_id
            );
            ctx.report(res, range, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn apis_without_authorizers() {
        let tf = r#"resource "aws_api_gateway_authorizer" "demo" {
  rest_api_id = aws_api_gateway_rest_api.demo.id
}
resource "aws_api_gateway_rest_api" "demo" {
  name = "with"
}
resource "aws_api_gateway_rest_api" "demo2" {
  name = "without"
}
resource "aws_api_gateway_rest_api" "openapi" {
  body = jsonencode({ components = { securitySchemes = { a = { "x-amazon-apigateway-authorizer" = {} } } } })
}
resource "aws_api_gateway_rest_api" "iam" {
  name = "iam"
}
resource "aws_api_gateway_method" "iam" {
  rest_api_id   = aws_api_gateway_rest_api.iam.id
  authorization = "AWS_IAM"
}
resource "aws_apigatewayv2_api" "http" {
  protocol_type = "HTTP"
}
"#;
        assert_eq!(lines(&RULE, tf), [7, 20]);
        let yaml = "Resources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n  A:\n    Type: AWS::ApiGateway::Authorizer\n    Properties:\n      RestApiId: Api\n  Ws:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      ProtocolType: WEBSOCKET\n  B:\n    Type: AWS::ApiGatewayV2::Authorizer\n    Properties:\n      ApiId: !Ref Other\n";
        assert_eq!(cfn_lines(&RULE, yaml), [8]);
    }
}
