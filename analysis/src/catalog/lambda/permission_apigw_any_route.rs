use crate::cloudformation::check::CfnContext;
use crate::kit::references::cfn_raw_text;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::model::{Expr, ExprKind, TemplatePart};
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "lambda-permission-apigw-any-route",
    title: "Lambda permission lets any stage, method and path of an API invoke the function",
    severity: Severity::Low,
    row: Row::AccessRestriction,
    service: "Lambda",
    why: "With `/*/*` every stage (test stages included) and every route of the API can invoke the function, so \
          a new unauthenticated route added later reaches it too.",
    aws_side: "Lambda evaluates the permission's source ARN as the customer writes it.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["3ef8696c-e4ae-4872-92c7-520bb44dfe77", "57b12981-3816-4c31-b190-a1e614361dd2"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_lambda_permission` for `apigateway.amazonaws.com` whose `source_arn` names the API with \
               wildcards only after it (`${aws_api_gateway_rest_api.x.execution_arn}/*/*`, `.../*`); in \
               CloudFormation, `AWS::Lambda::Permission` whose `SourceArn` does likewise.",
        fix: "Name the stage, method and path that invoke the function: \
              `\"${aws_api_gateway_rest_api.api.execution_arn}/prod/GET/items\"`.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_lambda_permission"],
            check,
            example: r#"resource "aws_lambda_permission" "api" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.items.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.api.execution_arn}/*/*"
}"#,
            fixed_example: r#"resource "aws_lambda_permission" "api" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.items.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.api.execution_arn}/prod/GET/items"
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Lambda::Permission"],
            check: check_cfn,
            example: r#"Resources:
  ApiPermission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !GetAtt Items.Arn
      Action: lambda:InvokeFunction
      Principal: apigateway.amazonaws.com
      SourceArn: !Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*/*
"#,
            fixed_example: r#"Resources:
  ApiPermission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !GetAtt Items.Arn
      Action: lambda:InvokeFunction
      Principal: apigateway.amazonaws.com
      SourceArn: !Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/prod/GET/items
"#,
        }),
    },
};

/// Whether the text after the API (`/*/*`, `/*`) is wildcards only.
fn wildcards_only(rest: &str) -> bool {
    let segments: Vec<&str> = rest.split('/').skip(1).collect();
    rest.starts_with('/') && !segments.is_empty() && segments.iter().all(|s| *s == "*")
}

/// Whether an execute-api ARN (`arn:...:<api-id>/<stage>/<method>/<path>`) allows any stage and route.
fn any_route_arn(arn: &str) -> bool {
    let resource = arn.rsplit(':').next().unwrap_or(arn);
    match resource.find('/') {
        Some(i) => wildcards_only(&resource[i..]),
        None => false,
    }
}

/// The same for an ARN written as a template: the text after its last interpolation, when that names an API
/// (`execution_arn`, or an id).
fn any_route_template(expr: &Expr) -> bool {
    let ExprKind::Template(parts) = &expr.kind else { return false };
    match parts.as_slice() {
        [.., TemplatePart::Interpolation(_), TemplatePart::Literal(rest)] => wildcards_only(rest),
        _ => false,
    }
}

fn from_api_gateway(v: &Value) -> bool {
    v.as_str().is_some_and(|p| p.eq_ignore_ascii_case("apigateway.amazonaws.com"))
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_lambda_permission").collect::<Vec<_>>() {
        if !ctx.attr(res.block, "principal").is_some_and(|(_, v)| from_api_gateway(&v)) {
            continue;
        }
        let Some(attr) = res.block.attr("source_arn") else { continue };
        let any = match ctx.eval(&attr.expr) {
            Value::String(s) => any_route_arn(&s),
            _ => any_route_template(&attr.expr),
        };
        if any {
            let message = format!("`{}` lets any stage, method and path of the API invoke the function", res.address());
            ctx.report(res, attr.range, message);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::Lambda::Permission").collect::<Vec<_>>() {
        if !ctx.prop(res, "Principal").is_some_and(|(_, v)| from_api_gateway(&v)) {
            continue;
        }
        let Some((node, value)) = ctx.prop(res, "SourceArn") else { continue };
        let text = match &value {
            Value::String(s) => Some(s.clone()),
            _ => cfn_raw_text(node).map(str::to_string).or_else(|| join_text(ctx, node)),
        };
        if text.is_some_and(|t| any_route_arn(&t)) {
            let range = ctx.prop_range(res, "SourceArn").unwrap_or(node.range);
            let message =
                format!("`{}` lets any stage, method and path of the API invoke the function", res.logical_id);
            ctx.report(res, range, message);
        }
    }
}

/// The text of a `Fn::Join`, its unknown parts as `?`.
fn join_text(ctx: &CfnContext, node: &crate::cloudformation::tree::Node) -> Option<String> {
    let Some(("Fn::Join", arg)) = node.intrinsic() else { return None };
    let [sep, parts] = arg.items() else { return None };
    let texts: Vec<String> =
        parts.items().iter().map(|p| ctx.eval(p).as_str().map_or("?".to_string(), str::to_string)).collect();
    Some(texts.join(sep.as_str()?))
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn any_route_permissions() {
        let tf = r#"resource "aws_lambda_permission" "any" {
  principal  = "apigateway.amazonaws.com"
  source_arn = "${aws_api_gateway_rest_api.example.execution_arn}/*/*"
}
resource "aws_lambda_permission" "named" {
  principal  = "apigateway.amazonaws.com"
  source_arn = "${aws_api_gateway_rest_api.example.execution_arn}/test/test"
}
resource "aws_lambda_permission" "stage" {
  principal  = "apigateway.amazonaws.com"
  source_arn = "${aws_api_gateway_rest_api.example.execution_arn}/prod/*/*"
}
resource "aws_lambda_permission" "literal" {
  principal  = "apigateway.amazonaws.com"
  source_arn = "arn:aws:execute-api:eu-west-1:111122223333:abc123/*"
}
resource "aws_lambda_permission" "s3" {
  principal  = "s3.amazonaws.com"
  source_arn = "arn:aws:s3:::b/*/*"
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 15]);
        let yaml = "Resources:\n  A:\n    Type: AWS::Lambda::Permission\n    Properties:\n      Principal: apigateway.amazonaws.com\n      SourceArn: arn:aws:s3:eu-central-1:123456789012/*/*\n  B:\n    Type: AWS::Lambda::Permission\n    Properties:\n      Principal: apigateway.amazonaws.com\n      SourceArn: !Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/prod/GET/\n  C:\n    Type: AWS::Lambda::Permission\n    Properties:\n      Principal: apigateway.amazonaws.com\n      SourceArn: !Join ['', ['arn:aws:execute-api:', !Ref AWS::Region, ':', !Ref AWS::AccountId, ':', !Ref Api, '/*/*']]\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6, 16]);
    }
}
