use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::kit::references::tf_names;
use crate::kit::setting::{expr_text, remove_attribute};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "api-gateway-deployment-stage-without-access-logs",
    title: "Stage created by an API Gateway deployment has no access logs",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "API Gateway",
    why: "A deployment that creates its own stage (`stage_name` / `StageName`) produces a live, invocable stage \
          that nobody configured logging for, next to the stage that was configured.",
    aws_side: "AWS creates the stage exactly as described by the deployment; logging it is the customer's choice.",
    equivalents: Equivalents { checkov: &[], kics: &["06ec63e3-9f72-4fe2-a218-2eb9200b8db5"], trivy: &[] },
    related: Related {
        checkov: &[],
        kics: &["625abc0e-f980-4ac9-a775-f7519ee34296"],
        trivy: &[],
        how: "KICS's Terraform query also fails a deployment whose free-text `stage_description` is absent even when \
              a logged stage exists, and flags deployments that create no stage at all.",
    },
    matcher: &Custom {
        what: "Flags `aws_api_gateway_deployment` with a `stage_name` (which creates a stage that cannot carry access \
               log settings) unless an `aws_api_gateway_stage` of that name for the deployment has \
               `access_log_settings`; in CloudFormation, `AWS::ApiGateway::Deployment` with a `StageName` whose \
               `StageDescription` has no `AccessLogSetting`.",
        fix: "Terraform: remove `stage_name` from the deployment and declare the stage as an `aws_api_gateway_stage` \
              with `access_log_settings`. CloudFormation: add `StageDescription.AccessLogSetting` with the \
              destination log group.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_api_gateway_deployment"],
            check,
            example: r#"resource "aws_api_gateway_deployment" "api" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  stage_name  = "prod"
}"#,
            fixed_example: r#"resource "aws_api_gateway_deployment" "api" {
  rest_api_id = aws_api_gateway_rest_api.api.id
}

resource "aws_api_gateway_stage" "prod" {
  deployment_id = aws_api_gateway_deployment.api.id
  rest_api_id   = aws_api_gateway_rest_api.api.id
  stage_name    = "prod"

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api_access.arn
    format          = jsonencode({ requestId = "$context.requestId", status = "$context.status" })
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ApiGateway::Deployment"],
            check: check_cfn,
            example: r#"Resources:
  Deployment:
    Type: AWS::ApiGateway::Deployment
    Properties:
      RestApiId: !Ref Api
      StageName: prod
"#,
            fixed_example: r#"Resources:
  Deployment:
    Type: AWS::ApiGateway::Deployment
    Properties:
      RestApiId: !Ref Api
      StageName: prod
      StageDescription:
        AccessLogSetting:
          DestinationArn: !GetAtt AccessLogs.Arn
"#,
        }),
    },
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_api_gateway_deployment").collect::<Vec<_>>() {
        let Some((attr, Value::String(name))) = ctx.attr(res.block, "stage_name") else { continue };
        if name.is_empty() {
            continue;
        }
        // The same stage declared for the deployment, with its access logs.
        let declared = ctx.all_resources("aws_api_gateway_stage").any(|stage| {
            stage.block.attr("deployment_id").is_some_and(|d| tf_names(&d.expr, res))
                && ctx.attr(stage.block, "stage_name").is_some_and(|(_, v)| v.as_str() == Some(name.as_str()))
                && !ctx.nested(stage.config(), "access_log_settings").is_empty()
        });
        if declared {
            continue;
        }
        let message = format!(
            "`{}` creates the stage `{name}`, which has no access logs (a deployment's stage cannot carry them): \
             declare it as an `aws_api_gateway_stage` with `access_log_settings`",
            res.address()
        );
        let file = ctx.file(res);
        let api =
            res.block.attr("rest_api_id").map_or("aws_api_gateway_rest_api.TODO.id", |a| expr_text(file, &a.expr));
        let stage = format!(
            "resource \"aws_api_gateway_stage\" \"{stage}\" {{\n  deployment_id = {address}.id\n  rest_api_id   = {api}\n  stage_name    = \"{name}\"\n\n  access_log_settings {{\n    destination_arn = aws_cloudwatch_log_group.api_access.arn # TODO: your log group\n    format          = jsonencode({{ requestId = \"$context.requestId\", ip = \"$context.identity.sourceIp\", status = \"$context.status\" }})\n  }}\n}}",
            stage = stage_label(&name),
            address = res.address(),
        );
        let fix = Fix::unsafe_(
            "Declare the stage as an `aws_api_gateway_stage` with access logs",
            vec![remove_attribute(file, attr), edit::insert_after(file, res.block, &stage)],
        );
        ctx.report_with_fix(res, attr.range, message, fix);
    }
}

/// A resource label from a stage name (`prod-v2` gives `prod_v2`).
fn stage_label(name: &str) -> String {
    let label: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if label.starts_with(|c: char| c.is_ascii_alphabetic()) {
        label
    } else {
        format!("stage_{label}")
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ApiGateway::Deployment").collect::<Vec<_>>() {
        match ctx.prop(res, "StageName") {
            Some((_, Value::String(s))) if !s.is_empty() => {}
            Some((_, Value::Unknown)) => {}
            _ => continue,
        }
        let description = ctx.prop(res, "StageDescription");
        if let Some((node, _)) = description {
            if node.intrinsic().is_some() || node.get("AccessLogSetting").is_some() {
                continue;
            }
        }
        let logs = json!({"DestinationArn": "<log-group-arn>"});
        let edit = match description {
            Some((node, _)) if !node.entries().is_empty() => {
                cfn_edit::set_key(ctx.template, node, "AccessLogSetting", &logs)
            }
            _ => cfn_edit::set_property(ctx.template, res, "StageDescription", &json!({"AccessLogSetting": logs})),
        };
        let fix = Fix::unsafe_("Write the stage's access logs to a log group (choose it)", vec![edit]);
        let range = ctx.prop_range(res, "StageDescription").unwrap_or_else(|| ctx.header(res));
        let message = format!(
            "`{}` creates a stage without `StageDescription.AccessLogSetting`, so calls to it are not logged",
            res.logical_id
        );
        ctx.report(res, range, message).fixes.push(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn deployments_creating_stages() {
        let tf = r#"resource "aws_api_gateway_deployment" "named" {
  rest_api_id = "id"
  stage_name  = "prod"
}
resource "aws_api_gateway_deployment" "plain" {
  rest_api_id = "id"
}
resource "aws_api_gateway_deployment" "declared" {
  rest_api_id = "id"
  stage_name  = "live"
}
resource "aws_api_gateway_stage" "live" {
  deployment_id = aws_api_gateway_deployment.declared.id
  stage_name    = "live"
  access_log_settings {
    destination_arn = "arn"
  }
}
resource "aws_api_gateway_deployment" "unknown" {
  stage_name = var.stage
}
"#;
        assert_eq!(lines(&RULE, tf), [3]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }

    #[test]
    fn cloudformation_deployments() {
        let yaml = r#"Resources:
  Bare:
    Type: AWS::ApiGateway::Deployment
    Properties:
      StageName: DummyStage
  Cache:
    Type: AWS::ApiGateway::Deployment
    Properties:
      StageName: DummyStage
      StageDescription:
        CacheClusterEnabled: false
  Logged:
    Type: AWS::ApiGateway::Deployment
    Properties:
      StageName: DummyStage
      StageDescription:
        AccessLogSetting: {DestinationArn: dest}
  NoStage:
    Type: AWS::ApiGateway::Deployment
    Properties:
      RestApiId: !Ref Api
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [2, 10]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
