use crate::cloudformation::check::CfnContext;
use crate::kit::elb::{cfn_lb_type_is, cfn_require_lb_attribute, lb_type};
use crate::kit::setting::{check_bool, check_cfn_bool, BoolCheck, CfnBoolCheck};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "lb-cross-zone-disabled",
    title: "Load balancer does not balance across Availability Zones",
    severity: Severity::Low,
    row: Row::BusinessContinuity,
    service: "ELB",
    why: "Without cross-zone balancing, losing the targets of one zone (or uneven target counts) leaves that \
          zone's share of traffic failing. (Cross-zone traffic of a network load balancer is billed.)",
    aws_side: "AWS runs load balancer nodes in every enabled zone; spreading traffic across zones is a customer \
               setting for network, gateway and classic load balancers (application load balancers always do).",
    equivalents: Equivalents { checkov: &["CKV_AWS_152", "CKV_AWS_138"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags network and gateway load balancers (`aws_lb`, `aws_alb`) without \
               `enable_cross_zone_load_balancing = true`, and `aws_elb` with `cross_zone_load_balancing = false`; in \
               CloudFormation, `AWS::ElasticLoadBalancingV2::LoadBalancer` of type `network` or `gateway` without \
               the attribute `load_balancing.cross_zone.enabled` set to `true`, and \
               `AWS::ElasticLoadBalancing::LoadBalancer` without `CrossZone: true`.",
        fix: "Set `enable_cross_zone_load_balancing = true` (`cross_zone_load_balancing = true` for a classic load \
              balancer).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_lb", "aws_alb", "aws_elb"],
            check,
            example: r#"resource "aws_lb" "tcp" {
  name               = "tcp"
  load_balancer_type = "network"
}"#,
            fixed_example: r#"resource "aws_lb" "tcp" {
  name               = "tcp"
  load_balancer_type = "network"
  enable_cross_zone_load_balancing = true
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancing::LoadBalancer"],
            check: check_cfn,
            example: r#"Resources:
  Tcp:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Type: network
"#,
            fixed_example: r#"Resources:
  Tcp:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Type: network
      LoadBalancerAttributes:
        - Key: load_balancing.cross_zone.enabled
          Value: 'true'
"#,
        }),
    },
};

const FIX: &str = "Balance across zones";

fn check(ctx: &mut TfContext) {
    for ty in ["aws_lb", "aws_alb"] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            if !matches!(lb_type(ctx, res).as_deref(), Some("network" | "gateway")) {
                continue;
            }
            let check = BoolCheck {
                attr: "enable_cross_zone_load_balancing",
                secure: true,
                absent_insecure: true,
                absent: "does not set `enable_cross_zone_load_balancing`, so each zone's nodes only reach that zone's targets",
                insecure: "turns cross-zone load balancing off",
                fix: FIX,
            };
            check_bool(ctx, res, &check);
        }
    }
    for res in ctx.resources("aws_elb").collect::<Vec<_>>() {
        let check = BoolCheck {
            attr: "cross_zone_load_balancing",
            secure: true,
            absent_insecure: false,
            absent: "",
            insecure: "turns cross-zone load balancing off",
            fix: FIX,
        };
        check_bool(ctx, res, &check);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ElasticLoadBalancingV2::LoadBalancer").collect::<Vec<_>>() {
        let network =
            cfn_lb_type_is(ctx, res, "network") == Some(true) || cfn_lb_type_is(ctx, res, "gateway") == Some(true);
        if network {
            cfn_require_lb_attribute(
                ctx,
                res,
                "load_balancing.cross_zone.enabled",
                &[],
                "does not turn on `load_balancing.cross_zone.enabled`, so each zone's nodes only reach that zone's targets",
                FIX,
                true,
            );
        }
    }
    for res in ctx.resources("AWS::ElasticLoadBalancing::LoadBalancer").collect::<Vec<_>>() {
        let check = CfnBoolCheck {
            prop: "CrossZone",
            secure: true,
            absent_insecure: true,
            absent: "does not set `CrossZone`, so each zone's nodes only reach that zone's instances",
            insecure: "turns cross-zone load balancing off",
            fix: FIX,
        };
        check_cfn_bool(ctx, res, &check);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn network_gateway_and_classic() {
        let tf = "resource \"aws_lb\" \"nlb\" {\n  load_balancer_type = \"network\"\n}\nresource \"aws_lb\" \"alb\" {\n}\nresource \"aws_lb\" \"gw\" {\n  load_balancer_type               = \"gateway\"\n  enable_cross_zone_load_balancing = false\n}\nresource \"aws_elb\" \"a\" {\n}\nresource \"aws_elb\" \"b\" {\n  cross_zone_load_balancing = false\n}\n";
        assert_eq!(lines(&RULE, tf), [1, 8, 13]);
        assert_eq!(check_fixes(&RULE, tf), 3);
        let yaml = "Resources:\n  A:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      Type: network\n  B:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n  C:\n    Type: AWS::ElasticLoadBalancing::LoadBalancer\n    Properties:\n      CrossZone: false\n  D:\n    Type: AWS::ElasticLoadBalancing::LoadBalancer\n    Properties:\n      Subnets: [a]\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 11, 12]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 3);
    }
}
