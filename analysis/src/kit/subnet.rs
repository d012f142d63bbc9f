//! Whether a subnet is public, as far as the code tells: its range is the whole internet (a test case AWS would
//! reject), it gives instances public addresses, or its route table sends the internet's traffic to an internet
//! gateway. Shared by the rules about data stores placed in public subnets.

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::kit::network::{cfn_is_world_cidr, is_world_cidr};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::model::{Expr, ExprKind};
use crate::terraform::view::Config;
use crate::value::Value;

/// Whether `expr` names an internet gateway: a reference to an `aws_internet_gateway`, or an `igw-` id.
fn is_internet_gateway(ctx: &TfContext, expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Traversal(root, _) => root == "aws_internet_gateway",
        _ => ctx.eval(expr).as_str().is_some_and(|s| s.starts_with("igw-")),
    }
}

/// Whether a route (an inline `route` of a table, or an `aws_route`) sends the internet to an internet gateway.
fn route_to_internet(ctx: &TfContext, route: Config, cidr_attrs: [&str; 2]) -> bool {
    let world =
        cidr_attrs.iter().any(|a| ctx.field(route, a).is_some_and(|(_, v)| v.as_str().is_some_and(is_world_cidr)));
    world && route.attr("gateway_id").is_some_and(|f| is_internet_gateway(ctx, f.expr))
}

/// Why a subnet of the module is public; `None` when the code does not say it is.
pub fn tf_public_reason(ctx: &TfContext, subnet: Resource) -> Option<String> {
    for attr in ["cidr_block", "ipv6_cidr_block"] {
        if let Some((_, Value::String(c))) = ctx.attr(subnet.block, attr) {
            if is_world_cidr(&c) {
                return Some(format!("its `{attr}` is the whole internet (`{c}`)"));
            }
        }
    }
    if ctx.attr(subnet.block, "map_public_ip_on_launch").is_some_and(|(_, v)| v.as_bool() == Some(true)) {
        return Some("it gives public addresses (`map_public_ip_on_launch = true`)".to_string());
    }
    let associations: Vec<Resource> = ctx.all_resources("aws_route_table_association").collect();
    let tables: Vec<Resource> = ctx.all_resources("aws_route_table").collect();
    let routes: Vec<Resource> = ctx.all_resources("aws_route").collect();
    for assoc in associations {
        let linked = assoc.block.attr("subnet_id").is_some_and(|a| ctx.refers_to(&a.expr, subnet, &["id"]));
        let Some(table_attr) = assoc.block.attr("route_table_id").filter(|_| linked) else { continue };
        for table in tables.iter().filter(|t| ctx.refers_to(&table_attr.expr, **t, &["id"])) {
            let inline = ctx
                .nested(table.config(), "route")
                .into_iter()
                .any(|r| route_to_internet(ctx, r, ["cidr_block", "ipv6_cidr_block"]));
            let separate = routes.iter().any(|r| {
                r.block.attr("route_table_id").is_some_and(|a| ctx.refers_to(&a.expr, *table, &["id"]))
                    && route_to_internet(ctx, r.config(), ["destination_cidr_block", "destination_ipv6_cidr_block"])
            });
            if inline || separate {
                return Some(format!(
                    "its route table `{}` sends the internet to an internet gateway",
                    table.address()
                ));
            }
        }
    }
    None
}

/// Why a template's subnet is public; `None` when the template does not say it is.
pub fn cfn_public_reason(ctx: &CfnContext, subnet: CfnResource) -> Option<String> {
    for prop in ["CidrBlock", "Ipv6CidrBlock"] {
        if let Some((_, Value::String(c))) = ctx.prop(subnet, prop) {
            if cfn_is_world_cidr(&c) {
                return Some(format!("its `{prop}` is the whole internet (`{c}`)"));
            }
        }
    }
    if ctx.prop(subnet, "MapPublicIpOnLaunch").is_some_and(|(_, v)| v.as_bool() == Some(true)) {
        return Some("it gives public addresses (`MapPublicIpOnLaunch: true`)".to_string());
    }
    let gateways: Vec<CfnResource> = ctx.resources("AWS::EC2::InternetGateway").collect();
    let tables: Vec<CfnResource> = ctx.resources("AWS::EC2::RouteTable").collect();
    for assoc in ctx.resources("AWS::EC2::SubnetRouteTableAssociation") {
        let linked = ctx.prop(assoc, "SubnetId").is_some_and(|(n, _)| ctx.refers_to(n, subnet));
        let Some((table_node, _)) = ctx.prop(assoc, "RouteTableId").filter(|_| linked) else { continue };
        for table in tables.iter().filter(|t| ctx.refers_to(table_node, **t)) {
            let public = ctx.resources("AWS::EC2::Route").any(|route| {
                let in_table = ctx.prop(route, "RouteTableId").is_some_and(|(n, _)| ctx.refers_to(n, *table));
                let world = ["DestinationCidrBlock", "DestinationIpv6CidrBlock"]
                    .iter()
                    .any(|p| ctx.prop(route, p).is_some_and(|(_, v)| v.as_str().is_some_and(cfn_is_world_cidr)));
                let to_gateway = ctx.prop(route, "GatewayId").is_some_and(|(n, v)| {
                    gateways.iter().any(|g| ctx.refers_to(n, *g)) || v.as_str().is_some_and(|s| s.starts_with("igw-"))
                });
                in_table && world && to_gateway
            });
            if public {
                return Some(format!(
                    "its route table `{}` sends the internet to an internet gateway",
                    table.logical_id
                ));
            }
        }
    }
    None
}
