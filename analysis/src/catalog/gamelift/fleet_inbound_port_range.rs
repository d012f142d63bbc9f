use crate::cloudformation::check::CfnContext;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::format_number;

pub static RULE: Rule = Rule {
    id: "gamelift-fleet-inbound-port-range",
    title: "GameLift fleet opens a port range instead of single ports",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "GameLift",
    why: "Each open port of a game server is reachable by every client its IP range allows; ranges expose ports no \
          game session uses, widening the surface for scanning and exploits.",
    aws_side: "GameLift applies the inbound permissions as written. Choosing them is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["43356255-495d-4148-ad8d-f6af5eac09dd"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags GameLift fleets (`aws_gamelift_fleet`, `AWS::GameLift::Fleet`) with an inbound permission whose \
               `from_port` and `to_port` (`FromPort`, `ToPort`) differ. Games that use a port per session \
               legitimately open ranges: suppress them.",
        fix: "Open the ports the game server listens on, one permission each.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_gamelift_fleet"],
            check,
            example: r#"resource "aws_gamelift_fleet" "game" {
  name              = "game"
  build_id          = aws_gamelift_build.game.id
  ec2_instance_type = "c5.large"
  ec2_inbound_permission {
    from_port = 7000
    to_port   = 8000
    ip_range  = "0.0.0.0/0"
    protocol  = "UDP"
  }
}"#,
            fixed_example: r#"resource "aws_gamelift_fleet" "game" {
  name              = "game"
  build_id          = aws_gamelift_build.game.id
  ec2_instance_type = "c5.large"
  ec2_inbound_permission {
    from_port = 7777
    to_port   = 7777
    ip_range  = "0.0.0.0/0"
    protocol  = "UDP"
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::GameLift::Fleet"],
            check: check_cfn,
            example: r#"Resources:
  Game:
    Type: AWS::GameLift::Fleet
    Properties:
      EC2InboundPermissions:
        - FromPort: 7000
          ToPort: 8000
          IpRange: 0.0.0.0/0
          Protocol: UDP
"#,
            fixed_example: r#"Resources:
  Game:
    Type: AWS::GameLift::Fleet
    Properties:
      EC2InboundPermissions:
        - FromPort: 7777
          ToPort: 7777
          IpRange: 0.0.0.0/0
          Protocol: UDP
"#,
        }),
    },
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_gamelift_fleet").collect::<Vec<_>>() {
        for p in ctx.nested(res.config(), "ec2_inbound_permission") {
            let port = |k: &str| ctx.field(p, k).and_then(|(_, v)| v.as_f64());
            let (Some(from), Some(to)) = (port("from_port"), port("to_port")) else { continue };
            if from != to {
                let message = format!(
                    "`{}` opens ports {}-{} to its players",
                    res.address(),
                    format_number(from),
                    format_number(to)
                );
                ctx.report(res, p.header(), message);
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::GameLift::Fleet").collect::<Vec<_>>() {
        let Some((list, _)) = ctx.prop(res, "EC2InboundPermissions") else { continue };
        for p in list.items() {
            let port = |k: &str| p.get(k).and_then(|n| ctx.eval(n).as_f64());
            let (Some(from), Some(to)) = (port("FromPort"), port("ToPort")) else { continue };
            if from != to {
                let message = format!(
                    "`{}` opens ports {}-{} to its players",
                    res.logical_id,
                    format_number(from),
                    format_number(to)
                );
                ctx.report(res, p.range, message);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_port_ranges() {
        let tf = "resource \"aws_gamelift_fleet\" \"a\" {\n  ec2_inbound_permission {\n    from_port = 1234\n    to_port   = \"134\"\n  }\n  ec2_inbound_permission {\n    from_port = 7777\n    to_port   = \"7777\"\n  }\n}\n";
        assert_eq!(lines(&RULE, tf), [2]);
        let yaml = "Resources:\n  A:\n    Type: AWS::GameLift::Fleet\n    Properties:\n      EC2InboundPermissions:\n        - {FromPort: '1234', ToPort: 134}\n        - {FromPort: '1356', ToPort: '1356'}\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6]);
    }
}
