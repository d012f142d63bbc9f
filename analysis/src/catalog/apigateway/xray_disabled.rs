use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "api-gateway-xray-disabled",
    title: "API Gateway stage does not trace requests with X-Ray",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "API Gateway",
    why: "Without tracing, a request that fans out through the API into Lambda and other services cannot be \
          followed during an incident: which backend failed, which was slow, which caller started it.",
    aws_side: "X-Ray collects the segments once the stage asks for it; turning it on (and paying for it) is the \
               customer's choice. HTTP and WebSocket (v2) stages have no X-Ray option.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_73"],
        kics: &["5813ef56-fa94-406a-b35d-977d4a56ff2b", "4ab10c48-bedb-4deb-8f3b-ff12783b61de"],
        trivy: &["AVD-AWS-0003", "aws-api-gateway-enable-tracing"],
    },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_api_gateway_stage"],
            path: "xray_tracing_enabled",
            example: r#"resource "aws_api_gateway_stage" "prod" {
  stage_name    = "prod"
  rest_api_id   = aws_api_gateway_rest_api.api.id
  deployment_id = aws_api_gateway_deployment.api.id
}"#,
            fixed: r#"resource "aws_api_gateway_stage" "prod" {
  stage_name    = "prod"
  rest_api_id   = aws_api_gateway_rest_api.api.id
  deployment_id = aws_api_gateway_deployment.api.id
  xray_tracing_enabled = true
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::ApiGateway::Stage", "AWS::Serverless::Api"],
            path: "TracingEnabled",
            example: r#"Resources:
  Prod:
    Type: AWS::ApiGateway::Stage
    Properties:
      StageName: prod
      RestApiId: !Ref Api
      TracingEnabled: false
"#,
            fixed: r#"Resources:
  Prod:
    Type: AWS::ApiGateway::Stage
    Properties:
      StageName: prod
      RestApiId: !Ref Api
      TracingEnabled: true
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Bool(true),
        absent: Some("its requests are not traced with X-Ray"),
        insecure: "its requests are not traced with X-Ray",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn tracing_off_absent_or_as_a_string() {
        let tf = "resource \"aws_api_gateway_stage\" \"a\" {\n  xray_tracing_enabled = false\n}\nresource \"aws_api_gateway_stage\" \"b\" {\n}\nresource \"aws_api_gateway_stage\" \"c\" {\n  xray_tracing_enabled = \"true\"\n}\n";
        assert_eq!(lines(&RULE, tf), [2, 4]);
        let yaml = "Resources:\n  A:\n    Type: AWS::ApiGateway::Stage\n    Properties:\n      TracingEnabled: 'false'\n  B:\n    Type: AWS::Serverless::Api\n    Properties:\n      TracingEnabled: 'true'\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
    }
}
