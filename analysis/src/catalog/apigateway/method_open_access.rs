use crate::cloudformation::check::CfnContext;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "api-gateway-method-open-access",
    title: "API Gateway method accepts calls without any authorization",
    severity: Severity::Medium,
    row: Row::AccessRestriction,
    service: "API Gateway",
    why: "A method with no authorization lets anyone on the internet run the backend integration: a Lambda \
          function, an internal HTTP service or a direct AWS service action, with the integration's permissions. \
          Methods of APIs that are public by design will be flagged: suppress the finding there.",
    aws_side: "API Gateway enforces whatever authorization the method declares; declaring one is the customer's \
               duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_59"],
        kics: &[
            "15ccec05-5476-4890-ad19-53991eba1db8",
            "671211c5-5d2a-4e97-8867-30fc28b02216",
            "1056dfbb-5802-4762-bf2b-8b9b9684b1b0",
            "3641d5b4-d339-4bc2-bfb9-208fe8d3477f",
        ],
        trivy: &["AVD-AWS-0004", "aws-api-gateway-no-public-access"],
    },
    related: Related {
        checkov: &["CKV2_AWS_70"],
        kics: &[],
        trivy: &[],
        how: "CKV2_AWS_70 looks at OPTIONS methods only, unless the API is private or its resource policy is \
              restrictive.",
    },
    matcher: &Custom {
        what: "Flags `aws_api_gateway_method` (other than `OPTIONS`) whose `authorization` is `NONE` and that does \
               not require an API key (`api_key_required`); in CloudFormation, `AWS::ApiGateway::Method` with \
               `AuthorizationType` absent or `NONE` and without `ApiKeyRequired: true`.",
        fix: "Set `authorization` to `AWS_IAM`, `CUSTOM` (a Lambda authorizer) or `COGNITO_USER_POOLS`. \
              `api_key_required = true` silences the finding, but an API key identifies a client for usage plans: \
              it is not authentication.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_api_gateway_method"],
            check,
            example: r#"resource "aws_api_gateway_method" "get_items" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.items.id
  http_method   = "GET"
  authorization = "NONE"
}"#,
            fixed_example: r#"resource "aws_api_gateway_method" "get_items" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.items.id
  http_method   = "GET"
  authorization = "AWS_IAM"
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ApiGateway::Method"],
            check: check_cfn,
            example: r#"Resources:
  GetItems:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Items
      HttpMethod: GET
      AuthorizationType: NONE
"#,
            fixed_example: r#"Resources:
  GetItems:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Items
      HttpMethod: GET
      AuthorizationType: AWS_IAM
"#,
        }),
    },
};

/// Whether a method is open, from its HTTP method, authorization and API key requirement (`None`: unknown).
fn open(method: Value, authorization: Value, api_key: Value) -> Option<bool> {
    if method.as_str().is_some_and(|m| m.eq_ignore_ascii_case("OPTIONS")) {
        return Some(false);
    }
    let authorized = match authorization {
        Value::Null => false,
        v => !v.as_str()?.eq_ignore_ascii_case("NONE"),
    };
    let key = match api_key {
        Value::Null => false,
        v => v.as_bool()?,
    };
    if !method.is_known() {
        return None;
    }
    Some(!authorized && !key)
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_api_gateway_method").collect::<Vec<_>>() {
        let get = |name| ctx.attr(res.block, name).map_or(Value::Null, |(_, v)| v);
        if open(get("http_method"), get("authorization"), get("api_key_required")) != Some(true) {
            continue;
        }
        let range = ctx.attr(res.block, "authorization").map_or(res.block.header, |(a, _)| a.range);
        let message =
            format!("`{}` accepts calls without authorization (`authorization = \"NONE\"`, no API key)", res.address());
        ctx.report(res, range, message);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ApiGateway::Method").collect::<Vec<_>>() {
        let get = |name| ctx.prop(res, name).map_or(Value::Null, |(_, v)| v);
        if open(get("HttpMethod"), get("AuthorizationType"), get("ApiKeyRequired")) != Some(true) {
            continue;
        }
        let range = ctx.prop_range(res, "AuthorizationType").unwrap_or_else(|| ctx.header(res));
        let message =
            format!("`{}` accepts calls without authorization (`AuthorizationType: NONE`, no API key)", res.logical_id);
        ctx.report(res, range, message);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn open_methods() {
        let tf = r#"resource "aws_api_gateway_method" "open" {
  http_method   = "GET"
  authorization = "NONE"
}
resource "aws_api_gateway_method" "key" {
  http_method      = "GET"
  authorization    = "NONE"
  api_key_required = true
}
resource "aws_api_gateway_method" "preflight" {
  http_method   = "OPTIONS"
  authorization = "NONE"
}
resource "aws_api_gateway_method" "iam" {
  http_method   = "POST"
  authorization = "AWS_IAM"
}
resource "aws_api_gateway_method" "unknown" {
  http_method   = "GET"
  authorization = var.auth
}
resource "aws_api_gateway_method" "key_off" {
  http_method      = "ANY"
  authorization    = "none"
  api_key_required = "false"
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 24]);
        let yaml = "Resources:\n  A:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      HttpMethod: GET\n  B:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      HttpMethod: GET\n      AuthorizationType: NONE\n      ApiKeyRequired: true\n  C:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      HttpMethod: OPTIONS\n      AuthorizationType: NONE\n  D:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      HttpMethod: POST\n      AuthorizationType: COGNITO_USER_POOLS\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
    }
}
