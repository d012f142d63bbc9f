use crate::cloudformation::check::CfnContext;
use crate::cloudformation::tree::Node;
use crate::cloudformation::CfnResource;
use crate::kit::network::{cfn_is_world_cidr, field_strings, is_world_cidr};
use crate::kit::refs::{cfn_named, cfn_names, reference, RefKind};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::model::Expr;
use crate::terraform::view::Config;

pub static RULE: Rule = Rule {
    id: "ec2-public-instance-internet-routed",
    title: "Subnet routes a public-IP instance straight to an internet gateway",
    severity: Severity::Medium,
    row: Row::NetworkSecurity,
    service: "VPC",
    why: "A public IP plus a default route to an internet gateway is what makes an instance directly reachable \
          from the internet; only its security group stands in front of it. Internet-facing traffic should come \
          through a load balancer, with the instances in private subnets.",
    aws_side: "AWS routes exactly as the route tables say. Which subnets are public is the customer's network \
               design.",
    equivalents: Equivalents { checkov: &[], kics: &["c44c95fc-ae92-4bb8-bdf8-bb9bc412004a"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags subnets (`aws_subnet`, `AWS::EC2::Subnet`) associated with a route table whose default route \
               (`0.0.0.0/0` or `::/0`) goes to an internet gateway, and holding an instance with a public IP \
               (`associate_public_ip_address`, or the subnet's `map_public_ip_on_launch`). Links that cannot be \
               followed in the configuration are not judged.",
        fix: "Move the instance to a private subnet (default route through a NAT gateway) and expose it through a \
              load balancer, or drop its public IP.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_subnet"],
            check,
            example: r#"resource "aws_subnet" "web" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}
resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw.id
  }
}
resource "aws_route_table_association" "web" {
  subnet_id      = aws_subnet.web.id
  route_table_id = aws_route_table.public.id
}
resource "aws_instance" "web" {
  subnet_id                   = aws_subnet.web.id
  associate_public_ip_address = true
}"#,
            fixed_example: r#"resource "aws_subnet" "web" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}
resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw.id
  }
}
resource "aws_route_table_association" "web" {
  subnet_id      = aws_subnet.web.id
  route_table_id = aws_route_table.public.id
}
resource "aws_instance" "web" {
  subnet_id                   = aws_subnet.web.id
  associate_public_ip_address = false
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::Subnet"],
            check: check_cfn,
            example: r#"Resources:
  Web:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.1.0/24
  Public:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  Default:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref Public
      DestinationCidrBlock: 0.0.0.0/0
      GatewayId: !Ref Gateway
  Gateway:
    Type: AWS::EC2::InternetGateway
  WebRoutes:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref Web
      RouteTableId: !Ref Public
  Server:
    Type: AWS::EC2::Instance
    Properties:
      NetworkInterfaces:
        - DeviceIndex: 0
          SubnetId: !Ref Web
          AssociatePublicIpAddress: true
"#,
            fixed_example: r#"Resources:
  Web:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.1.0/24
  Public:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  Default:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref Public
      DestinationCidrBlock: 0.0.0.0/0
      GatewayId: !Ref Gateway
  Gateway:
    Type: AWS::EC2::InternetGateway
  WebRoutes:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref Web
      RouteTableId: !Ref Public
  Server:
    Type: AWS::EC2::Instance
    Properties:
      NetworkInterfaces:
        - DeviceIndex: 0
          SubnetId: !Ref Web
          AssociatePublicIpAddress: false
"#,
        }),
    },
};

fn points_to(expr: Option<&Expr>, target: Resource) -> bool {
    expr.and_then(reference).is_some_and(|r| r.is(target))
}

/// Whether a gateway reference is an internet gateway.
fn is_igw(ctx: &TfContext, expr: Option<&Expr>) -> bool {
    let Some(expr) = expr else { return false };
    match reference(expr) {
        Some(r) => r.kind == RefKind::Resource && r.ty == "aws_internet_gateway",
        None => ctx.eval(expr).as_str().is_some_and(|s| s.starts_with("igw-")),
    }
}

fn world(ctx: &TfContext, config: Config, attrs: &[&str]) -> bool {
    attrs.iter().any(|a| field_strings(ctx, config.attr(a)).iter().any(|c| is_world_cidr(c)))
}

/// Whether the route table sends the default route to an internet gateway.
fn routes_to_internet(ctx: &TfContext, table: Resource) -> bool {
    let inline = ctx.nested(table.config(), "route").into_iter().any(|r| {
        world(ctx, r, &["cidr_block", "ipv6_cidr_block"]) && is_igw(ctx, r.attr("gateway_id").map(|f| f.expr))
    });
    inline
        || ctx.all_resources("aws_route").any(|r| {
            points_to(r.block.attr("route_table_id").map(|a| &a.expr), table)
                && world(ctx, r.config(), &["destination_cidr_block", "destination_ipv6_cidr_block"])
                && is_igw(ctx, r.block.attr("gateway_id").map(|a| &a.expr))
        })
}

