use crate::cloudformation::check::CfnContext;
use crate::kit::autoscaling::groups;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::model::ExprKind;

pub static RULE: Rule = Rule {
    id: "asg-single-az",
    title: "Auto Scaling group spans a single Availability Zone",
    severity: Severity::Low,
    row: Row::BusinessContinuity,
    service: "Auto Scaling",
    why: "A group confined to one zone goes down with that zone; AWS zones fail independently, so spreading \
          instances over two or more is what turns a zone outage into a capacity dip.",
    aws_side: "AWS provides isolated zones and rebalances groups across them. Choosing more than one is the \
               customer's.",
    equivalents: Equivalents::NONE,
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags Auto Scaling groups whose `availability_zones` or `vpc_zone_identifier` (CloudFormation \
               `AvailabilityZones`, `VPCZoneIdentifier`) is a written list of exactly one zone or subnet. Lists \
               built by expressions or module outputs are not judged.",
        fix: "List subnets (or zones) in at least two Availability Zones.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_autoscaling_group"],
            check,
            example: r#"resource "aws_autoscaling_group" "web" {
  max_size            = 4
  min_size            = 2
  vpc_zone_identifier = [aws_subnet.private_a.id]
}"#,
            fixed_example: r#"resource "aws_autoscaling_group" "web" {
  max_size            = 4
  min_size            = 2
  vpc_zone_identifier = [aws_subnet.private_a.id, aws_subnet.private_b.id]
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::AutoScaling::AutoScalingGroup"],
            check: check_cfn,
            example: r#"Resources:
  Web:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MaxSize: '4'
      MinSize: '2'
      VPCZoneIdentifier:
        - !Ref PrivateSubnetA
"#,
            fixed_example: r#"Resources:
  Web:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MaxSize: '4'
      MinSize: '2'
      VPCZoneIdentifier:
        - !Ref PrivateSubnetA
        - !Ref PrivateSubnetB
"#,
        }),
    },
};

fn check(ctx: &mut TfContext) {
    for res in groups(ctx) {
        let lists: Vec<_> = ["availability_zones", "vpc_zone_identifier"]
            .iter()
            .filter_map(|a| res.block.attr(a).filter(|x| !matches!(x.expr.kind, ExprKind::Null)))
            .collect();
        let [only] = lists.as_slice() else { continue };
        let ExprKind::Tuple(items) = &only.expr.kind else { continue };
        // A splat or `for` inside stands for many.
        if items.len() == 1 && !matches!(items[0].kind, ExprKind::Other) {
            let message = format!("`{}` spans one Availability Zone: it goes down with that zone", res.address());
            ctx.report(res, only.range, message);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::AutoScaling::AutoScalingGroup").collect::<Vec<_>>() {
        let Some(props) = res.properties else { continue };
        let lists: Vec<_> = ["AvailabilityZones", "VPCZoneIdentifier"].iter().filter_map(|k| props.entry(k)).collect();
        let [only] = lists.as_slice() else { continue };
        if only.value.intrinsic().is_none() && only.value.items().len() == 1 {
            let message = format!("`{}` spans one Availability Zone: it goes down with that zone", res.logical_id);
            ctx.report(res, only.range, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_one_zone_groups() {
        let tf = r#"resource "aws_autoscaling_group" "one" {
  availability_zones = ["us-east-1a"]
}
resource "aws_autoscaling_group" "two" {
  vpc_zone_identifier = [aws_subnet.a.id, aws_subnet.b.id]
}
resource "aws_autoscaling_group" "splat" {
  vpc_zone_identifier = module.vpc.private_subnets
}
"#;
        assert_eq!(lines(&RULE, tf), [2]);
        let yaml = "Resources:\n  A:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties:\n      AvailabilityZones: [us-east-1a]\n  B:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties:\n      AvailabilityZones: !GetAZs ''\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
    }
}
