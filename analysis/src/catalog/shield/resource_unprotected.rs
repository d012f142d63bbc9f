use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::fix::Fix;
use crate::kit::references::{cfn_mentions, tf_mentions_type, tf_names};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;

pub static RULE: Rule = Rule {
    id: "shield-advanced-resource-unprotected",
    title: "Internet-facing resource is not covered by Shield Advanced although the configuration uses it",
    severity: Severity::Low,
    row: Row::BusinessContinuity,
    service: "Shield Advanced",
    why: "Shield Advanced only protects, reports on and credits the resources explicitly enrolled; an unenrolled \
          public endpoint gets no DDoS response team support or cost protection.",
    aws_side: "Shield Standard protects every customer at layers 3 and 4; Advanced protection is per resource and \
               must be enrolled by the customer.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["084c6686-2a70-4710-91b1-000393e54c12", "ad7444cf-817a-4765-a79e-2145f7981faf"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Where the configuration uses Shield Advanced (an `aws_shield_protection`, \
               `aws_shield_protection_group` or `aws_shield_subscription`), flags CloudFront distributions, load \
               balancers, accelerators, Elastic IPs and hosted zones that no `aws_shield_protection` names; in \
               CloudFormation, where an `AWS::Shield::Protection` or a `SHIELD_ADVANCED` `AWS::FMS::Policy` exists, \
               the same resources covered by neither. Without Shield Advanced in the configuration the rule is \
               silent.",
        fix: "Enroll the resource: `aws_shield_protection { name = ..., resource_arn = <resource>.arn }` (for an \
              Elastic IP, its `eip-allocation` ARN), or cover its type with a Firewall Manager Shield Advanced policy.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &[
                "aws_cloudfront_distribution",
                "aws_lb",
                "aws_globalaccelerator_accelerator",
                "aws_eip",
                "aws_route53_zone",
            ],
            check,
            example: r#"resource "aws_shield_protection" "site" {
  name         = "site"
  resource_arn = aws_cloudfront_distribution.site.arn
}

resource "aws_route53_zone" "public" {
  name = "example.com"
}"#,
            fixed_example: r#"resource "aws_shield_protection" "site" {
  name         = "site"
  resource_arn = aws_cloudfront_distribution.site.arn
}

resource "aws_route53_zone" "public" {
  name = "example.com"
}

resource "aws_shield_protection" "public" {
  name         = "public"
  resource_arn = aws_route53_zone.public.arn
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &[
                "AWS::CloudFront::Distribution",
                "AWS::ElasticLoadBalancingV2::LoadBalancer",
                "AWS::GlobalAccelerator::Accelerator",
                "AWS::EC2::EIP",
                "AWS::Route53::HostedZone",
            ],
            check: check_cfn,
            example: r#"Resources:
  Public:
    Type: AWS::Route53::HostedZone
    Properties:
      Name: example.com
  SiteProtection:
    Type: AWS::Shield::Protection
    Properties:
      Name: site
      ResourceArn: !Sub arn:aws:cloudfront::${AWS::AccountId}:distribution/${Site}
"#,
            fixed_example: r#"Resources:
  Public:
    Type: AWS::Route53::HostedZone
    Properties:
      Name: example.com
  SiteProtection:
    Type: AWS::Shield::Protection
    Properties:
      Name: site
      ResourceArn: !Sub arn:aws:cloudfront::${AWS::AccountId}:distribution/${Site}
  PublicProtection:
    Type: AWS::Shield::Protection
    Properties:
      Name: public
      ResourceArn: !Sub arn:aws:route53:::hostedzone/${Public}
"#,
        }),
    },
};

const TYPES: [&str; 5] =
    ["aws_cloudfront_distribution", "aws_lb", "aws_globalaccelerator_accelerator", "aws_eip", "aws_route53_zone"];
const CFN_TYPES: [&str; 5] = [
    "AWS::CloudFront::Distribution",
    "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::GlobalAccelerator::Accelerator",
    "AWS::EC2::EIP",
    "AWS::Route53::HostedZone",
];

/// Whether a protection of the module names `res` (`None`: a protection names something unknown).
fn protected(ctx: &TfContext, res: Resource) -> Option<bool> {
    let mut unknown = false;
    for p in ctx.all_resources("aws_shield_protection") {
        let Some(arn) = p.block.attr("resource_arn") else { continue };
        if tf_names(&arn.expr, res) {
            return Some(true);
        }
        if !ctx.eval(&arn.expr).is_known() && !TYPES.iter().any(|t| tf_mentions_type(&arn.expr, t)) {
            unknown = true;
        }
    }
    (!unknown).then_some(false)
}

