use crate::cloudformation::check::CfnContext;
use crate::kit::elb::{cfn_lb_type_is, lb_type};
use crate::kit::waf::{self, Coverage};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "alb-without-waf",
    title: "Internet-facing load balancer is not protected by AWS WAF",
    severity: Severity::Medium,
    row: Row::NetworkSecurity,
    service: "ELB",
    why: "An internet-facing application load balancer without WAF passes injection attempts, scanners and \
          request floods straight to the application.",
    aws_side: "Shield Standard covers network-layer floods; layer-7 filtering exists only when the customer \
               associates a web ACL. Classic load balancers cannot be associated with WAF at all.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["0afa6ab8-a047-48cf-be07-93a2f8c34cf7", "105ba098-1e34-48cd-b0f2-a8a43a51bf9b"],
        trivy: &[],
    },
    related: Related {
        checkov: &["CKV2_AWS_28"],
        kics: &[],
        trivy: &[],
        how: "CKV2_AWS_28 checks application load balancers only, not classic ones.",
    },
    matcher: &Custom {
        what: "Flags internet-facing application load balancers (`aws_lb`, `aws_alb` without `internal = true`, of \
               type `application`) and classic load balancers (`aws_elb`) that no `aws_wafv2_web_acl_association` or \
               `aws_wafregional_web_acl_association` names; in CloudFormation, \
               `AWS::ElasticLoadBalancingV2::LoadBalancer` (type `application`) and \
               `AWS::ElasticLoadBalancing::LoadBalancer` with `Scheme` absent or `internet-facing` that no WAF \
               association names.",
        fix: "Associate a regional WAF web ACL with the load balancer (`aws_wafv2_web_acl_association` with \
              `resource_arn = aws_lb.<name>.arn`). A classic load balancer cannot be associated: migrate it to an \
              application load balancer, or put CloudFront with WAF in front of it.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_lb", "aws_alb", "aws_elb"],
            check,
            example: r#"resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
  subnets            = var.public_subnets
}"#,
            fixed_example: r#"resource "aws_lb" "web" {
  name               = "web"
  load_balancer_type = "application"
  subnets            = var.public_subnets
}

resource "aws_wafv2_web_acl_association" "web" {
  resource_arn = aws_lb.web.arn
  web_acl_arn  = aws_wafv2_web_acl.web.arn
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancing::LoadBalancer"],
            check: check_cfn,
            example: r#"Resources:
  Web:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Scheme: internet-facing
      Subnets: !Ref PublicSubnets
"#,
            fixed_example: r#"Resources:
  Web:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Scheme: internet-facing
      Subnets: !Ref PublicSubnets
  WebWebAclAssociation:
    Type: AWS::WAFv2::WebACLAssociation
    Properties:
      ResourceArn: !Ref Web
      WebACLArn: !GetAtt WebAcl.Arn
"#,
        }),
    },
};

const KIND: [&str; 3] = ["aws_lb", "aws_alb", "aws_elb"];
const CFN_KIND: [&str; 2] = ["AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancing::LoadBalancer"];

/// Whether a load balancer is internet-facing (`None`: unknown).
fn internet_facing(ctx: &TfContext, res: Resource) -> Option<bool> {
    match ctx.attr(res.block, "internal") {
        None => Some(true),
        Some((_, v)) => v.as_bool().map(|internal| !internal),
    }
}

fn check(ctx: &mut TfContext) {
    let mut subjects: Vec<Resource> = ctx.resources("aws_lb").chain(ctx.resources("aws_alb")).collect();
    subjects.retain(|lb| lb_type(ctx, *lb).as_deref() == Some("application"));
    let classic: Vec<Resource> = ctx.resources("aws_elb").collect();
    for res in subjects.into_iter().chain(classic) {
        if internet_facing(ctx, res) != Some(true) || waf::tf_coverage(ctx, res, &KIND) != Coverage::None {
            continue;
        }
        if res.ty() == "aws_elb" {
            let message = format!(
                "`{}` is an internet-facing classic load balancer, which cannot be protected by WAF: migrate it to an \
                 application load balancer, or put CloudFront with WAF in front of it",
                res.address()
            );
            ctx.report(res, res.block.header, message);
            continue;
        }
        let fix = waf::tf_association_fix(ctx, res);
        let message = format!("`{}` is internet-facing and not associated with a WAF web ACL", res.address());
        ctx.report_with_fix(res, res.block.header, message, fix);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for ty in CFN_KIND {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let classic = ty == "AWS::ElasticLoadBalancing::LoadBalancer";
            if !classic && cfn_lb_type_is(ctx, res, "application") != Some(true) {
                continue;
            }
            match ctx.prop(res, "Scheme") {
                None | Some((_, Value::Null)) => {}
                Some((_, Value::String(s))) if s.eq_ignore_ascii_case("internet-facing") => {}
                _ => continue,
            }
            if waf::cfn_coverage(ctx, res, &CFN_KIND, |_| false) != Coverage::None {
                continue;
            }
            let range = ctx.header(res);
            if classic {
                let message = format!(
                    "`{}` is an internet-facing classic load balancer, which cannot be protected by WAF: migrate it \
                     to an application load balancer, or put CloudFront with WAF in front of it",
                    res.logical_id
                );
                ctx.report(res, range, message);
                continue;
            }
            let fix = waf::cfn_association_fix(ctx, res, json!({"Ref": res.logical_id}));
            let message = format!("`{}` is internet-facing and not associated with a WAF web ACL", res.logical_id);
            ctx.report(res, range, message).fixes.extend(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn load_balancers_without_web_acls() {
        let tf = r#"resource "aws_alb" "foo" {
  internal = false
}
resource "aws_wafregional_web_acl_association" "foo_waf" {
  resource_arn = aws_alb.fooooo.arn
}
resource "aws_lb" "alb" {
  load_balancer_type = "application"
}
resource "aws_wafv2_web_acl_association" "alb" {
  resource_arn = aws_lb.alb.arn
}
resource "aws_lb" "internal" {
  internal = true
}
resource "aws_lb" "nlb" {
  load_balancer_type = "network"
}
resource "aws_elb" "classic" {
  subnets = var.subnets
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 19]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }

    #[test]
    fn cloudformation_load_balancers() {
        let yaml = "Resources:\n  V2:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      Scheme: internet-facing\n  Classic:\n    Type: AWS::ElasticLoadBalancing::LoadBalancer\n    Properties:\n      Scheme: internet-facing\n  Covered:\n    Type: AWS::ElasticLoadBalancing::LoadBalancer\n  A:\n    Type: AWS::WAFRegional::WebACLAssociation\n    Properties:\n      ResourceArn: !Ref Covered\n  Internal:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n      Scheme: internal\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 6]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
