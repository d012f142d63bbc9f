use crate::cloudformation::check::CfnContext;
use crate::cloudformation::tree::Node;
use crate::cloudformation::CfnResource;
use crate::kit::apigateway::{cfn_designation, tf_same};
use crate::kit::references::{tf_named, tf_names};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::model::Expr;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "api-gateway-stage-without-usage-plan",
    title: "API Gateway stage is not covered by a usage plan (no throttling or quota)",
    severity: Severity::Low,
    row: Row::BusinessContinuity,
    service: "API Gateway",
    why: "A stage outside every usage plan has only the account-wide throttle, so one client can consume the \
          whole regional limit and starve every other API in the account.",
    aws_side: "AWS enforces the throttle and quota of the usage plan the stage is attached to; creating and \
               attaching plans is the customer's.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &[
            "c999cf62-0920-40f8-8dda-0caccd66ed7e",
            "b3a59b8e-94a3-403e-b6e2-527abaf12034",
            "783860a3-6dca-4c8b-81d0-7b62769ccbca",
        ],
        trivy: &[],
    },
    related: Related {
        checkov: &[],
        kics: &["7f8f1b60-43df-4c28-aa21-fb836dbd8071"],
        trivy: &[],
        how: "KICS's CloudFormation stage query compares a usage plan's `Stage: !Ref MyStage` with the stage's name \
              literally, although `Ref` of a stage returns its name: it flags stages that are in a plan.",
    },
    matcher: &Custom {
        what: "Flags `aws_api_gateway_stage`, and `aws_api_gateway_deployment` with a `stage_name`, that no \
               `aws_api_gateway_usage_plan` of the module lists in its `api_stages` (same API, same stage); in \
               CloudFormation, `AWS::ApiGateway::Stage` and `AWS::ApiGateway::Deployment` with a `StageName` that \
               no `AWS::ApiGateway::UsagePlan` lists in `ApiStages`.",
        fix: "Attach the stage to a usage plan with throttle and quota settings (`aws_api_gateway_usage_plan` \
              `api_stages { api_id = ..., stage = ... }`).",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_api_gateway_stage", "aws_api_gateway_deployment"],
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

resource "aws_api_gateway_usage_plan" "standard" {
  name = "standard"

  api_stages {
    api_id = aws_api_gateway_rest_api.api.id
    stage  = aws_api_gateway_stage.prod.stage_name
  }

  throttle_settings {
    burst_limit = 100
    rate_limit  = 50
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ApiGateway::Stage", "AWS::ApiGateway::Deployment"],
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
  Standard:
    Type: AWS::ApiGateway::UsagePlan
    Properties:
      ApiStages:
        - ApiId: !Ref Api
          Stage: !Ref Prod
      Throttle:
        BurstLimit: 100
        RateLimit: 50
"#,
        }),
    },
};

