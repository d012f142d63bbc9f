//! What the load balancer rules share: which load balancer a listener belongs to.

use crate::terraform::check::{Resource, TfContext};

/// The `aws_lb` / `aws_alb` a listener's `load_balancer_arn` refers to, if it is in the configuration.
pub fn listener_lb<'m>(ctx: &TfContext<'_, 'm>, listener: Resource<'m>) -> Option<Resource<'m>> {
    let expr = &listener.block.attr("load_balancer_arn")?.expr;
    ctx.resources("aws_lb").chain(ctx.resources("aws_alb")).find(|lb| ctx.refers_to(expr, *lb, &[]))
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
