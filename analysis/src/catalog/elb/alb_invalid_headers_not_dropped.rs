use crate::cloudformation::check::CfnContext;
use crate::kit::elb::{cfn_lb_type_is, cfn_require_lb_attribute, lb_type};
use crate::kit::setting::{check_bool, BoolCheck};
use crate::kit::versions;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};

pub static RULE: Rule = Rule {
    id: "alb-invalid-headers-not-dropped",
    title: "Application load balancer forwards HTTP headers with invalid names",
    severity: Severity::Medium,
    row: Row::NetworkSecurity,
    service: "ELB",
    why: "Headers with invalid names are a building block of request smuggling and of header-injection tricks \
          against backends that parse headers differently from the load balancer.",
    aws_side: "The load balancer drops them only when told to; what the backend does with odd headers is the \
               customer's code.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_131"],
        kics: &["6e3fd2ed-5c83-4c68-9679-7700d224d379"],
        trivy: &["AVD-AWS-0052", "aws-elb-drop-invalid-headers"],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags application load balancers (`aws_lb`, `aws_alb` of type `application`, and \
               `terraform-aws-modules/alb` calls pinned below 9.0, whose default is `false`) without \
               `drop_invalid_header_fields = true`; in CloudFormation, `AWS::ElasticLoadBalancingV2::LoadBalancer` \
               of type `application` without the attribute `routing.http.drop_invalid_header_fields.enabled` set \
               to `true`.",
        fix: "Set `drop_invalid_header_fields = true`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_lb", "aws_alb"],
            check,
            example: r#"resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
}"#,
            fixed_example: r#"resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
  drop_invalid_header_fields = true
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ElasticLoadBalancingV2::LoadBalancer"],
            check: check_cfn,
            example: r#"Resources:
  Web:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: !Ref Subnets
"#,
            fixed_example: r#"Resources:
  Web:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: !Ref Subnets
      LoadBalancerAttributes:
        - Key: routing.http.drop_invalid_header_fields.enabled
          Value: 'true'
"#,
        }),
    },
};

const ABSENT: &str = "does not set `drop_invalid_header_fields`, so headers with invalid names reach the targets";
const INSECURE: &str = "forwards headers with invalid names (`drop_invalid_header_fields = false`)";
const FIX: &str = "Drop headers with invalid names";

fn check(ctx: &mut TfContext) {
    let subjects: Vec<Resource> = ctx.resources_like("aws_lb", "alb").chain(ctx.resources("aws_alb")).collect();
    for res in subjects {
        if lb_type(ctx, res).as_deref() != Some("application") {
            continue;
        }
        // The alb module drops them by default since 9.0.
        let absent_insecure = !res.is_module() || versions::module_below(res, &[9, 0]);
        let absent = if res.is_module() {
            "uses alb module below 9.0, whose `drop_invalid_header_fields` defaults to `false`, so headers with invalid names reach the targets"
        } else {
            ABSENT
        };
        let check = BoolCheck {
            attr: "drop_invalid_header_fields",
            secure: true,
            absent_insecure,
            absent,
            insecure: INSECURE,
            fix: FIX,
        };
        check_bool(ctx, res, &check);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ElasticLoadBalancingV2::LoadBalancer").collect::<Vec<_>>() {
        if cfn_lb_type_is(ctx, res, "application") != Some(true) {
            continue;
        }
        cfn_require_lb_attribute(
            ctx,
            res,
            "routing.http.drop_invalid_header_fields.enabled",
            &[],
            "does not turn on `routing.http.drop_invalid_header_fields.enabled`, so headers with invalid names reach the targets",
            FIX,
            true,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn load_balancers_and_modules() {
        let tf = r#"resource "aws_alb" "absent" {
  internal = false
}
resource "aws_lb" "off" {
  drop_invalid_header_fields = false
}
resource "aws_lb" "nlb" {
  load_balancer_type = "network"
}
module "old" {
  source  = "terraform-aws-modules/alb/aws"
  version = "~> 6.0"
}
module "new" {
  source  = "terraform-aws-modules/alb/aws"
  version = "~> 9.0"
}
module "off" {
  source                     = "terraform-aws-modules/alb/aws"
  drop_invalid_header_fields = false
}
resource "aws_lb" "unknown" {
  drop_invalid_header_fields = var.drop
}
"#;
        assert_eq!(lines(&RULE, tf), [5, 10, 20, 1]);
        assert_eq!(check_fixes(&RULE, tf), 4);
        let yaml = "Resources:\n  A:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n  B:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      Type: network\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
