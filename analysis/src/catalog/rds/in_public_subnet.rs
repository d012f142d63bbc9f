use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::kit::rds;
use crate::kit::subnet;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::model::ExprKind;

pub static RULE: Rule = Rule {
    id: "rds-in-public-subnet",
    title: "RDS database is placed in a public subnet",
    severity: Severity::Medium,
    row: Row::NetworkSecurity,
    service: "RDS",
    why: "A subnet with a route to an internet gateway is one setting away from exposing the database: a \
          `publicly_accessible = true`, a security group edit or a later restore with default settings gives it a \
          public address that is reachable directly. Placing the database's subnet group in private subnets makes \
          internet exposure impossible whatever else goes wrong.",
    aws_side: "AWS places the database's network interfaces in the subnets of the subnet group the customer names, \
               and routes them as the customer's route tables say. Designing private subnets for data stores is the \
               customer's duty.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["2f737336-b18a-4602-8ea0-b200312e1ac1", "4e88adee-a8eb-4605-a78d-9fb1096e3091"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_db_instance` and `aws_rds_cluster` whose `db_subnet_group_name` names an \
               `aws_db_subnet_group` of the module with a public subnet: one whose range is the whole internet, \
               that sets `map_public_ip_on_launch = true`, or whose route table sends `0.0.0.0/0` (or `::/0`) to an \
               internet gateway; in CloudFormation, `AWS::RDS::DBInstance` and `AWS::RDS::DBCluster` likewise \
               through `DBSubnetGroupName`, `AWS::RDS::DBSubnetGroup` and `AWS::EC2::Subnet`. A group given by \
               name is found by its `name`, or else by its resource name. Subnets outside the code are not judged.",
        fix: "Give the database a subnet group made of private subnets only: subnets without a route to an internet \
              gateway, reached from the application tier through security groups.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_db_instance", "aws_rds_cluster"],
            check,
            example: r#"resource "aws_db_instance" "db" {
  engine               = "postgres"
  db_subnet_group_name = aws_db_subnet_group.db.name
}

resource "aws_db_subnet_group" "db" {
  subnet_ids = [aws_subnet.public.id]
}

resource "aws_subnet" "public" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.0.0.0/24"
  map_public_ip_on_launch = true
}"#,
            fixed_example: r#"resource "aws_db_instance" "db" {
  engine               = "postgres"
  db_subnet_group_name = aws_db_subnet_group.db.name
}

resource "aws_db_subnet_group" "db" {
  subnet_ids = [aws_subnet.private.id]
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"],
            check: check_cfn,
            example: r#"Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBSubnetGroupName: !Ref DbSubnets
  DbSubnets:
    Type: AWS::RDS::DBSubnetGroup
    Properties:
      DBSubnetGroupDescription: database
      SubnetIds: [!Ref Public]
  Public:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.0.0/24
      MapPublicIpOnLaunch: true
"#,
            fixed_example: r#"Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBSubnetGroupName: !Ref DbSubnets
  DbSubnets:
    Type: AWS::RDS::DBSubnetGroup
    Properties:
      DBSubnetGroupDescription: database
      SubnetIds: [!Ref Private]
  Private:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.1.0/24
"#,
        }),
    },
};

/// The subnet group a database names: by reference, by `name`, or else by resource name.
fn subnet_group<'m>(ctx: &TfContext<'_, 'm>, res: Resource<'m>) -> Option<Resource<'m>> {
    let attr = res.block.attr("db_subnet_group_name")?;
    let groups: Vec<Resource<'m>> = ctx.all_resources("aws_db_subnet_group").collect();
    if let Some(g) = groups.iter().find(|g| ctx.refers_to(&attr.expr, **g, &["name"])) {
        return Some(*g);
    }
    let literal = ctx.eval(&attr.expr);
    let literal = literal.as_str()?;
    groups.into_iter().find(|g| g.name() == literal)
}

