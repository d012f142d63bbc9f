use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "opensearch-auto-software-update-disabled",
    title: "OpenSearch domain does not install service software updates automatically",
    severity: Severity::Low,
    row: Row::DatabasePatching,
    service: "OpenSearch",
    why: "Service software updates carry the domain's security fixes (OpenSearch, its plugins and the \
          operating system under them). Without automatic updates they wait for someone to start them, and AWS \
          installs them only when an update becomes mandatory, weeks later.",
    aws_side: "AWS builds and tests the domain's service software and offers each update; it installs optional \
          updates only in the domain's off-peak window when the customer turns automatic updates on. Turning \
          them on, or starting each update, is the customer's duty.",
    equivalents: Equivalents::NONE,
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_opensearch_domain"],
            path: "software_update_options.auto_software_update_enabled",
            example: r#"resource "aws_opensearch_domain" "search" {
  domain_name    = "search"
  engine_version = "OpenSearch_2.13"
}"#,
            fixed: r#"resource "aws_opensearch_domain" "search" {
  domain_name    = "search"
  engine_version = "OpenSearch_2.13"
  software_update_options {
    auto_software_update_enabled = true
  }
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::OpenSearchService::Domain"],
            path: "SoftwareUpdateOptions.AutoSoftwareUpdateEnabled",
            example: r#"Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      EngineVersion: OpenSearch_2.13
"#,
            fixed: r#"Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      EngineVersion: OpenSearch_2.13
      SoftwareUpdateOptions:
        AutoSoftwareUpdateEnabled: true
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Bool(true),
        absent: Some(
            "service software updates (security fixes) wait until someone starts them or AWS makes them mandatory",
        ),
        insecure: "optional updates wait until someone starts them",
        fix_title: "Install service software updates automatically",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_absent_and_disabled_updates() {
        let tf = r#"resource "aws_opensearch_domain" "absent" {
  domain_name = "a"
}
resource "aws_opensearch_domain" "off" {
  software_update_options {
    auto_software_update_enabled = false
  }
}
resource "aws_opensearch_domain" "on" {
  software_update_options {
    auto_software_update_enabled = true
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 6]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_updates() {
        let yaml = "Resources:\n  A:\n    Type: AWS::OpenSearchService::Domain\n    Properties:\n      SoftwareUpdateOptions:\n        AutoSoftwareUpdateEnabled: false\n  B:\n    Type: AWS::OpenSearchService::Domain\n    Properties:\n      SoftwareUpdateOptions:\n        AutoSoftwareUpdateEnabled: true\n  C:\n    Type: AWS::OpenSearchService::Domain\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6, 12]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
