use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::kit::cloudfront;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "cloudfront-s3-origin-without-access-control",
    title: "CloudFront S3 origin has neither origin access control nor origin access identity",
    severity: Severity::Medium,
    row: Row::AccessRestriction,
    service: "CloudFront",
    why: "Without origin access control (or the legacy origin access identity) the bucket must be readable by \
          everyone for CloudFront to fetch its objects, so the CDN's controls (signed URLs, WAF, geographic \
          restrictions) can be bypassed by going to S3 directly.",
    aws_side: "CloudFront signs origin requests with OAC (or uses the OAI) only when configured; the bucket policy \
               that trusts it is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV2_AWS_46"],
        kics: &[],
        trivy: &[],
        how: "CKV2_AWS_46 accepts an empty `s3_origin_config` and only checks distributions connected to a bucket \
              of the configuration.",
    },
    matcher: &Custom {
        what: "Flags origins of `aws_cloudfront_distribution` that are S3 REST endpoints (a bucket's \
               `bucket_regional_domain_name`, or a `*.s3.amazonaws.com` host) with no `origin_access_control_id` \
               and no `s3_origin_config.origin_access_identity`; in CloudFormation, origins with neither \
               `OriginAccessControlId` nor `S3OriginConfig.OriginAccessIdentity`.",
        fix: "Create an `aws_cloudfront_origin_access_control` (signing behaviour `always`, `sigv4`), set the \
              origin's `origin_access_control_id` to it, and let the bucket policy allow `cloudfront.amazonaws.com` \
              for this distribution (`AWS:SourceArn`).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_cloudfront_distribution"],
            check,
            example: r#"resource "aws_cloudfront_distribution" "site" {
  enabled = true

  origin {
    domain_name = aws_s3_bucket.site.bucket_regional_domain_name
    origin_id   = "site"
  }
}"#,
            fixed_example: r#"resource "aws_cloudfront_distribution" "site" {
  enabled = true

  origin {
    domain_name = aws_s3_bucket.site.bucket_regional_domain_name
    origin_id   = "site"
    origin_access_control_id = aws_cloudfront_origin_access_control.site.id
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
        Origins:
          - Id: site
            DomainName: !GetAtt Site.RegionalDomainName
            S3OriginConfig: {}
"#,
            fixed_example: r#"Resources:
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        Origins:
          - Id: site
            DomainName: !GetAtt Site.RegionalDomainName
            S3OriginConfig: {}
            OriginAccessControlId: !GetAtt SiteOac.Id
"#,
        }),
    },
};

const FIX: &str = "Use an origin access control (create it)";

fn set(v: &Value) -> bool {
    match v {
        Value::String(s) => !s.trim().is_empty(),
        Value::Null => false,
        _ => true,
    }
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources(cloudfront::DISTRIBUTION).collect::<Vec<_>>() {
        let file = ctx.file(res);
        for origin in ctx.nested(res.config(), "origin") {
            if cloudfront::tf_origin_is_s3(ctx, origin) != Some(true) {
                continue;
            }
            if ctx.field(origin, "origin_access_control_id").is_some_and(|(_, v)| set(&v)) {
                continue;
            }
            let oai = ctx
                .nested(origin, "s3_origin_config")
                .iter()
                .any(|c| ctx.field(*c, "origin_access_identity").is_some_and(|(_, v)| set(&v)));
            if oai {
                continue;
            }
            let fix = origin.block().map(|b| {
                let text = "origin_access_control_id = aws_cloudfront_origin_access_control.TODO.id # TODO: create it";
                let edit = match origin.attr("origin_access_control_id") {
                    Some(f) => crate::fix::Edit {
                        range: f.expr.range,
                        text: "aws_cloudfront_origin_access_control.TODO.id".into(),
                    },
                    None => edit::insert_in_block(file, b, text),
                };
                Fix::unsafe_(FIX, vec![edit])
            });
            let message = format!(
                "`{}` reads an S3 bucket with neither origin access control nor an origin access identity, so the bucket must be public",
                res.address()
            );
            ctx.report(res, origin.header(), message).fixes.extend(fix);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources(cloudfront::CFN_DISTRIBUTION).collect::<Vec<_>>() {
        for origin in cloudfront::cfn_origins(ctx, res) {
            if origin.intrinsic().is_some() || cloudfront::cfn_origin_is_s3(ctx, origin) != Some(true) {
                continue;
            }
            if origin.get("OriginAccessControlId").is_some_and(|n| set(&ctx.eval(n))) {
                continue;
            }
            let oai = origin.get("S3OriginConfig").and_then(|c| c.get("OriginAccessIdentity"));
            if oai.is_some_and(|n| set(&ctx.eval(n))) {
                continue;
            }
            let edit = crate::kit::setting::cfn_set_key(
                ctx.template,
                origin,
                "OriginAccessControlId",
                &json!("<origin-access-control-id>"),
            );
            let edit = if origin.get("OriginAccessControlId").is_some() {
                cfn_edit::replace_value(
                    ctx.template,
                    origin.get("OriginAccessControlId").expect("checked"),
                    &json!("<origin-access-control-id>"),
                )
            } else {
                edit
            };
            let message = format!(
                "`{}` reads an S3 bucket with neither origin access control nor an origin access identity, so the bucket must be public",
                res.logical_id
            );
            ctx.report(res, origin.range, message).fixes.push(Fix::unsafe_(FIX, vec![edit]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn s3_origins_without_access_control() {
        let tf = r#"resource "aws_cloudfront_distribution" "a" {
  origin {
    domain_name = aws_s3_bucket.b.bucket_regional_domain_name
  }
  origin {
    domain_name = "assets.s3.eu-west-1.amazonaws.com"
    s3_origin_config {
      origin_access_identity = ""
    }
  }
  origin {
    domain_name              = aws_s3_bucket.b.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.b.id
  }
  origin {
    domain_name = "assets.s3.amazonaws.com"
    s3_origin_config {
      origin_access_identity = aws_cloudfront_origin_access_identity.o.cloudfront_access_identity_path
    }
  }
  origin {
    domain_name = "site.s3-website-eu-west-1.amazonaws.com"
  }
  origin {
    domain_name = var.domain
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 5]);
        assert_eq!(check_fixes(&RULE, tf), 2);
        let yaml = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n  A:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        Origins:\n          - DomainName: !GetAtt B.RegionalDomainName\n          - DomainName: x.s3.amazonaws.com\n            S3OriginConfig:\n              OriginAccessIdentity: origin-access-identity/cloudfront/E1\n          - DomainName: !GetAtt Lb.DNSName\n";
        assert_eq!(cfn_lines(&RULE, yaml), [9]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
