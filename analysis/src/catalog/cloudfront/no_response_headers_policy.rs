use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "cloudfront-no-response-headers-policy",
    title: "CloudFront distribution adds no security response headers",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "CloudFront",
    why: "Without HSTS, X-Content-Type-Options, frame and referrer headers, browsers fall back to permissive \
          defaults (downgrade, clickjacking, MIME sniffing). Origins that send the headers themselves can \
          suppress the finding.",
    aws_side: "CloudFront adds headers only through a policy the customer attaches; the origin may add them \
               instead.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV2_AWS_32"],
        kics: &[],
        trivy: &[],
        how: "CKV2_AWS_32 needs a connection to an `aws_cloudfront_response_headers_policy` of the configuration, so \
              the id of an AWS managed policy fails there.",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_cloudfront_distribution"],
            path: "default_cache_behavior.response_headers_policy_id",
            example: r#"resource "aws_cloudfront_distribution" "site" {
  enabled = true

  default_cache_behavior {
    target_origin_id       = "site"
    viewer_protocol_policy = "redirect-to-https"
  }
}"#,
            fixed: r#"resource "aws_cloudfront_distribution" "site" {
  enabled = true

  default_cache_behavior {
    target_origin_id       = "site"
    viewer_protocol_policy = "redirect-to-https"
    response_headers_policy_id = "67f7725c-6f97-4210-82d7-5512b31e9d03"
  }
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::CloudFront::Distribution"],
            path: "DistributionConfig.DefaultCacheBehavior.ResponseHeadersPolicyId",
            example: r#"Resources:
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        DefaultCacheBehavior:
          TargetOriginId: site
          ViewerProtocolPolicy: redirect-to-https
"#,
            fixed: r#"Resources:
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        DefaultCacheBehavior:
          TargetOriginId: site
          ViewerProtocolPolicy: redirect-to-https
          ResponseHeadersPolicyId: 67f7725c-6f97-4210-82d7-5512b31e9d03
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Present { placeholder: "67f7725c-6f97-4210-82d7-5512b31e9d03" },
        absent: Some("its responses carry no security headers (HSTS, X-Content-Type-Options, frame options)"),
        insecure: "its responses carry no security headers",
        fix:
            "Set `response_headers_policy_id` on the default cache behaviour: the AWS managed `SecurityHeadersPolicy` \
              (`67f7725c-6f97-4210-82d7-5512b31e9d03`) or a policy of your own. In CloudFormation: \
              `DistributionConfig.DefaultCacheBehavior.ResponseHeadersPolicyId`.",
        fix_title: "Add the AWS managed SecurityHeadersPolicy (review it)",
    },
};
