use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "athena-workgroup-config-not-enforced",
    title: "Athena workgroup lets clients override its settings, encryption included",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "Athena",
    why: "Without enforcement, any client can send its own result location and encryption settings, writing query \
          results unencrypted or to a bucket outside the organisation, and bypassing the workgroup's limits.",
    aws_side: "AWS enforces the workgroup's settings when told to; telling it is the customer's duty.",
    equivalents: Equivalents { checkov: &[], kics: &[], trivy: &["AVD-AWS-0007", "aws-athena-no-encryption-override"] },
    related: Related {
        checkov: &["CKV_AWS_82"],
        kics: &[],
        trivy: &[],
        how: "Checkov's CloudFormation check also flags `EnforceWorkGroupConfiguration` left out, whose default is \
              `true`; its Terraform check matches this rule.",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_athena_workgroup"],
            path: "configuration.enforce_workgroup_configuration",
            example: r#"resource "aws_athena_workgroup" "analysts" {
  name = "analysts"
  configuration {
    enforce_workgroup_configuration = false
  }
}"#,
            fixed: r#"resource "aws_athena_workgroup" "analysts" {
  name = "analysts"
  configuration {
    enforce_workgroup_configuration = true
  }
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::Athena::WorkGroup"],
            path: "WorkGroupConfiguration.EnforceWorkGroupConfiguration",
            example: r#"Resources:
  Analysts:
    Type: AWS::Athena::WorkGroup
    Properties:
      Name: analysts
      WorkGroupConfiguration:
        EnforceWorkGroupConfiguration: false
"#,
            fixed: r#"Resources:
  Analysts:
    Type: AWS::Athena::WorkGroup
    Properties:
      Name: analysts
      WorkGroupConfiguration:
        EnforceWorkGroupConfiguration: true
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Bool(true),
        absent: None,
        insecure: "clients may send their own result location and encryption, writing results unencrypted or \
                   elsewhere",
        fix_title: "Enforce the workgroup's configuration",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_overridable_workgroups() {
        let tf = r#"resource "aws_athena_workgroup" "off" {
  configuration {
    enforce_workgroup_configuration = false
  }
}
resource "aws_athena_workgroup" "default" {
  configuration {
    publish_cloudwatch_metrics_enabled = true
  }
}
resource "aws_athena_workgroup" "bare" {
  name = "bare"
}
"#;
        assert_eq!(lines(&RULE, tf), [3]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }

    #[test]
    fn cloudformation_enforcement() {
        let yaml = "Resources:\n  A:\n    Type: AWS::Athena::WorkGroup\n    Properties:\n      WorkGroupConfiguration:\n        EnforceWorkGroupConfiguration: 'false'\n  B:\n    Type: AWS::Athena::WorkGroup\n    Properties:\n      Name: b\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
