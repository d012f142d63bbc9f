use crate::cloudformation::check::CfnContext;
use crate::kit::cloudfront;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "cloudfront-geo-restriction-disabled",
    title: "CloudFront distribution has no geographic restriction",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "CloudFront",
    why: "Content that may only be served in some jurisdictions (licensing, sanctions, data residency) is served \
          worldwide. Most distributions serve the world by design: suppress the finding there.",
    aws_side: "CloudFront enforces the country lists the customer configures, from its own IP geolocation \
               database.",
    equivalents: Equivalents { checkov: &["CKV_AWS_374"], kics: &["7f8843f0-9ea5-42b4-a02b-753055113195"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_cloudfront_distribution` whose `restrictions.geo_restriction.restriction_type` is `none`; \
               in CloudFormation, `AWS::CloudFront::Distribution` whose `Restrictions.GeoRestriction.RestrictionType` \
               is `none` or that has no `Restrictions`.",
        fix: "Set `restriction_type` to `whitelist` (or `blacklist`) with the `locations` (ISO country codes) the \
              content may (or may not) be served to.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_cloudfront_distribution"],
            check,
            example: r#"resource "aws_cloudfront_distribution" "site" {
  enabled = true

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }
}"#,
            fixed_example: r#"resource "aws_cloudfront_distribution" "site" {
  enabled = true

  restrictions {
    geo_restriction {
      restriction_type = "whitelist"
      locations        = ["DE", "FR", "NL"]
    }
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::CloudFront::Distribution"],
            check: check_cfn,
            example: r#"Resources:
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        Restrictions:
          GeoRestriction:
            RestrictionType: none
"#,
            fixed_example: r#"Resources:
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        Restrictions:
          GeoRestriction:
            RestrictionType: whitelist
            Locations: [DE, FR, NL]
"#,
        }),
    },
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources(cloudfront::DISTRIBUTION).collect::<Vec<_>>() {
        if cloudfront::tf_disabled(ctx, res) {
            continue;
        }
        for restrictions in ctx.nested(res.config(), "restrictions") {
            for geo in ctx.nested(restrictions, "geo_restriction") {
                let Some((field, v)) = ctx.field(geo, "restriction_type") else { continue };
                if v.as_str().is_some_and(|t| t.eq_ignore_ascii_case("none")) {
                    let message = format!("`{}` serves every country (`restriction_type = \"none\"`)", res.address());
                    ctx.report(res, field.range, message);
                }
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources(cloudfront::CFN_DISTRIBUTION).collect::<Vec<_>>() {
        let Some((config, _)) = ctx.prop(res, "DistributionConfig") else { continue };
        if config.intrinsic().is_some() || cloudfront::cfn_disabled(ctx, res) {
            continue;
        }
        match ctx.prop(res, "DistributionConfig.Restrictions.GeoRestriction.RestrictionType") {
            Some((_, Value::String(t))) if t.eq_ignore_ascii_case("none") => {
                let range = ctx
                    .prop_range(res, "DistributionConfig.Restrictions.GeoRestriction.RestrictionType")
                    .unwrap_or(config.range);
                ctx.report(res, range, format!("`{}` serves every country (`RestrictionType: none`)", res.logical_id));
            }
            _ if config.get("Restrictions").is_none() => {
                let range = ctx.prop_range(res, "DistributionConfig").unwrap_or(config.range);
                ctx.report(
                    res,
                    range,
                    format!("`{}` has no `Restrictions`, so it serves every country", res.logical_id),
                );
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn unrestricted_distributions() {
        let tf = "resource \"aws_cloudfront_distribution\" \"a\" {\n  restrictions {\n    geo_restriction {\n      restriction_type = \"none\"\n    }\n  }\n}\nresource \"aws_cloudfront_distribution\" \"b\" {\n  restrictions {\n    geo_restriction {\n      restriction_type = \"blacklist\"\n      locations        = [\"KP\"]\n    }\n  }\n}\nresource \"aws_cloudfront_distribution\" \"c\" {\n  restrictions {\n    geo_restriction {\n      restriction_type = var.type\n    }\n  }\n}\n";
        assert_eq!(lines(&RULE, tf), [4]);
        let yaml = "Resources:\n  A:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        Restrictions:\n          GeoRestriction:\n            RestrictionType: none\n  B:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        Enabled: true\n";
        assert_eq!(cfn_lines(&RULE, yaml), [8, 12]);
    }
}
