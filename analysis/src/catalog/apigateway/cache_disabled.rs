use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "api-gateway-cache-disabled",
    title: "API Gateway stage has no cache cluster",
    severity: Severity::Low,
    row: Row::BusinessContinuity,
    service: "API Gateway",
    why: "Without a cache every request reaches the backend, so a burst of repeated reads can exhaust Lambda \
          concurrency or a database behind the API. Many APIs are deliberately uncached (per-user responses): \
          suppress the finding there.",
    aws_side: "AWS runs the cache cluster once provisioned; sizing it, enabling it per method and paying for it \
               (per hour) are the customer's decisions.",
    equivalents: Equivalents { checkov: &["CKV_AWS_120"], kics: &["52790cad-d60d-41d5-8483-146f9f21208d"], trivy: &[] },
    related: Related {
        checkov: &[],
        kics: &[],
        trivy: &["AVD-AWS-0190", "aws-api-gateway-enable-cache"],
        how: "Trivy's check reads the stage's method-level cache settings, not verified to flag the same stages.",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_api_gateway_stage"],
            path: "cache_cluster_enabled",
            example: r#"resource "aws_api_gateway_stage" "prod" {
  stage_name    = "prod"
  rest_api_id   = aws_api_gateway_rest_api.api.id
  deployment_id = aws_api_gateway_deployment.api.id
}"#,
            fixed: r#"resource "aws_api_gateway_stage" "prod" {
  stage_name    = "prod"
  rest_api_id   = aws_api_gateway_rest_api.api.id
  deployment_id = aws_api_gateway_deployment.api.id
  cache_cluster_enabled = true
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::ApiGateway::Stage", "AWS::Serverless::Api"],
            path: "CacheClusterEnabled",
            example: r#"Resources:
  Prod:
    Type: AWS::ApiGateway::Stage
    Properties:
      StageName: prod
      RestApiId: !Ref Api
"#,
            fixed: r#"Resources:
  Prod:
    Type: AWS::ApiGateway::Stage
    Properties:
      StageName: prod
      RestApiId: !Ref Api
      CacheClusterEnabled: true
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Bool(true),
        absent: Some("every request reaches the backend"),
        insecure: "every request reaches the backend",
        fix: "Set `cache_cluster_enabled = true` (with `cache_cluster_size`, billed per hour) and enable caching \
              for the methods that can be cached. In CloudFormation: `CacheClusterEnabled`.",
        ..Setting::DEFAULT
    },
};
