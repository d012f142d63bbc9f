//! What the load balancer rules share: which load balancer a listener belongs to.

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::Node;
use crate::cloudformation::CfnResource;
use crate::fix::Fix;
use crate::terraform::check::{Resource, TfContext};
use crate::value::Value;

/// The `aws_lb` / `aws_alb` a listener's `load_balancer_arn` refers to, if it is in the configuration.
pub fn listener_lb<'m>(ctx: &TfContext<'_, 'm>, listener: Resource<'m>) -> Option<Resource<'m>> {
    let expr = &listener.block.attr("load_balancer_arn")?.expr;
    ctx.all_resources("aws_lb").chain(ctx.all_resources("aws_alb")).find(|lb| ctx.refers_to(expr, *lb, &[]))
}

/// The type of a load balancer: `application` unless it says otherwise (`None` when unknown).
pub fn lb_type(ctx: &TfContext, lb: Resource) -> Option<String> {
    match ctx.attr(lb.block, "load_balancer_type") {
        None => Some("application".into()),
        Some((_, v)) => v.as_str().map(str::to_ascii_lowercase),
    }
}

/// The protocol a listener serves: its `protocol`, or HTTP for a listener of an application load balancer
/// (or of one not in the configuration). `None` when unknown or when there is no default (network/gateway).
pub fn listener_protocol(ctx: &TfContext, listener: Resource) -> Option<String> {
    match ctx.attr(listener.block, "protocol") {
        Some((_, v)) => v.as_str().map(str::to_ascii_uppercase),
        None => match listener_lb(ctx, listener) {
            None => Some("HTTP".into()),
            Some(lb) => (lb_type(ctx, lb)? == "application").then(|| "HTTP".into()),
        },
    }
}

/// A `LoadBalancerAttributes` entry of an `AWS::ElasticLoadBalancingV2::LoadBalancer`: the `Value` node and
/// its value. `None` when the key is not listed.
pub fn cfn_lb_attribute<'t>(ctx: &CfnContext<'_, 't>, res: CfnResource<'t>, key: &str) -> Option<(&'t Node, Value)> {
    let (attrs, _) = ctx.prop(res, "LoadBalancerAttributes")?;
    let item = attrs.items().iter().find(|i| i.get("Key").is_some_and(|k| ctx.eval(k).as_str() == Some(key)))?;
    let value = item.get("Value")?;
    Some((value, ctx.eval(value)))
}

/// Whether a template's v2 load balancer is of `ty` (`Type` absent means `application`); `None` if unknown.
pub fn cfn_lb_type_is(ctx: &CfnContext, res: CfnResource, ty: &str) -> Option<bool> {
    match ctx.prop(res, "Type") {
        None => Some(ty == "application"),
        Some((_, v)) => v.as_str().map(|t| t.eq_ignore_ascii_case(ty)),
    }
}

/// Reports a v2 load balancer attribute that must be `true` (absent means `false`): at the logical id when
/// absent, at the value when false. The fix turns it on; `extra` are the attributes to add with it.
pub fn cfn_require_lb_attribute(
    ctx: &mut CfnContext,
    res: CfnResource,
    key: &str,
    extra: &[(&str, &str)],
    message: &str,
    fix_title: &str,
    safe: bool,
) {
    let make_fix = |edit| {
        if safe {
            Fix::new(fix_title.to_string(), vec![edit])
        } else {
            Fix::unsafe_(fix_title.to_string(), vec![edit])
        }
    };
    match cfn_lb_attribute(ctx, res, key) {
        Some((node, value)) => {
            if value.as_bool() != Some(false) {
                return;
            }
            let edit = cfn_edit::replace_value(ctx.template, node, &serde_json::json!("true"));
            let range = node.range;
            ctx.report(res, range, format!("`{}` {message}", res.logical_id)).fixes.push(make_fix(edit));
        }
        None => {
            let fix = ctx.prop(res, "LoadBalancerAttributes").is_none().then(|| {
                let mut items = vec![serde_json::json!({"Key": key, "Value": "true"})];
                items.extend(extra.iter().map(|(k, v)| serde_json::json!({"Key": k, "Value": v})));
                make_fix(cfn_edit::set_property(
                    ctx.template,
                    res,
                    "LoadBalancerAttributes",
                    &serde_json::Value::Array(items),
                ))
            });
            let range = ctx.header(res);
            ctx.report(res, range, format!("`{}` {message}", res.logical_id)).fixes.extend(fix);
        }
    }
}

/// The load balancer types of templates.
pub const CFN_LOAD_BALANCERS: [&str; 2] =
    ["AWS::ElasticLoadBalancing::LoadBalancer", "AWS::ElasticLoadBalancingV2::LoadBalancer"];

/// Whether a load balancer of the template lists `group` in its `SecurityGroups`.
pub fn cfn_used_by_load_balancer(ctx: &CfnContext, group: CfnResource) -> bool {
    ctx.template.resources().filter(|r| CFN_LOAD_BALANCERS.contains(&r.ty)).any(|lb| {
        ctx.prop(lb, "SecurityGroups").is_some_and(|(n, _)| super::references::cfn_mentions(n, group.logical_id))
    })
}

/// Whether the group has rules of `prop` (`SecurityGroupIngress`), inline or as `standalone` resources.
pub fn cfn_has_sg_rules(ctx: &CfnContext, group: CfnResource, prop: &str, standalone: &str) -> bool {
    let inline = match ctx.prop(group, prop) {
        None => false,
        Some((node, v)) => node.intrinsic().is_some() || v.as_list().is_none_or(|l| !l.is_empty()),
    };
    inline
        || ctx.template.resources().filter(|r| r.ty == standalone).any(|r| {
            ctx.prop(r, "GroupId").is_some_and(|(n, _)| super::references::cfn_mentions(n, group.logical_id))
                || ctx.prop(r, "GroupName").is_some_and(|(n, _)| super::references::cfn_mentions(n, group.logical_id))
        })
}