/// Whether a plan's `api_stages` entry covers `res` (`None`: cannot be told).
fn covers(ctx: &TfContext, res: Resource, api_id: Option<&Expr>, stage: Option<&Expr>) -> Option<bool> {
    let (api_id, stage) = (api_id?, stage?);
    let stage_matches = if tf_names(stage, res) {
        Some(true)
    } else {
        // A stage of the module named in the plan stands for its name.
        let plan_stage = match tf_named(ctx, stage, "aws_api_gateway_stage").first() {
            Some(s) => ctx.attr(s.block, "stage_name").and_then(|(_, v)| v.as_str().map(str::to_string)),
            None => ctx.eval(stage).as_str().map(str::to_string),
        };
        let own = ctx.attr(res.block, "stage_name").and_then(|(_, v)| v.as_str().map(str::to_string));
        match (plan_stage, own) {
            (Some(a), Some(b)) => Some(a == b),
            _ => None,
        }
    };
    let api_matches = res.block.attr("rest_api_id").and_then(|own| tf_same(ctx, api_id, &own.expr));
    match (api_matches, stage_matches) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

fn check(ctx: &mut TfContext) {
    let mut subjects: Vec<Resource> = ctx.resources("aws_api_gateway_stage").collect();
    subjects.extend(
        ctx.resources("aws_api_gateway_deployment")
            .filter(|d| ctx.attr(d.block, "stage_name").is_some_and(|(_, v)| v.as_str() != Some(""))),
    );
    for res in subjects {
        let mut covered = false;
        for plan in ctx.all_resources("aws_api_gateway_usage_plan") {
            for entry in ctx.nested(plan.config(), "api_stages") {
                let field = |n| entry.attr(n).map(|f| f.expr);
                if covers(ctx, res, field("api_id"), field("stage")) != Some(false) {
                    covered = true;
                }
            }
        }
        if covered {
            continue;
        }
        let message =
            format!("`{}` is in no usage plan, so only the account-wide throttle limits its callers", res.address());
        ctx.report(res, res.block.header, message);
    }
}

/// The stage name a usage plan's `Stage` designates: `Ref` of a stage of the template is its name.
fn cfn_stage_name(ctx: &CfnContext, node: &Node) -> Option<String> {
    if let Some(("Ref", arg)) = node.intrinsic() {
        let target =
            ctx.template.resources().find(|r| Some(r.logical_id) == arg.as_str() && r.ty == "AWS::ApiGateway::Stage");
        if let Some(stage) = target {
            return ctx.prop(stage, "StageName").and_then(|(_, v)| v.as_str().map(str::to_string));
        }
    }
    cfn_designation(ctx, node)
}

fn cfn_covered(ctx: &CfnContext, res: CfnResource) -> bool {
    let api = ctx.prop(res, "RestApiId").and_then(|(n, _)| cfn_designation(ctx, n));
    let name = ctx.prop(res, "StageName").and_then(|(_, v)| v.as_str().map(str::to_string));
    let (Some(api), Some(name)) = (api, name) else { return true };
    for plan in ctx.template.resources().filter(|r| r.ty == "AWS::ApiGateway::UsagePlan") {
        let Some((stages, _)) = ctx.prop(plan, "ApiStages") else { continue };
        if stages.intrinsic().is_some() {
            return true;
        }
        for entry in stages.items() {
            let plan_api = entry.get("ApiId").map(|n| cfn_designation(ctx, n));
            let plan_stage = entry.get("Stage").map(|n| cfn_stage_name(ctx, n));
            match (plan_api, plan_stage) {
                (Some(Some(a)), Some(Some(s))) if a == api && s == name => return true,
                // Something that cannot be known: it may be this stage.
                (Some(None), _) | (_, Some(None)) => return true,
                _ => {}
            }
        }
    }
    false
}

fn check_cfn(ctx: &mut CfnContext) {
    let mut subjects: Vec<CfnResource> = ctx.resources("AWS::ApiGateway::Stage").collect();
    subjects.extend(
        ctx.resources("AWS::ApiGateway::Deployment")
            .filter(|d| ctx.prop(*d, "StageName").is_some_and(|(_, v)| v != Value::Null)),
    );
    for res in subjects {
        if cfn_covered(ctx, res) {
            continue;
        }
        let range = ctx.header(res);
        let message =
            format!("`{}` is in no usage plan, so only the account-wide throttle limits its callers", res.logical_id);
        ctx.report(res, range, message);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn stages_and_deployments_outside_plans() {
        let tf = r#"resource "aws_api_gateway_stage" "a" {
  rest_api_id = "api"
  stage_name  = "a"
}
resource "aws_api_gateway_stage" "b" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  stage_name  = "b"
}
resource "aws_api_gateway_deployment" "c" {
  rest_api_id = "api"
  stage_name  = "c"
}
resource "aws_api_gateway_deployment" "none" {
  rest_api_id = "api"
}
resource "aws_api_gateway_usage_plan" "p" {
  api_stages {
    api_id = aws_api_gateway_rest_api.api.id
    stage  = aws_api_gateway_stage.b.stage_name
  }
  api_stages {
    api_id = "api"
    stage  = "c"
  }
  api_stages {
    api_id = "other"
    stage  = "a"
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [1]);
        let unknown = "resource \"aws_api_gateway_stage\" \"a\" {\n  rest_api_id = \"api\"\n  stage_name  = \"a\"\n}\nresource \"aws_api_gateway_usage_plan\" \"p\" {\n  api_stages {\n    api_id = var.api\n    stage  = \"a\"\n  }\n}\n";
        assert!(lines(&RULE, unknown).is_empty());
    }

    #[test]
    fn cloudformation_plans() {
        let yaml = "Resources:\n  Prod:\n    Type: AWS::ApiGateway::Stage\n    Properties:\n      RestApiId: !Ref Api\n      StageName: prod\n  Deployment:\n    Type: AWS::ApiGateway::Deployment\n    Properties:\n      RestApiId: !Ref Api\n      StageName: Prod1\n  Plan:\n    Type: AWS::ApiGateway::UsagePlan\n    Properties:\n      ApiStages:\n        - ApiId: !Ref Api\n          Stage: !Ref Prod\n";
        assert_eq!(cfn_lines(&RULE, yaml), [7]);
    }
}
