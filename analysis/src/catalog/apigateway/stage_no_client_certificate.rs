use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "api-gateway-stage-no-client-certificate",
    title: "API Gateway stage does not present a client certificate to its backend",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "API Gateway",
    why: "Without a client certificate an HTTP backend cannot tell API Gateway's calls from anyone else's that \
          reach its endpoint, so the API's authorization, throttling and WAF can be bypassed by calling the \
          backend directly. (Lambda and AWS service integrations do not need one: suppress the finding there.)",
    aws_side: "API Gateway signs backend calls with the certificate only when the stage names one; the backend \
               must also verify it.",
    equivalents: Equivalents {
        checkov: &["CKV2_AWS_51"],
        kics: &["0b4869fc-a842-4597-aa00-1294df425440", "ed4c48b8-eccc-4881-95c1-09fdae23db25"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_api_gateway_stage"],
            path: "client_certificate_id",
            example: r#"resource "aws_api_gateway_stage" "prod" {
  stage_name    = "prod"
  rest_api_id   = aws_api_gateway_rest_api.api.id
  deployment_id = aws_api_gateway_deployment.api.id
}"#,
            fixed: r#"resource "aws_api_gateway_stage" "prod" {
  stage_name    = "prod"
  rest_api_id   = aws_api_gateway_rest_api.api.id
  deployment_id = aws_api_gateway_deployment.api.id
  client_certificate_id = "<client-certificate-id>"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::ApiGateway::Stage"],
            path: "ClientCertificateId",
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
      ClientCertificateId: '<client-certificate-id>'
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Present { placeholder: "<client-certificate-id>" },
        absent: Some("its backend cannot tell API Gateway's calls from anyone else's"),
        insecure: "its backend cannot tell API Gateway's calls from anyone else's",
        fix: "Create an `aws_api_gateway_client_certificate`, set the stage's `client_certificate_id` to its id, and \
              have the backend verify it. In CloudFormation: `ClientCertificateId: !Ref <ClientCertificate>`.",
        ..Setting::DEFAULT
    },
};