/// The ARN a protection names a resource by.
fn arn_of(res: Resource) -> String {
    match res.ty() {
        "aws_eip" => format!(
            "\"arn:aws:ec2:${{data.aws_region.current.name}}:${{data.aws_caller_identity.current.account_id}}:eip-allocation/${{{}.id}}\"",
            res.address()
        ),
        _ => format!("{}.arn", res.address()),
    }
}

fn check(ctx: &mut TfContext) {
    let in_use = ["aws_shield_protection", "aws_shield_protection_group", "aws_shield_subscription"]
        .iter()
        .any(|t| ctx.all_resources(t).next().is_some());
    if !in_use {
        return;
    }
    for ty in TYPES {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            if protected(ctx, res) != Some(false) {
                continue;
            }
            let text = format!(
                "resource \"aws_shield_protection\" \"{name}\" {{\n  name         = \"{name}\"\n  resource_arn = {arn}\n}}",
                name = res.name(),
                arn = arn_of(res)
            );
            let fix =
                Fix::unsafe_("Enroll it in Shield Advanced", vec![edit::insert_after(ctx.file(res), res.block, &text)]);
            let message =
                format!("`{}` is not enrolled in Shield Advanced, which this configuration uses", res.address());
            ctx.report_with_fix(res, res.block.header, message, fix);
        }
    }
}

fn fms_covers(ctx: &CfnContext, policy: CfnResource, ty: &str) -> bool {
    let shield =
        ctx.prop(policy, "SecurityServicePolicyData.Type").is_some_and(|(_, v)| v.as_str() == Some("SHIELD_ADVANCED"));
    if !shield {
        return false;
    }
    let single = ctx.prop(policy, "ResourceType").is_some_and(|(_, v)| v.as_str() == Some(ty));
    let listed = ctx
        .prop(policy, "ResourceTypeList")
        .is_some_and(|(_, v)| v.as_list().is_some_and(|l| l.iter().any(|t| t.as_str() == Some(ty))));
    single || listed
}

fn check_cfn(ctx: &mut CfnContext) {
    let fms: Vec<CfnResource> = ctx
        .template
        .resources()
        .filter(|r| r.ty == "AWS::FMS::Policy")
        .filter(|p| {
            ctx.prop(*p, "SecurityServicePolicyData.Type").is_some_and(|(_, v)| v.as_str() == Some("SHIELD_ADVANCED"))
        })
        .collect();
    let protections: Vec<CfnResource> =
        ctx.template.resources().filter(|r| r.ty == "AWS::Shield::Protection").collect();
    if fms.is_empty() && protections.is_empty() {
        return;
    }
    for ty in CFN_TYPES {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            if fms.iter().any(|p| fms_covers(ctx, *p, ty)) {
                continue;
            }
            let named = protections.iter().any(|p| {
                ctx.prop(*p, "ResourceArn").is_some_and(|(n, v)| {
                    cfn_mentions(n, res.logical_id)
                        || (!v.is_known() && crate::kit::references::cfn_raw_text(n).is_none())
                })
            });
            if named {
                continue;
            }
            let range = ctx.header(res);
            let message = format!("`{}` is not covered by Shield Advanced, which this template uses", res.logical_id);
            ctx.report(res, range, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_fixes, lines};

    #[test]
    fn unenrolled_resources() {
        let tf = r#"resource "aws_eip" "positive1" {
  domain = "vpc"
}
resource "aws_shield_protection" "positive1" {
  name         = "example"
  resource_arn = "arn:aws:ec2:us-east-1:1:eip-allocation/${aws_eip.positive.id}"
}
resource "aws_route53_zone" "covered" {
  name = "example.com"
}
resource "aws_shield_protection" "covered" {
  resource_arn = aws_route53_zone.covered.arn
}
"#;
        assert_eq!(lines(&RULE, tf), [1]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        // Without Shield Advanced, nothing.
        assert!(lines(&RULE, "resource \"aws_eip\" \"a\" {\n}\n").is_empty());
        let yaml = "Resources:\n  Zone:\n    Type: AWS::Route53::HostedZone\n  Eip:\n    Type: AWS::EC2::EIP\n  Policy:\n    Type: AWS::FMS::Policy\n    Properties:\n      ResourceTypeList: [AWS::EC2::EIP]\n      SecurityServicePolicyData:\n        Type: SHIELD_ADVANCED\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
    }
}