fn check(ctx: &mut TfContext) {
    for subnet in ctx.resources("aws_subnet").collect::<Vec<_>>() {
        let routed = ctx.all_resources("aws_route_table_association").any(|a| {
            if !points_to(a.block.attr("subnet_id").map(|x| &x.expr), subnet) {
                return false;
            }
            let Some(r) = a.block.attr("route_table_id").and_then(|x| reference(&x.expr)) else { return false };
            r.ty == "aws_route_table" && r.targets(ctx).iter().any(|t| routes_to_internet(ctx, *t))
        });
        if !routed {
            continue;
        }
        let maps_public =
            ctx.attr(subnet.block, "map_public_ip_on_launch").is_some_and(|(_, v)| v.as_bool() == Some(true));
        let instance = ctx.all_resources_like("aws_instance", "ec2-instance").find(|i| {
            if !points_to(i.block.attr("subnet_id").map(|a| &a.expr), subnet) {
                return false;
            }
            match ctx.attr(i.block, "associate_public_ip_address").map(|(_, v)| v.as_bool()) {
                Some(Some(public)) => public,
                Some(None) => false,
                None => maps_public,
            }
        });
        if let Some(instance) = instance {
            let message = format!(
                "`{}` routes its default route to an internet gateway and holds `{}`, which has a public IP: it is \
                 directly reachable from the internet",
                subnet.address(),
                instance.address()
            );
            ctx.report(subnet, subnet.block.header, message);
        }
    }
}

fn cfn_world(ctx: &CfnContext, props: &Node, keys: &[&str]) -> bool {
    keys.iter().any(|k| props.get(k).is_some_and(|n| ctx.eval(n).as_str().is_some_and(cfn_is_world_cidr)))
}

fn cfn_routes_to_internet(ctx: &CfnContext, table: CfnResource) -> bool {
    ctx.resources("AWS::EC2::Route").any(|route| {
        let Some(p) = route.properties else { return false };
        let to_igw = p.get("GatewayId").is_some_and(|g| match cfn_named(ctx, g) {
            Some(r) => r.ty == "AWS::EC2::InternetGateway",
            None => ctx.eval(g).as_str().is_some_and(|s| s.starts_with("igw-")),
        });
        p.get("RouteTableId").is_some_and(|t| cfn_names(ctx, t, table))
            && cfn_world(ctx, p, &["DestinationCidrBlock", "DestinationIpv6CidrBlock"])
            && to_igw
    })
}

/// Whether an instance sits in the subnet with a public IP.
fn cfn_public_instance_in(ctx: &CfnContext, instance: CfnResource, subnet: CfnResource, maps_public: bool) -> bool {
    let Some(p) = instance.properties else { return false };
    let public = |n: Option<&Node>| n.map(|n| ctx.eval(n).as_bool());
    let interfaces = p.get("NetworkInterfaces").map(Node::items).unwrap_or_default();
    let via_interface = interfaces.iter().any(|eni| {
        eni.get("SubnetId").is_some_and(|s| cfn_names(ctx, s, subnet))
            && match public(eni.get("AssociatePublicIpAddress")) {
                Some(Some(v)) => v,
                Some(None) => false,
                None => maps_public,
            }
    });
    let direct = p.get("SubnetId").is_some_and(|s| cfn_names(ctx, s, subnet)) && maps_public;
    via_interface || direct
}

fn check_cfn(ctx: &mut CfnContext) {
    for subnet in ctx.resources("AWS::EC2::Subnet").collect::<Vec<_>>() {
        let routed = ctx.resources("AWS::EC2::SubnetRouteTableAssociation").any(|a| {
            let Some(p) = a.properties else { return false };
            p.get("SubnetId").is_some_and(|s| cfn_names(ctx, s, subnet))
                && p.get("RouteTableId").and_then(|t| cfn_named(ctx, t)).is_some_and(|t| cfn_routes_to_internet(ctx, t))
        });
        if !routed {
            continue;
        }
        let maps_public = ctx.prop(subnet, "MapPublicIpOnLaunch").is_some_and(|(_, v)| v.as_bool() == Some(true));
        let instance =
            ctx.resources("AWS::EC2::Instance").find(|i| cfn_public_instance_in(ctx, *i, subnet, maps_public));
        if let Some(instance) = instance {
            let message = format!(
                "`{}` routes its default route to an internet gateway and holds `{}`, which has a public IP: it is \
                 directly reachable from the internet",
                subnet.logical_id, instance.logical_id
            );
            let range = ctx.header(subnet);
            ctx.report(subnet, range, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_example, cfn_lines, lines, tf_example};

    #[test]
    fn flags_the_subnet_completing_the_path() {
        let (bad, good) = tf_example(&RULE);
        assert_eq!(lines(&RULE, &bad), [1]);
        assert!(lines(&RULE, &good).is_empty());
        // Through an `aws_route`, with the subnet mapping public IPs.
        let tf = r#"resource "aws_subnet" "s" {
  map_public_ip_on_launch = true
}
resource "aws_route_table" "rt" {
  vpc_id = aws_vpc.main.id
}
resource "aws_route" "default" {
  route_table_id         = aws_route_table.rt.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = "igw-123"
}
resource "aws_route_table_association" "a" {
  subnet_id      = aws_subnet.s.id
  route_table_id = aws_route_table.rt.id
}
resource "aws_instance" "i" {
  subnet_id = aws_subnet.s.id
}
"#;
        assert_eq!(lines(&RULE, tf), [1]);
        // A NAT route is not an internet route.
        assert!(
            lines(&RULE, &tf.replace("gateway_id             = \"igw-123\"", "nat_gateway_id = \"nat-1\"")).is_empty()
        );
    }

    #[test]
    fn cloudformation_subnets() {
        let (bad, good) = cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &bad), [2]);
        assert!(cfn_lines(&RULE, &good).is_empty());
        let no_route = bad.replace("DestinationCidrBlock: 0.0.0.0/0", "DestinationCidrBlock: 10.0.0.0/8");
        assert!(cfn_lines(&RULE, &no_route).is_empty());
    }
}
