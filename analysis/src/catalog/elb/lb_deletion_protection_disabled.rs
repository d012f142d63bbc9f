use crate::cloudformation::check::CfnContext;
use crate::fix::Fix;
use crate::kit::elb::cfn_require_lb_attribute;
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;

pub static RULE: Rule = Rule {
    id: "lb-deletion-protection-disabled",
    title: "Load balancer can be deleted without protection",
    severity: Severity::Low,
    row: Row::BusinessContinuity,
    service: "ELB",
    why: "Deleting a load balancer takes the service it fronts offline at once, and its DNS name cannot be \
          recovered: every CNAME, alias and client pinned to it breaks. A stray `terraform destroy`, a wrong \
          workspace or a compromised key is enough without deletion protection.",
    aws_side: "AWS keeps the load balancer highly available across zones, but deletes it on any authorised \
               request unless deletion protection is on. Turning it on is the customer's setting.",
    equivalents: Equivalents { checkov: &["CKV_AWS_150"], kics: &["afecd1f1-6378-4f7e-bb3b-60c35801fdd4"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_lb` / `aws_alb` resources (application, network or gateway) and alb registry module calls \
               whose `enable_deletion_protection` is absent (off by default) or `false`.",
        fix: "Set `enable_deletion_protection = true` on production load balancers.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_lb", "aws_alb"],
            check,
            example: r#"resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
  subnets            = var.public_subnets
}"#,
            fixed_example: r#"resource "aws_lb" "web" {
  name                       = "web"
  load_balancer_type         = "application"
  subnets                    = var.public_subnets
  enable_deletion_protection = true
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ElasticLoadBalancingV2::LoadBalancer"],
            check: check_cfn,
            example: r#"Resources:
  Web:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: [subnet-1, subnet-2]
"#,
            fixed_example: r#"Resources:
  Web:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: [subnet-1, subnet-2]
      LoadBalancerAttributes:
        - Key: deletion_protection.enabled
          Value: 'true'
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ElasticLoadBalancingV2::LoadBalancer").collect::<Vec<_>>() {
        cfn_require_lb_attribute(
            ctx,
            res,
            "deletion_protection.enabled",
            &[],
            "does not turn on `deletion_protection.enabled`, so one call can delete it",
            "Turn deletion protection on",
            true,
        );
    }
}

fn check(ctx: &mut TfContext) {
    let targets: Vec<Resource> = ctx.resources_like("aws_lb", "alb").chain(ctx.resources("aws_alb")).collect();
    for res in targets {
        let file = ctx.file(res);
        let fix = Fix::new(
            "Turn deletion protection on",
            vec![edit::set_attribute(file, res.block, "enable_deletion_protection", "true")],
        );
        match ctx.attr(res.block, "enable_deletion_protection") {
            None => {
                let message =
                    format!("`{}` does not set `enable_deletion_protection`, so it can be deleted", res.address());
                ctx.report_with_fix(res, res.block.header, message, fix);
            }
            Some((attr, v)) if v.as_bool() == Some(false) => {
                ctx.report_with_fix(res, attr.range, format!("`{}` turns deletion protection off", res.address()), fix);
            }
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_absent_and_false() {
        let text = r#"resource "aws_lb" "a" {
  load_balancer_type = "network"
}
resource "aws_alb" "b" {
  enable_deletion_protection = false
}
module "alb" {
  source = "terraform-aws-modules/alb/aws"
}
"#;
        assert_eq!(lines(&RULE, text), vec![1, 7, 5]);
        assert_eq!(check_fixes(&RULE, text), 3);
    }

    #[test]
    fn ignores_true_and_unknown() {
        let text = r#"resource "aws_lb" "a" {
  enable_deletion_protection = true
}
resource "aws_lb" "b" {
  enable_deletion_protection = var.protect
}
"#;
        assert!(lines(&RULE, text).is_empty());
    }

    #[test]
    fn cloudformation_attributes() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      Subnets: [a]\n  B:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      LoadBalancerAttributes:\n        - Key: deletion_protection.enabled\n          Value: 'false'\n  C:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      LoadBalancerAttributes:\n        - {Key: deletion_protection.enabled, Value: 'true'}\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 11]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
