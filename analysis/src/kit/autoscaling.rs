//! What the Auto Scaling rules share: whether a group sends traffic through a load balancer, however the
//! attachment is written.

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::kit::refs::reference;
use crate::terraform::check::{Resource, TfContext};
use crate::value::Value;

/// Auto Scaling groups this run checks: `aws_autoscaling_group` and `terraform-aws-modules/autoscaling` calls.
pub fn groups<'m>(ctx: &TfContext<'_, 'm>) -> Vec<Resource<'m>> {
    ctx.resources_like("aws_autoscaling_group", "autoscaling").collect()
}

/// Whether a list attribute is set to something other than an empty list (an unknown value counts as set).
fn non_empty(ctx: &TfContext, res: Resource, name: &str) -> bool {
    match ctx.attr(res.block, name) {
        None => false,
        Some((_, Value::List(items))) => !items.is_empty(),
        Some(_) => true,
    }
}

/// Whether the group is attached to a load balancer or target group: its own lists, `traffic_source` blocks,
/// or an attachment resource of the configuration naming it. `None` for module calls' unknown inputs is
/// counted as attached.
pub fn has_load_balancer(ctx: &TfContext, res: Resource) -> bool {
    let lists = ["load_balancers", "target_group_arns", "traffic_source_attachments"];
    if lists.iter().any(|l| non_empty(ctx, res, l)) || !ctx.nested(res.config(), "traffic_source").is_empty() {
        return true;
    }
    if res.is_module() {
        return false;
    }
    ["aws_autoscaling_attachment", "aws_autoscaling_traffic_source_attachment"].iter().any(|ty| {
        ctx.all_resources(ty).any(|a| {
            a.block.attr("autoscaling_group_name").is_some_and(|n| {
                reference(&n.expr).is_some_and(|r| r.is(res)) || ctx.refers_to(&n.expr, res, &["name"])
            })
        })
    })
}

/// Whether a template's group lists a load balancer or target group.
pub fn cfn_has_load_balancer(ctx: &CfnContext, res: CfnResource) -> bool {
    ["LoadBalancerNames", "TargetGroupARNs"].iter().any(|k| match ctx.prop(res, k) {
        None | Some((_, Value::Null)) => false,
        Some((_, Value::List(items))) => !items.is_empty(),
        Some(_) => true,
    })
}
