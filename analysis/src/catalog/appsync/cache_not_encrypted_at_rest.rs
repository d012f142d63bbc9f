use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "appsync-cache-not-encrypted-at-rest",
    title: "AppSync API cache is not encrypted at rest",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "AppSync",
    why: "Cached resolver results can contain personal data; unencrypted, they sit in clear on the cache nodes.",
    aws_side: "AWS encrypts the cache only when asked at creation (changing the setting replaces the cache).",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_214"],
        kics: &[],
        trivy: &[],
        how: "Checkov has no CloudFormation variant; its Terraform check flags the same caches.",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_appsync_api_cache"],
            path: "at_rest_encryption_enabled",
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
  at_rest_encryption_enabled = true
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::AppSync::ApiCache"],
            path: "AtRestEncryptionEnabled",
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
      AtRestEncryptionEnabled: true
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Bool(true),
        absent: Some("cached resolver results rest unencrypted"),
        insecure: "cached resolver results rest unencrypted",
        fix: "Set `at_rest_encryption_enabled = true` (this replaces the cache). In CloudFormation: \
              `AtRestEncryptionEnabled`.",
        ..Setting::DEFAULT
    },
};
