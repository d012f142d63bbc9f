use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::kit::cloudfront;
use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};
use crate::terraform::check::{Resource, TfContext};

pub static RULE: Rule = Rule {
    id: "cloudfront-no-default-root-object",
    title: "CloudFront distribution with an S3 origin has no default root object",
    severity: Severity::Low,
    row: Row::DataSharing,
    service: "CloudFront",
    why: "A request for `/` is forwarded to the origin as the bucket root; if the origin identity may list the \
          bucket, CloudFront returns the bucket listing (every object key) to anyone.",
    aws_side: "CloudFront forwards `/` as configured; the root object and bucket permissions are the customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_305"],
        kics: &[],
        trivy: &[],
        how: "CKV_AWS_305 flags every distribution without a default root object, whatever its origins.",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_cloudfront_distribution"],
            modules: &[],
            path: "default_root_object",
            applies: Some(tf_s3_backed),
            example: r#"resource "aws_cloudfront_distribution" "site" {
  enabled = true

  origin {
    domain_name              = aws_s3_bucket.site.bucket_regional_domain_name
    origin_id                = "site"
    origin_access_control_id = aws_cloudfront_origin_access_control.site.id
  }
}"#,
            fixed: r#"resource "aws_cloudfront_distribution" "site" {
  enabled = true

  origin {
    domain_name              = aws_s3_bucket.site.bucket_regional_domain_name
    origin_id                = "site"
    origin_access_control_id = aws_cloudfront_origin_access_control.site.id
  }
  default_root_object = "index.html"
}"#,
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::CloudFront::Distribution"],
            path: "DistributionConfig.DefaultRootObject",
            applies: Some(cfn_s3_backed),
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
            fixed: r#"Resources:
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        Origins:
          - Id: site
            DomainName: !GetAtt Site.RegionalDomainName
            S3OriginConfig: {}
        DefaultRootObject: index.html
"#,
        }),
        want: Want::Present { placeholder: "index.html" },
        absent: Some("a request for `/` reaches the bucket root, whose listing it may return"),
        insecure: "a request for `/` reaches the bucket root, whose listing it may return",
        fix: "Set `default_root_object` to the object served for `/` (`index.html`). In CloudFormation: \
              `DistributionConfig.DefaultRootObject`.",
        fix_title: "Serve `index.html` for `/` (review the name)",
    },
};

fn tf_s3_backed(ctx: &TfContext, res: Resource) -> bool {
    ctx.nested(res.config(), "origin").into_iter().any(|o| cloudfront::tf_origin_is_s3(ctx, o) == Some(true))
}

fn cfn_s3_backed(ctx: &CfnContext, res: CfnResource) -> bool {
    cloudfront::cfn_origins(ctx, res).into_iter().any(|o| cloudfront::cfn_origin_is_s3(ctx, o) == Some(true))
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::lines;

    #[test]
    fn only_s3_backed_distributions() {
        let tf = "resource \"aws_cloudfront_distribution\" \"s3\" {\n  origin {\n    domain_name = \"b.s3.amazonaws.com\"\n  }\n}\nresource \"aws_cloudfront_distribution\" \"alb\" {\n  origin {\n    domain_name = aws_lb.web.dns_name\n  }\n}\nresource \"aws_cloudfront_distribution\" \"empty\" {\n  default_root_object = \"\"\n  origin {\n    s3_origin_config {}\n  }\n}\n";
        assert_eq!(lines(&RULE, tf), [1, 12]);
    }
}
