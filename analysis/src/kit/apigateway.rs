//! What the API Gateway rules share: which method settings belong to a stage, whether a v2 stage belongs to an
//! HTTP API (which has no execution logs), and how a stage is named.

use super::references::{cfn_mentions, tf_mentions, tf_names};
use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::model::{Expr, ExprKind};
use crate::value::Value;

pub const STAGE: &str = "aws_api_gateway_stage";
pub const METHOD_SETTINGS: &str = "aws_api_gateway_method_settings";
pub const V2_STAGE: &str = "aws_apigatewayv2_stage";
pub const V2_API: &str = "aws_apigatewayv2_api";
pub const CFN_STAGE: &str = "AWS::ApiGateway::Stage";
pub const CFN_V2_STAGE: &str = "AWS::ApiGatewayV2::Stage";
pub const CFN_V2_API: &str = "AWS::ApiGatewayV2::Api";
pub const SAM_API: &str = "AWS::Serverless::Api";

/// Whether two expressions designate the same thing: equal known strings, or the same reference
/// (`aws_api_gateway_rest_api.x.id` on both sides).
pub fn same_designation(ctx: &TfContext, a: &Expr, b: &Expr) -> bool {
    if let (ExprKind::Traversal(ra, sa), ExprKind::Traversal(rb, sb)) = (&a.kind, &b.kind) {
        return ra == rb && sa == sb;
    }
    match (ctx.eval(a), ctx.eval(b)) {
        (Value::String(x), Value::String(y)) => x == y,
        _ => false,
    }
}

/// The method settings of the module that apply to `stage`: their `stage_name` names the stage
/// (`aws_api_gateway_stage.prod.stage_name`), or is the stage's name written out, for the same REST API.
pub fn stage_method_settings<'m>(ctx: &TfContext<'_, 'm>, stage: Resource) -> Vec<Resource<'m>> {
    ctx.all_resources(METHOD_SETTINGS)
        .filter(|ms| {
            let Some(name) = ms.block.attr("stage_name") else { return false };
            if tf_names(&name.expr, stage) {
                return true;
            }
            let same_name = stage.block.attr("stage_name").is_some_and(|s| same_designation(ctx, &name.expr, &s.expr));
            let same_api = match (ms.block.attr("rest_api_id"), stage.block.attr("rest_api_id")) {
                (Some(a), Some(b)) => same_designation(ctx, &a.expr, &b.expr),
                _ => false,
            };
            same_name && same_api
        })
        .collect()
}

/// Whether a v2 stage (or route) belongs to an API of the module whose `protocol_type` is `protocol`
/// (`HTTP`, `WEBSOCKET`), by its `api_id`.
pub fn tf_api_protocol_is(ctx: &TfContext, res: Resource, protocol: &str) -> bool {
    let Some(api_id) = res.block.attr("api_id") else { return false };
    ctx.all_resources(V2_API).any(|api| {
        tf_mentions(&api_id.expr, api.ty(), api.name())
            && ctx
                .attr(api.block, "protocol_type")
                .and_then(|(_, v)| v.as_str().map(str::to_string))
                .is_some_and(|p| p.eq_ignore_ascii_case(protocol))
    })
}

/// Whether a template's v2 stage (or route) belongs to an `AWS::ApiGatewayV2::Api` of the template whose
/// `ProtocolType` is `protocol`, by its `ApiId`.
pub fn cfn_api_protocol_is(ctx: &CfnContext, res: CfnResource, protocol: &str) -> bool {
    let Some((api_id, _)) = ctx.prop(res, "ApiId") else { return false };
    ctx.template.resources().filter(|r| r.ty == CFN_V2_API).any(|api| {
        cfn_mentions(api_id, api.logical_id)
            && ctx
                .prop(api, "ProtocolType")
                .and_then(|(_, v)| v.as_str().map(str::to_string))
                .is_some_and(|p| p.eq_ignore_ascii_case(protocol))
    })
}

/// Whether a logging level turns execution logging off (`OFF`, or empty).
pub fn level_is_off(level: &str) -> bool {
    level.trim().is_empty() || level.trim().eq_ignore_ascii_case("OFF")
}

/// Whether two expressions designate the same thing: `Some(true)` for the same resource (`aws_x.a.id` and
/// `aws_x.a.arn`) or equal known strings, `Some(false)` when known to differ, `None` when it cannot be told.
pub fn tf_same(ctx: &TfContext, a: &Expr, b: &Expr) -> Option<bool> {
    let resource = |e: &Expr| match &e.kind {
        ExprKind::Traversal(root, steps)
            if !["var", "local", "module", "data", "each", "count", "path", "terraform"].contains(&root.as_str()) =>
        {
            match steps.first() {
                Some(crate::terraform::model::Step::Attr(name)) => Some((root.clone(), name.clone())),
                _ => None,
            }
        }
        _ => None,
    };
    match (resource(a), resource(b)) {
        (Some(x), Some(y)) => return Some(x == y),
        (Some(_), None) | (None, Some(_)) => {
            // A resource's attribute against a string: the string may be its value.
            return None;
        }
        _ => {}
    }
    match (ctx.eval(a), ctx.eval(b)) {
        (Value::String(x), Value::String(y)) => Some(x == y),
        _ => None,
    }
}

/// What a template value designates, for comparing two of them: the resource or parameter a `Ref` (or
/// `Fn::GetAtt`) names, or a literal string (`None`: anything else).
pub fn cfn_designation(ctx: &CfnContext, node: &crate::cloudformation::tree::Node) -> Option<String> {
    match node.intrinsic() {
        Some(("Ref", arg)) => {
            let name = arg.as_str()?;
            match ctx.eval(node) {
                Value::String(s) => Some(s),
                _ if ctx.template.root.get("Parameters").and_then(|p| p.get(name)).is_some() => None,
                _ => Some(name.to_string()),
            }
        }
        Some(("Fn::GetAtt", arg)) => arg
            .as_str()
            .map(|s| s.split('.').next().unwrap_or(s).to_string())
            .or_else(|| arg.items().first().and_then(|n| n.as_str()).map(str::to_string)),
        Some(_) => None,
        None => node.as_str().map(str::to_string),
    }
}