fn check(ctx: &mut TfContext) {
    let mut targets: Vec<Resource> = ctx.resources(rds::INSTANCE).collect();
    targets.extend(ctx.resources(rds::CLUSTER));
    for res in targets {
        let Some(group) = subnet_group(ctx, res) else { continue };
        let Some(ids) = group.block.attr("subnet_ids") else { continue };
        let ExprKind::Tuple(items) = &ids.expr.kind else { continue };
        let subnets: Vec<Resource> = ctx.all_resources("aws_subnet").collect();
        let public = items.iter().find_map(|item| {
            let s = subnets.iter().find(|s| ctx.refers_to(item, **s, &[]))?;
            subnet::tf_public_reason(ctx, *s).map(|why| (s.address(), why))
        });
        let Some((subnet, why)) = public else { continue };
        let range = res.block.attr("db_subnet_group_name").map_or(res.block.header, |a| a.range);
        let message = format!(
            "`{}` is placed in the subnet group `{}`, whose subnet `{subnet}` is public: {why}",
            res.address(),
            group.address()
        );
        ctx.report(res, range, message);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    let mut targets: Vec<CfnResource> = ctx.resources(rds::CFN_INSTANCE).collect();
    targets.extend(ctx.resources(rds::CFN_CLUSTER));
    let groups: Vec<CfnResource> = ctx.resources("AWS::RDS::DBSubnetGroup").collect();
    let subnets: Vec<CfnResource> = ctx.resources("AWS::EC2::Subnet").collect();
    for res in targets {
        let Some((node, _)) = ctx.prop(res, "DBSubnetGroupName") else { continue };
        let Some(group) = groups.iter().find(|g| ctx.refers_to(node, **g)) else { continue };
        let Some((ids, _)) = ctx.prop(*group, "SubnetIds") else { continue };
        let public = ids.items().iter().find_map(|item| {
            let s = subnets.iter().find(|s| ctx.refers_to(item, **s))?;
            subnet::cfn_public_reason(ctx, *s).map(|why| (s.logical_id, why))
        });
        let Some((subnet, why)) = public else { continue };
        let range = ctx.prop_range(res, "DBSubnetGroupName").unwrap_or(node.range);
        let message = format!(
            "`{}` is placed in the subnet group `{}`, whose subnet `{subnet}` is public: {why}",
            res.logical_id, group.logical_id
        );
        ctx.report(res, range, message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_databases_in_public_subnets() {
        // KICS: a subnet whose range is `0.0.0.0/0`, the group named by reference or by its resource name.
        let tf = r#"resource "aws_db_instance" "by_reference" {
  engine               = "mysql"
  db_subnet_group_name = aws_db_subnet_group.kics.name
}
resource "aws_db_instance" "by_resource_name" {
  db_subnet_group_name = "kics"
}
resource "aws_rds_cluster" "routed" {
  db_subnet_group_name = "routed-group"
}
resource "aws_db_instance" "private" {
  db_subnet_group_name = aws_db_subnet_group.private.id
}
resource "aws_db_instance" "elsewhere" {
  db_subnet_group_name = "shared"
}
resource "aws_db_subnet_group" "kics" {
  name       = "main"
  subnet_ids = [aws_subnet.frontend.id, aws_subnet.backend.id]
}
resource "aws_db_subnet_group" "routed" {
  name       = "routed-group"
  subnet_ids = [aws_subnet.routed.id]
}
resource "aws_db_subnet_group" "private" {
  subnet_ids = [aws_subnet.frontend.id, aws_subnet.unrouted.id]
}
resource "aws_subnet" "frontend" {
  cidr_block = "172.2.0.0/24"
}
resource "aws_subnet" "backend" {
  cidr_block = "0.0.0.0/0"
}
resource "aws_subnet" "routed" {
  cidr_block = "10.0.0.0/24"
}
resource "aws_subnet" "unrouted" {
  cidr_block = "10.0.1.0/24"
}
resource "aws_route_table" "public" {
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.gw.id
  }
}
resource "aws_route_table" "nat" {
  vpc_id = aws_vpc.main.id
}
resource "aws_route" "nat" {
  route_table_id         = aws_route_table.nat.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat.id
}
resource "aws_route_table_association" "routed" {
  subnet_id      = aws_subnet.routed.id
  route_table_id = aws_route_table.public.id
}
resource "aws_route_table_association" "unrouted" {
  subnet_id      = aws_subnet.unrouted.id
  route_table_id = aws_route_table.nat.id
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 6, 9]);
    }

    #[test]
    fn cloudformation_public_subnets() {
        let yaml = "Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      DBSubnetGroupName:\n        Ref: Group\n  Routed:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      DBSubnetGroupName: !Ref RoutedGroup\n  Private:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      DBSubnetGroupName: !Ref PrivateGroup\n  Group:\n    Type: AWS::RDS::DBSubnetGroup\n    Properties:\n      SubnetIds: [!Ref A, !Ref World]\n  RoutedGroup:\n    Type: AWS::RDS::DBSubnetGroup\n    Properties:\n      SubnetIds: [!Ref B]\n  PrivateGroup:\n    Type: AWS::RDS::DBSubnetGroup\n    Properties:\n      SubnetIds: [!Ref A]\n  A:\n    Type: AWS::EC2::Subnet\n    Properties:\n      CidrBlock: 10.0.0.0/24\n  World:\n    Type: AWS::EC2::Subnet\n    Properties:\n      CidrBlock: 0.0.0.0/0\n  B:\n    Type: AWS::EC2::Subnet\n    Properties:\n      CidrBlock: 10.0.1.0/24\n  Table:\n    Type: AWS::EC2::RouteTable\n  Assoc:\n    Type: AWS::EC2::SubnetRouteTableAssociation\n    Properties:\n      SubnetId: !Ref B\n      RouteTableId: !Ref Table\n  Igw:\n    Type: AWS::EC2::InternetGateway\n  Out:\n    Type: AWS::EC2::Route\n    Properties:\n      RouteTableId: !Ref Table\n      DestinationCidrBlock: 0.0.0.0/0\n      GatewayId: !Ref Igw\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5, 10]);
    }
}
