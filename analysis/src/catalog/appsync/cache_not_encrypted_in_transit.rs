use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "appsync-cache-not-encrypted-in-transit",
    title: "AppSync API cache does not encrypt traffic in transit",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "AppSync",
    why: "Without in-transit encryption, cached data (resolver results that can hold personal data) travels in clear between AppSync and its cache nodes.",
    aws_side: "AWS offers TLS to the cache only when asked at creation (changing the setting replaces the cache).",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_215"],
        kics: &[],
        trivy: &[],
        how: "Checkov has no CloudFormation variant; its Terraform check flags the same caches.",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_appsync_api_cache"],
            path: "transit_encryption_enabled",
            example: r#"resource "aws_appsync_api_cache" "api" {
  api_id               = aws_appsync_graphql_api.api.id
  api_caching_behavior = "FULL_REQUEST_CACHING"
  type                 = "LARGE"
  ttl                  = 900
}"#,
            fixed: r#"resource "aws_appsync_api_cache" "api" {
  api_id               = aws_appsync_graphql_api.api.id
  api_caching_behavior = "FULL_REQUEST_CACHING"
  type                 = "LARGE"
  ttl                  = 900
  transit_encryption_enabled = true
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::AppSync::ApiCache"],
            path: "TransitEncryptionEnabled",
            example: r#"Resources:
  Cache:
    Type: AWS::AppSync::ApiCache
    Properties:
      ApiId: !GetAtt Api.ApiId
      ApiCachingBehavior: FULL_REQUEST_CACHING
      Type: LARGE
      Ttl: 900
"#,
            fixed: r#"Resources:
  Cache:
    Type: AWS::AppSync::ApiCache
    Properties:
      ApiId: !GetAtt Api.ApiId
      ApiCachingBehavior: FULL_REQUEST_CACHING
      Type: LARGE
      Ttl: 900
      TransitEncryptionEnabled: true
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Bool(true),
        absent: Some("cached data travels in clear between AppSync and the cache nodes"),
        insecure: "cached data travels in clear between AppSync and the cache nodes",
        fix: "Set `transit_encryption_enabled = true` (this replaces the cache). In CloudFormation: \
              `TransitEncryptionEnabled`.",
        ..Setting::DEFAULT
    },
};
