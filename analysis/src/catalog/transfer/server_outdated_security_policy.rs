use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "transfer-server-outdated-security-policy",
    title: "Transfer Family server uses an outdated security policy",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "AWS Transfer",
    why: "Older policies still negotiate SHA-1 key exchanges and MACs and CBC ciphers that are considered weak; \
          clients that support modern algorithms are then exposed to downgrade.",
    aws_side: "AWS publishes new security policies. Selecting one is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_380"],
        kics: &[],
        trivy: &[],
        how: "Checkov fails any policy dated 24 months or more before the day it runs, so its results change with \
              the calendar; onus lists the outdated policies.",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_transfer_server"],
            path: "security_policy_name",
            example: r#"resource "aws_transfer_server" "sftp" {
  endpoint_type        = "VPC"
  security_policy_name = "TransferSecurityPolicy-2018-11"
}"#,
            fixed: r#"resource "aws_transfer_server" "sftp" {
  endpoint_type        = "VPC"
  security_policy_name = "TransferSecurityPolicy-2024-01"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::Transfer::Server"],
            path: "SecurityPolicyName",
            example: r#"Resources:
  Sftp:
    Type: AWS::Transfer::Server
    Properties:
      EndpointType: VPC
"#,
            fixed: r#"Resources:
  Sftp:
    Type: AWS::Transfer::Server
    Properties:
      EndpointType: VPC
      SecurityPolicyName: TransferSecurityPolicy-2024-01
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::NoneOf {
            insecure: &[
                "TransferSecurityPolicy-2018-11",
                "TransferSecurityPolicy-2020-06",
                "TransferSecurityPolicy-FIPS-2020-06",
            ],
            fix: "TransferSecurityPolicy-2024-01",
        },
        absent: Some("it uses the 2018 default policy, which still negotiates SHA-1 and CBC algorithms"),
        insecure: "the policy still negotiates SHA-1 and CBC algorithms",
        fix_title: "Use the current security policy",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_outdated_policies() {
        let tf = "resource \"aws_transfer_server\" \"a\" {\n  security_policy_name = \"TransferSecurityPolicy-2020-06\"\n}\nresource \"aws_transfer_server\" \"b\" {\n  security_policy_name = \"TransferSecurityPolicy-2023-05\"\n}\nresource \"aws_transfer_server\" \"c\" {\n}\n";
        assert_eq!(lines(&RULE, tf), [2, 7]);
        let yaml = "Resources:\n  A:\n    Type: AWS::Transfer::Server\n    Properties:\n      SecurityPolicyName: TransferSecurityPolicy-FIPS-2023-05\n";
        assert!(cfn_lines(&RULE, yaml).is_empty());
    }
}
