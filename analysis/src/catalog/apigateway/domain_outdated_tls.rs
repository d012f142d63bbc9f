use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "api-gateway-domain-outdated-tls",
    title: "API Gateway custom domain accepts TLS 1.0",
    severity: Severity::High,
    row: Row::NetworkSecurity,
    service: "API Gateway",
    why: "TLS 1.0 has known weaknesses (BEAST, weak CBC suites) and fails PCI DSS; clients that could use 1.2 can \
          be downgraded.",
    aws_side: "AWS terminates TLS with the policy the customer selects on the custom domain; the default of a REST \
               API custom domain still accepts TLS 1.0 (HTTP API domains only offer TLS 1.2 and later).",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_206"],
        kics: &["4e1cc5d3-2811-4fb2-861c-ee9b3cb7f90b", "8275fab0-68ec-4705-bbf4-86975edb170e"],
        trivy: &["AVD-AWS-0005", "aws-api-gateway-use-secure-tls-policy"],
    },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_api_gateway_domain_name"],
            path: "security_policy",
            example: r#"resource "aws_api_gateway_domain_name" "api" {
  domain_name     = "api.example.com"
  certificate_arn = aws_acm_certificate.api.arn
}"#,
            fixed: r#"resource "aws_api_gateway_domain_name" "api" {
  domain_name     = "api.example.com"
  certificate_arn = aws_acm_certificate.api.arn
  security_policy = "TLS_1_2"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::ApiGateway::DomainName"],
            path: "SecurityPolicy",
            example: r#"Resources:
  Domain:
    Type: AWS::ApiGateway::DomainName
    Properties:
      DomainName: api.example.com
      SecurityPolicy: TLS_1_0
"#,
            fixed: r#"Resources:
  Domain:
    Type: AWS::ApiGateway::DomainName
    Properties:
      DomainName: api.example.com
      SecurityPolicy: TLS_1_2
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::NoneOf { insecure: &["TLS_1_0"], fix: "TLS_1_2" },
        absent: Some("the domain's default policy accepts TLS 1.0"),
        insecure: "the domain accepts TLS 1.0",
        ..Setting::DEFAULT
    },
};
