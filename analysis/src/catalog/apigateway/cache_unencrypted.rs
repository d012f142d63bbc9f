use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::{Node, NodeKind};
use crate::cloudformation::CfnResource;
use crate::fix::{Edit, Fix};
use crate::kit::setting::set_in_config;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "api-gateway-cache-unencrypted",
    title: "API Gateway response cache is not encrypted",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "API Gateway",
    why: "Cached responses can hold personal data or tokens; an unencrypted cache keeps them in clear on \
          AWS-managed storage.",
    aws_side: "AWS offers encryption of the cache at rest; asking for it per stage or method is the customer's job.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_308"],
        kics: &["b7c9a40c-23e4-4a2d-8d39-a3352f10f288", "37cca703-b74c-48ba-ac81-595b53398e9b"],
        trivy: &["AVD-AWS-0002", "aws-api-gateway-enable-cache-encryption"],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_api_gateway_method_settings` whose `settings` turn `caching_enabled` on without \
               `cache_data_encrypted = true`; in CloudFormation, `CachingEnabled: true` without \
               `CacheDataEncrypted: true` in an `AWS::ApiGateway::Deployment`'s `StageDescription` (or its \
               `MethodSettings`) and in an `AWS::ApiGateway::Stage`'s `MethodSettings`.",
        fix: "Set `cache_data_encrypted = true` wherever caching is enabled (`CacheDataEncrypted: true`).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_api_gateway_method_settings"],
            check,
            example: r#"resource "aws_api_gateway_method_settings" "items" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  method_path = "items/GET"

  settings {
    caching_enabled = true
  }
}"#,
            fixed_example: r#"resource "aws_api_gateway_method_settings" "items" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  method_path = "items/GET"

  settings {
    caching_enabled = true
    cache_data_encrypted = true
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ApiGateway::Deployment", "AWS::ApiGateway::Stage"],
            check: check_cfn,
            example: r#"Resources:
  Deployment:
    Type: AWS::ApiGateway::Deployment
    Properties:
      RestApiId: !Ref Api
      StageName: prod
      StageDescription:
        CachingEnabled: true
"#,
            fixed_example: r#"Resources:
  Deployment:
    Type: AWS::ApiGateway::Deployment
    Properties:
      RestApiId: !Ref Api
      StageName: prod
      StageDescription:
        CachingEnabled: true
        CacheDataEncrypted: true
"#,
        }),
    },
};

const FIX: &str = "Encrypt the cache";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_api_gateway_method_settings").collect::<Vec<_>>() {
        let file = ctx.file(res);
        for config in ctx.nested(res.config(), "settings") {
            if ctx.field(config, "caching_enabled").and_then(|(_, v)| v.as_bool()) != Some(true) {
                continue;
            }
            let address = res.address();
            match ctx.field(config, "cache_data_encrypted") {
                None => {
                    let fix =
                        set_in_config(file, config, "cache_data_encrypted", "true").map(|e| Fix::new(FIX, vec![e]));
                    let message = format!(
                        "`{address}` caches responses without `cache_data_encrypted`, so the cache is not encrypted"
                    );
                    ctx.report(res, config.header(), message).fixes.extend(fix);
                }
                Some((field, v)) if v.as_bool() == Some(false) => {
                    let fix = Fix::new(FIX, vec![Edit { range: field.expr.range, text: "true".into() }]);
                    let message = format!("`{address}` caches responses with `cache_data_encrypted = false`");
                    ctx.report_with_fix(res, field.range, message, fix);
                }
                _ => {}
            }
        }
    }
}

/// The mappings holding caching settings: a list's entries, or one mapping.
fn settings_of(node: &Node) -> Vec<&Node> {
    match &node.kind {
        NodeKind::List(items) => {
            items.iter().filter(|i| i.intrinsic().is_none() && matches!(i.kind, NodeKind::Map(_))).collect()
        }
        NodeKind::Map(_) if node.intrinsic().is_none() => vec![node],
        _ => Vec::new(),
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ApiGateway::Deployment").collect::<Vec<_>>() {
        let Some((description, _)) = ctx.prop(res, "StageDescription") else { continue };
        if description.intrinsic().is_some() {
            continue;
        }
        check_map(ctx, res, description, "StageDescription");
        if let Some(methods) = description.get("MethodSettings") {
            for entry in settings_of(methods) {
                check_map(ctx, res, entry, "StageDescription.MethodSettings");
            }
        }
    }
    for res in ctx.resources("AWS::ApiGateway::Stage").collect::<Vec<_>>() {
        let Some((methods, _)) = ctx.prop(res, "MethodSettings") else { continue };
        for entry in settings_of(methods) {
            check_map(ctx, res, entry, "MethodSettings");
        }
    }
}

fn check_map(ctx: &mut CfnContext, res: CfnResource, map: &Node, at: &str) {
    if map.get("CachingEnabled").and_then(|n| ctx.eval(n).as_bool()) != Some(true) {
        return;
    }
    let id = res.logical_id;
    match map.entry("CacheDataEncrypted") {
        None => {
            let fix = Fix::new(
                FIX,
                vec![crate::kit::setting::cfn_set_key(ctx.template, map, "CacheDataEncrypted", &json!(true))],
            );
            let message =
                format!("`{id}` enables caching in `{at}` without `CacheDataEncrypted`, so the cache is not encrypted");
            ctx.report(res, map.range, message).fixes.push(fix);
        }
        Some(e) if ctx.eval(&e.value).as_bool() == Some(false) => {
            let fix = Fix::new(FIX, vec![cfn_edit::replace_value(ctx.template, &e.value, &json!(true))]);
            let message = format!("`{id}` enables caching in `{at}` with `CacheDataEncrypted: false`");
            ctx.report(res, e.range, message).fixes.push(fix);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn caching_without_encryption() {
        let tf = r#"resource "aws_api_gateway_method_settings" "off" {
  settings {
    caching_enabled      = true
    cache_data_encrypted = false
  }
}
resource "aws_api_gateway_method_settings" "absent" {
  settings {
    caching_enabled = true
  }
}
resource "aws_api_gateway_method_settings" "no_cache" {
  settings {
    caching_enabled = false
  }
}
resource "aws_api_gateway_method_settings" "unknown" {
  settings {
    caching_enabled      = true
    cache_data_encrypted = var.encrypted
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [4, 8]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_deployments_and_stages() {
        let yaml = "Resources:\n  D:\n    Type: AWS::ApiGateway::Deployment\n    Properties:\n      StageDescription:\n        CachingEnabled: true\n        MethodSettings:\n          - CachingEnabled: 'true'\n            CacheDataEncrypted: 'false'\n  S:\n    Type: AWS::ApiGateway::Stage\n    Properties:\n      MethodSettings:\n        - CachingEnabled: true\n          CacheDataEncrypted: true\n        - CachingEnabled: true\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6, 9, 16]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 3);
    }
}
