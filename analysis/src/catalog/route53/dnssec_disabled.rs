use crate::cloudformation::check::CfnContext;
use crate::kit::references::{cfn_naming, tf_naming};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "route53-dnssec-disabled",
    title: "Route 53 public hosted zone is not signed with DNSSEC",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "Route 53",
    why: "Without DNSSEC, resolvers cannot detect forged answers for the domain (cache poisoning), which can \
          redirect users and mail.",
    aws_side: "Route 53 signs the zone with the customer's KMS key once DNSSEC is enabled; publishing the DS record \
               at the parent zone is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV2_AWS_38"],
        kics: &[],
        trivy: &[],
        how: "CKV2_AWS_38 also accepts a key signing key or a zone association without the DNSSEC resource.",
    },
    matcher: &Custom {
        what: "Flags public `aws_route53_zone` (no `vpc` block) that no `aws_route53_hosted_zone_dnssec` (with \
               `signing_status` absent or `SIGNING`) names; in CloudFormation, public `AWS::Route53::HostedZone` \
               that no `AWS::Route53::DNSSEC` names.",
        fix: "Create a KMS key in us-east-1 (ECC_NIST_P256, SIGN_VERIFY), an `aws_route53_key_signing_key` and an \
              `aws_route53_hosted_zone_dnssec` for the zone, then publish the DS record at the registrar.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_route53_zone"],
            check,
            example: r#"resource "aws_route53_zone" "public" {
  name = "example.com"
}"#,
            fixed_example: r#"resource "aws_route53_zone" "public" {
  name = "example.com"
}

resource "aws_route53_hosted_zone_dnssec" "public" {
  hosted_zone_id = aws_route53_zone.public.id
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Route53::HostedZone"],
            check: check_cfn,
            example: r#"Resources:
  Public:
    Type: AWS::Route53::HostedZone
    Properties:
      Name: example.com
"#,
            fixed_example: r#"Resources:
  Public:
    Type: AWS::Route53::HostedZone
    Properties:
      Name: example.com
  PublicDnssec:
    Type: AWS::Route53::DNSSEC
    Properties:
      HostedZoneId: !Ref Public
"#,
        }),
    },
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_route53_zone").collect::<Vec<_>>() {
        if !ctx.nested(res.config(), "vpc").is_empty() || res.block.attr("vpc").is_some() {
            continue;
        }
        let signed = tf_naming(ctx, res, &["aws_route53_hosted_zone_dnssec"], "hosted_zone_id").iter().any(|d| {
            ctx.attr(d.block, "signing_status")
                .is_none_or(|(_, v)| v.as_str().is_none_or(|s| s.eq_ignore_ascii_case("SIGNING")))
        });
        if signed {
            continue;
        }
        ctx.report(res, res.block.header, format!("`{}` is a public zone not signed with DNSSEC", res.address()));
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::Route53::HostedZone").collect::<Vec<_>>() {
        if ctx.prop(res, "VPCs").is_some()
            || !cfn_naming(ctx, res, &["AWS::Route53::DNSSEC"], "HostedZoneId").is_empty()
        {
            continue;
        }
        let range = ctx.header(res);
        ctx.report(res, range, format!("`{}` is a public zone not signed with DNSSEC", res.logical_id));
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn unsigned_zones() {
        let tf = "resource \"aws_route53_zone\" \"a\" {\n}\nresource \"aws_route53_zone\" \"b\" {\n}\nresource \"aws_route53_hosted_zone_dnssec\" \"b\" {\n  hosted_zone_id = aws_route53_zone.b.id\n}\nresource \"aws_route53_zone\" \"c\" {\n}\nresource \"aws_route53_hosted_zone_dnssec\" \"c\" {\n  hosted_zone_id = aws_route53_zone.c.id\n  signing_status = \"NOT_SIGNING\"\n}\n";
        assert_eq!(lines(&RULE, tf), [1, 8]);
        let yaml = "Resources:\n  A:\n    Type: AWS::Route53::HostedZone\n  B:\n    Type: AWS::Route53::HostedZone\n  D:\n    Type: AWS::Route53::DNSSEC\n    Properties:\n      HostedZoneId: !Ref B\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
    }
}
