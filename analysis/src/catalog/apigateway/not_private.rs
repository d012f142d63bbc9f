use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "api-gateway-not-private",
    title: "API Gateway REST API is reachable from the internet",
    severity: Severity::Low,
    row: Row::AccessRestriction,
    service: "API Gateway",
    why: "Internal APIs published as EDGE or REGIONAL are reachable by anyone who learns the URL; PRIVATE limits \
          them to VPC endpoints. APIs that are public by design will be flagged: suppress the finding there.",
    aws_side: "AWS exposes the endpoint type chosen; deciding what must be private is the customer's duty.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["6b2739db-9c49-4db7-b980-7816e0c248c1", "4a8daf95-709d-4a36-9132-d3e19878fa34"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_api_gateway_rest_api` whose `endpoint_configuration.types` is not `[\"PRIVATE\"]` (absent \
               means `EDGE`); in CloudFormation, `AWS::ApiGateway::RestApi` whose `EndpointConfiguration.Types` is \
               absent or not `[PRIVATE]`.",
        fix: "Set `endpoint_configuration { types = [\"PRIVATE\"] }`, with a VPC endpoint for `execute-api` and a \
              resource policy allowing it (`aws:SourceVpce`).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_api_gateway_rest_api"],
            check,
            example: r#"resource "aws_api_gateway_rest_api" "internal" {
  name = "internal"

  endpoint_configuration {
    types = ["REGIONAL"]
  }
}"#,
            fixed_example: r#"resource "aws_api_gateway_rest_api" "internal" {
  name = "internal"

  endpoint_configuration {
    types = ["PRIVATE"]
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ApiGateway::RestApi"],
            check: check_cfn,
            example: r#"Resources:
  Internal:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: internal
"#,
            fixed_example: r#"Resources:
  Internal:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: internal
      EndpointConfiguration:
        Types: [PRIVATE]
"#,
        }),
    },
};

const FIX: &str = "Make the API private (needs a VPC endpoint and a resource policy)";

/// Whether a list of endpoint types is exactly `PRIVATE` (`None`: unknown).
fn is_private(v: &Value) -> Option<bool> {
    let items = v.as_list()?;
    let names: Option<Vec<&str>> = items.iter().map(Value::as_str).collect();
    let names = names?;
    Some(!names.is_empty() && names.iter().all(|n| n.eq_ignore_ascii_case("PRIVATE")))
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_api_gateway_rest_api").collect::<Vec<_>>() {
        let file = ctx.file(res);
        let address = res.address();
        let configs = ctx.nested(res.config(), "endpoint_configuration");
        if configs.is_empty() {
            let fix = Fix::unsafe_(
                FIX,
                vec![edit::insert_in_block(file, res.block, "endpoint_configuration {\n  types = [\"PRIVATE\"]\n}")],
            );
            let message = format!(
                "`{address}` has no `endpoint_configuration`, so it is an EDGE API reachable from the internet"
            );
            ctx.report_with_fix(res, res.block.header, message, fix);
        }
        for config in configs {
            let Some((field, v)) = ctx.field(config, "types") else { continue };
            if is_private(&v) != Some(false) {
                continue;
            }
            let fix = Fix::unsafe_(FIX, vec![Edit { range: field.expr.range, text: "[\"PRIVATE\"]".into() }]);
            let message = format!("`{address}` is not a private API (`endpoint_configuration.types`), so it is reachable from the internet");
            ctx.report_with_fix(res, field.range, message, fix);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ApiGateway::RestApi").collect::<Vec<_>>() {
        let id = res.logical_id;
        match ctx.prop(res, "EndpointConfiguration.Types") {
            None | Some((_, Value::Null)) => {
                if ctx.prop(res, "EndpointConfiguration").is_some_and(|(n, _)| n.intrinsic().is_some()) {
                    continue;
                }
                let edit = crate::kit::setting::set_cfn_path(
                    ctx.template,
                    res,
                    "EndpointConfiguration.Types",
                    &json!(["PRIVATE"]),
                );
                let range = ctx.header(res);
                let message = format!(
                    "`{id}` has no `EndpointConfiguration.Types`, so it is an EDGE API reachable from the internet"
                );
                ctx.report(res, range, message).fixes.push(Fix::unsafe_(FIX, vec![edit]));
            }
            Some((node, v)) => {
                if is_private(&v) != Some(false) {
                    continue;
                }
                let edit = cfn_edit::replace_value(ctx.template, node, &json!(["PRIVATE"]));
                let range = ctx.prop_range(res, "EndpointConfiguration.Types").unwrap_or(node.range);
                let message = format!(
                    "`{id}` is not a private API (`EndpointConfiguration.Types`), so it is reachable from the internet"
                );
                ctx.report(res, range, message).fixes.push(Fix::unsafe_(FIX, vec![edit]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn public_endpoint_types() {
        let tf = "resource \"aws_api_gateway_rest_api\" \"a\" {\n  endpoint_configuration {\n    types = [\"REGIONAL\"]\n  }\n}\nresource \"aws_api_gateway_rest_api\" \"b\" {\n  name = \"b\"\n}\nresource \"aws_api_gateway_rest_api\" \"c\" {\n  endpoint_configuration {\n    types = [\"PRIVATE\"]\n  }\n}\nresource \"aws_api_gateway_rest_api\" \"d\" {\n  endpoint_configuration {\n    types = var.types\n  }\n}\n";
        assert_eq!(lines(&RULE, tf), [3, 6]);
        assert_eq!(check_fixes(&RULE, tf), 2);
        let yaml = "Resources:\n  A:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      Name: a\n  B:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      EndpointConfiguration:\n        Types:\n          - EDGE\n  C:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      EndpointConfiguration:\n        Types: [PRIVATE]\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 10]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
