use crate::cloudformation::check::CfnContext;
use crate::kit::references::tf_names;
use crate::kit::waf::{self, Coverage};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "api-gateway-stage-without-waf",
    title: "API Gateway REST stage is not protected by AWS WAF",
    severity: Severity::Medium,
    row: Row::NetworkSecurity,
    service: "API Gateway",
    why: "A public REST API without WAF gets no rate-based blocking, no managed rules against injection and no IP \
          reputation filtering in front of its backends.",
    aws_side: "AWS WAF inspects requests once a web ACL is associated; choosing and associating rules is the \
               customer's job. (HTTP APIs cannot be associated with WAF.)",
    equivalents: Equivalents {
        checkov: &["CKV2_AWS_29"],
        kics: &["a186e82c-1078-4a7b-85d8-579561fde884", "fcbf9019-566c-4832-a65c-af00d8137d2b"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_api_gateway_stage` that no `aws_wafv2_web_acl_association` or \
               `aws_wafregional_web_acl_association` names, unless its REST API is `PRIVATE`; in CloudFormation, \
               `AWS::ApiGateway::Stage` that no WAF association names (by reference, or by an ARN ending in \
               `/stages/<StageName>`).",
        fix: "Associate a regional WAF web ACL with the stage (`aws_wafv2_web_acl_association` with \
              `resource_arn = aws_api_gateway_stage.<name>.arn`).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_api_gateway_stage"],
            check,
            example: r#"resource "aws_api_gateway_stage" "prod" {
  stage_name    = "prod"
  rest_api_id   = aws_api_gateway_rest_api.api.id
  deployment_id = aws_api_gateway_deployment.api.id
}"#,
            fixed_example: r#"resource "aws_api_gateway_stage" "prod" {
  stage_name    = "prod"
  rest_api_id   = aws_api_gateway_rest_api.api.id
  deployment_id = aws_api_gateway_deployment.api.id
}

resource "aws_wafv2_web_acl_association" "prod" {
  resource_arn = aws_api_gateway_stage.prod.arn
  web_acl_arn  = aws_wafv2_web_acl.api.arn
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
"#,
            fixed_example: r#"Resources:
  Prod:
    Type: AWS::ApiGateway::Stage
    Properties:
      StageName: prod
      RestApiId: !Ref Api
  ProdWebAcl:
    Type: AWS::WAFv2::WebACLAssociation
    Properties:
      ResourceArn: !Sub arn:aws:apigateway:${AWS::Region}::/restapis/${Api}/stages/${Prod}
      WebACLArn: !GetAtt WebAcl.Arn
"#,
        }),
    },
};

/// Whether the stage's REST API is private (no WAF needed in front of a VPC-only endpoint).
fn private_api(ctx: &TfContext, stage: Resource) -> bool {
    let Some(api_id) = stage.block.attr("rest_api_id") else { return false };
    ctx.all_resources("aws_api_gateway_rest_api").any(|api| {
        tf_names(&api_id.expr, api)
            && ctx.nested(api.config(), "endpoint_configuration").iter().any(|c| {
                ctx.field(*c, "types").is_some_and(|(_, v)| {
                    v.as_list().is_some_and(|l| !l.is_empty() && l.iter().all(|t| t.as_str() == Some("PRIVATE")))
                })
            })
    })
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_api_gateway_stage").collect::<Vec<_>>() {
        if private_api(ctx, res) || waf::tf_coverage(ctx, res, &["aws_api_gateway_stage"]) != Coverage::None {
            continue;
        }
        let fix = waf::tf_association_fix(ctx, res);
        let message = format!("`{}` is not associated with a WAF web ACL", res.address());
        ctx.report_with_fix(res, res.block.header, message, fix);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ApiGateway::Stage").collect::<Vec<_>>() {
        let name = match ctx.prop(res, "StageName") {
            Some((_, Value::String(s))) => Some(s),
            Some(_) => continue,
            None => None,
        };
        let matches = |arn: &str| name.as_ref().is_some_and(|n| arn.ends_with(&format!("/stages/{n}")));
        if waf::cfn_coverage(ctx, res, &["AWS::ApiGateway::Stage"], matches) != Coverage::None {
            continue;
        }
        let api = ctx.prop(res, "RestApiId").and_then(|(n, _)| match n.intrinsic() {
            Some(("Ref", a)) => a.as_str().map(str::to_string),
            _ => None,
        });
        let arn = json!({"Fn::Sub": format!(
            "arn:aws:apigateway:${{AWS::Region}}::/restapis/${{{}}}/stages/${{{}}}",
            api.as_deref().unwrap_or("RestApiId"),
            res.logical_id
        )});
        let fix = waf::cfn_association_fix(ctx, res, arn);
        let range = ctx.header(res);
        let message = format!("`{}` is not associated with a WAF web ACL", res.logical_id);
        ctx.report(res, range, message).fixes.extend(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn stages_without_associations() {
        let tf = r#"resource "aws_api_gateway_stage" "a" {
  stage_name = "a"
}
resource "aws_api_gateway_stage" "b" {
  stage_name = "b"
}
resource "aws_wafregional_web_acl_association" "b" {
  resource_arn = "${aws_api_gateway_stage.b.arn}"
  web_acl_id   = aws_wafregional_web_acl.foo.id
}
resource "aws_wafv2_web_acl_association" "other" {
  resource_arn = aws_api_gateway_stage.other.arn
}
resource "aws_api_gateway_rest_api" "private" {
  endpoint_configuration {
    types = ["PRIVATE"]
  }
}
resource "aws_api_gateway_stage" "private" {
  rest_api_id = aws_api_gateway_rest_api.private.id
}
"#;
        assert_eq!(lines(&RULE, tf), [1]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let unknown = "resource \"aws_api_gateway_stage\" \"a\" {\n}\nresource \"aws_wafv2_web_acl_association\" \"x\" {\n  resource_arn = var.arn\n}\n";
        assert!(lines(&RULE, unknown).is_empty());
    }

    #[test]
    fn cloudformation_by_reference_or_arn() {
        let yaml = "Resources:\n  Prod:\n    Type: AWS::ApiGateway::Stage\n    Properties:\n      StageName: Prod\n  Live:\n    Type: AWS::ApiGateway::Stage\n    Properties:\n      StageName: Live\n  A:\n    Type: AWS::WAFv2::WebACLAssociation\n    Properties:\n      ResourceArn: arn:aws:apigateway:region::/restapis/api-id/stages/Live\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
