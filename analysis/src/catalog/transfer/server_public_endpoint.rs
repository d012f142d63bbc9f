use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "transfer-server-public-endpoint",
    title: "Transfer Family server has a public endpoint",
    severity: Severity::Medium,
    row: Row::NetworkSecurity,
    service: "AWS Transfer",
    why: "A public endpoint accepts connections from any address; with a VPC endpoint the server's clients can be \
          restricted with security groups (and it can still face the internet deliberately, through Elastic IPs).",
    aws_side: "AWS runs the server. Its network exposure is the customer's choice.",
    equivalents: Equivalents { checkov: &["CKV_AWS_164"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_transfer_server"],
            path: "endpoint_type",
            example: r#"resource "aws_transfer_server" "sftp" {
  identity_provider_type = "SERVICE_MANAGED"
}"#,
            fixed: r#"resource "aws_transfer_server" "sftp" {
  identity_provider_type = "SERVICE_MANAGED"
  endpoint_type = "VPC"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::Transfer::Server"],
            path: "EndpointType",
            example: r#"Resources:
  Sftp:
    Type: AWS::Transfer::Server
    Properties:
      IdentityProviderType: SERVICE_MANAGED
"#,
            fixed: r#"Resources:
  Sftp:
    Type: AWS::Transfer::Server
    Properties:
      IdentityProviderType: SERVICE_MANAGED
      EndpointType: VPC
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::OneOf(&["VPC", "VPC_ENDPOINT"]),
        absent: Some("its endpoint is public, open to connections from any address"),
        insecure: "its endpoint is open to connections from any address",
        fix: "Set `endpoint_type = \"VPC\"` with `endpoint_details` (subnets, security groups, and Elastic IPs if \
              it must face the internet). In CloudFormation: `EndpointType`.",
        fix_title: "Put the endpoint in a VPC (add its endpoint details)",
    },
};

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_public_endpoints() {
        let tf = "resource \"aws_transfer_server\" \"a\" {\n  endpoint_type = \"PUBLIC\"\n}\nresource \"aws_transfer_server\" \"b\" {\n  endpoint_type = \"VPC\"\n}\n";
        assert_eq!(lines(&RULE, tf), [2]);
        let yaml =
            "Resources:\n  A:\n    Type: AWS::Transfer::Server\n    Properties:\n      EndpointType: VPC_ENDPOINT\n";
        assert!(cfn_lines(&RULE, yaml).is_empty());
    }
}
