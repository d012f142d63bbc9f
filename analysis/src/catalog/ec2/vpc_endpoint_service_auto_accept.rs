use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "vpc-endpoint-service-auto-accept",
    title: "VPC endpoint service (PrivateLink) accepts connections without approval",
    severity: Severity::Medium,
    row: Row::AccessRestriction,
    service: "VPC",
    why: "Without manual acceptance, every principal the service's permissions allow (often `*` while testing) can \
          create an endpoint and reach the service's load balancer from its own VPC.",
    aws_side: "AWS brokers the PrivateLink connections. Deciding who may connect is the customer's.",
    equivalents: Equivalents { checkov: &["CKV_AWS_123"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_vpc_endpoint_service"],
            path: "acceptance_required",
            example: r#"resource "aws_vpc_endpoint_service" "api" {
  acceptance_required        = false
  network_load_balancer_arns = [aws_lb.api.arn]
}"#,
            fixed: r#"resource "aws_vpc_endpoint_service" "api" {
  acceptance_required        = true
  network_load_balancer_arns = [aws_lb.api.arn]
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::EC2::VPCEndpointService"],
            path: "AcceptanceRequired",
            example: r#"Resources:
  Api:
    Type: AWS::EC2::VPCEndpointService
    Properties:
      NetworkLoadBalancerArns:
        - !Ref ApiLoadBalancer
"#,
            fixed: r#"Resources:
  Api:
    Type: AWS::EC2::VPCEndpointService
    Properties:
      NetworkLoadBalancerArns:
        - !Ref ApiLoadBalancer
      AcceptanceRequired: true
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Bool(true),
        absent: Some("every principal its permissions allow can connect without approval"),
        insecure: "every principal its permissions allow can connect without approval",
        fix_title: "Require connections to be accepted",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_services_accepting_without_approval() {
        let tf = r#"resource "aws_vpc_endpoint_service" "off" {
  acceptance_required = false
}
resource "aws_vpc_endpoint_service" "on" {
  acceptance_required = true
}
resource "aws_vpc_endpoint_service" "unknown" {
  acceptance_required = var.accept
}
"#;
        assert_eq!(lines(&RULE, tf), [2]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let yaml = "Resources:\n  A:\n    Type: AWS::EC2::VPCEndpointService\n    Properties:\n      AcceptanceRequired: 'false'\n  B:\n    Type: AWS::EC2::VPCEndpointService\n    Properties: {}\n  C:\n    Type: AWS::EC2::VPCEndpointService\n    Properties:\n      AcceptanceRequired: true\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5, 6]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
