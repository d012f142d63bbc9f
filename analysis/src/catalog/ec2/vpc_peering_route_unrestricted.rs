use crate::cloudformation::check::CfnContext;
use crate::fix::{Edit, Fix};
use crate::kit::network::{cfn_is_world_cidr, field_strings, is_world_cidr};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::view::Config;
use crate::value::Value;

const FIX: &str = "Route only the peer VPC's range (placeholder to replace)";

pub static RULE: Rule = Rule {
    id: "vpc-peering-route-unrestricted",
    title: "Route sends all traffic (0.0.0.0/0 or ::/0) to a VPC peering connection",
    severity: Severity::Medium,
    row: Row::NetworkSecurity,
    service: "VPC",
    why: "A peering connection should carry traffic for the peer's address range only; a default route through it \
          sends every destination, internet-bound traffic included, to the other VPC, and opens the route to every \
          subnet of the peer, far beyond the intended link.",
    aws_side: "AWS forwards traffic as the route tables say and never routes transitively through peering. The \
               scope of each route is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["b3a41501-f712-4c4f-81e5-db9a7dc0e34e"], trivy: &[] },
    related: Related {
        checkov: &["CKV2_AWS_44"],
        kics: &[],
        trivy: &[],
        how: "Checkov flags a route table that has a peering route and a world route anywhere in it, even on \
              different routes (a NAT default route beside a narrow peering route); onus requires both on the same \
              route.",
    },
    matcher: &Custom {
        what: "Flags routes (an `aws_route_table`'s `route` blocks or list, `aws_route`, `AWS::EC2::Route`) whose \
               target is a VPC peering connection and whose destination is `0.0.0.0/0` or `::/0`.",
        fix: "Route only the peer VPC's CIDR (`aws_vpc.<peer>.cidr_block`) through the peering connection.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_route_table", "aws_route"],
            check,
            example: r#"resource "aws_route" "to_peer" {
  route_table_id            = aws_route_table.private.id
  destination_cidr_block    = "0.0.0.0/0"
  vpc_peering_connection_id = aws_vpc_peering_connection.peer.id
}"#,
            fixed_example: r#"resource "aws_route" "to_peer" {
  route_table_id            = aws_route_table.private.id
  destination_cidr_block    = aws_vpc.peer.cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection.peer.id
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::Route"],
            check: check_cfn,
            example: r#"Resources:
  ToPeer:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref Private
      DestinationCidrBlock: 0.0.0.0/0
      VpcPeeringConnectionId: !Ref Peering
"#,
            fixed_example: r#"Resources:
  ToPeer:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref Private
      DestinationCidrBlock: 10.20.0.0/16
      VpcPeeringConnectionId: !Ref Peering
"#,
        }),
    },
};

/// Whether a route's peering target is set (a reference, or a non-empty id).
fn peers(ctx: &TfContext, route: Config) -> bool {
    match ctx.field(route, "vpc_peering_connection_id") {
        Some((_, Value::String(s))) => !s.trim().is_empty(),
        Some(_) => true,
        None => false,
    }
}

fn check(ctx: &mut TfContext) {
    let mut found = Vec::new();
    for table in ctx.resources("aws_route_table") {
        for route in ctx.nested(table.config(), "route") {
            found.push((table, route, ["cidr_block", "ipv6_cidr_block"]));
        }
    }
    for route in ctx.resources("aws_route") {
        found.push((route, route.config(), ["destination_cidr_block", "destination_ipv6_cidr_block"]));
    }
    for (res, route, attrs) in found {
        if !peers(ctx, route) {
            continue;
        }
        let world = attrs.iter().find_map(|a| {
            let field = route.attr(a)?;
            field_strings(ctx, Some(field)).into_iter().find(|c| is_world_cidr(c)).map(|c| (c, field))
        });
        let Some((cidr, field)) = world else { continue };
        let message = format!("`{}` sends {cidr} through a VPC peering connection", res.address());
        let fix = Fix::unsafe_(FIX, vec![Edit { range: field.expr.range, text: "\"<peer-vpc-cidr>\"".into() }]);
        ctx.report_with_fix(res, field.range, message, fix);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::EC2::Route").collect::<Vec<_>>() {
        let peering = match ctx.prop(res, "VpcPeeringConnectionId") {
            Some((_, Value::String(s))) => !s.trim().is_empty(),
            Some((_, Value::Null)) | None => false,
            Some(_) => true,
        };
        if !peering {
            continue;
        }
        for key in ["DestinationCidrBlock", "DestinationIpv6CidrBlock"] {
            let Some((_, Value::String(cidr))) = ctx.prop(res, key) else { continue };
            if cfn_is_world_cidr(&cidr) {
                let range = ctx.prop_range(res, key).unwrap_or(ctx.header(res));
                let message = format!("`{}` sends {cidr} through a VPC peering connection", res.logical_id);
                let fix = ctx.prop(res, key).filter(|(n, _)| n.intrinsic().is_none()).map(|(node, _)| {
                    Fix::unsafe_(
                        FIX,
                        vec![crate::cloudformation::edit::replace_value(
                            ctx.template,
                            node,
                            &serde_json::json!("<peer-vpc-cidr>"),
                        )],
                    )
                });
                ctx.report(res, range, message).fixes.extend(fix);
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_default_routes_through_peering() {
        let tf = r#"resource "aws_route_table" "a" {
  route {
    cidr_block                = "0.0.0.0/0"
    vpc_peering_connection_id = aws_vpc_peering_connection.p.id
  }
  route {
    cidr_block                = "10.0.0.0/24"
    vpc_peering_connection_id = aws_vpc_peering_connection.p.id
  }
}
resource "aws_route_table" "b" {
  route = [{ cidr_block = "0.0.0.0/0", vpc_peering_connection_id = "pcx-1", nat_gateway_id = "" }]
}
resource "aws_route_table" "c" {
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.n.id
  }
  route {
    cidr_block                = "10.0.0.0/24"
    vpc_peering_connection_id = aws_vpc_peering_connection.p.id
  }
}
resource "aws_route" "r" {
  destination_ipv6_cidr_block = "::/0"
  vpc_peering_connection_id   = aws_vpc_peering_connection.p.id
}
resource "aws_route" "empty" {
  destination_cidr_block    = "0.0.0.0/0"
  vpc_peering_connection_id = ""
  gateway_id                = aws_internet_gateway.g.id
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 12, 25]);
        assert_eq!(crate::kit::testing::check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn cloudformation_peering_routes() {
        let yaml = "Resources:\n  A:\n    Type: AWS::EC2::Route\n    Properties:\n      DestinationCidrBlock: 0.0.0.0/0\n      VpcPeeringConnectionId: !Ref P\n  B:\n    Type: AWS::EC2::Route\n    Properties:\n      DestinationCidrBlock: 0.0.0.0/0\n      NatGatewayId: !Ref N\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(crate::kit::testing::check_cfn_fixes(&RULE, yaml), 1);
    }
}
