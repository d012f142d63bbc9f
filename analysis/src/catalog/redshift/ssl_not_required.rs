use crate::cloudformation::check::CfnContext;
use crate::kit::parameter_group::{self, ParamCheck};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "redshift-ssl-not-required",
    title: "Redshift parameter group does not require SSL",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "Redshift",
    why: "Without `require_ssl`, JDBC and ODBC clients may connect in plaintext and send credentials and result sets \
          unencrypted across the network; one misconfigured client is enough.",
    aws_side: "AWS provides TLS endpoints and certificates; requiring TLS from clients is a parameter the customer \
               sets (AWS Config redshift-require-tls-ssl).",
    equivalents: Equivalents { checkov: &["CKV_AWS_105"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_redshift_parameter_group` without a `require_ssl` parameter or with `require_ssl = false`; \
               in CloudFormation, `AWS::Redshift::ClusterParameterGroup` likewise in `Parameters`.",
        fix: "Set the `require_ssl` parameter to `true`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_redshift_parameter_group"],
            check,
            example: r#"resource "aws_redshift_parameter_group" "dw" {
  name   = "dw"
  family = "redshift-1.0"
}"#,
            fixed_example: r#"resource "aws_redshift_parameter_group" "dw" {
  name   = "dw"
  family = "redshift-1.0"
  parameter {
    name  = "require_ssl"
    value = "true"
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Redshift::ClusterParameterGroup"],
            check: check_cfn,
            example: r#"Resources:
  Params:
    Type: AWS::Redshift::ClusterParameterGroup
    Properties:
      Description: warehouse
      ParameterGroupFamily: redshift-1.0
      Parameters:
        - ParameterName: require_ssl
          ParameterValue: 'false'
"#,
            fixed_example: r#"Resources:
  Params:
    Type: AWS::Redshift::ClusterParameterGroup
    Properties:
      Description: warehouse
      ParameterGroupFamily: redshift-1.0
      Parameters:
        - ParameterName: require_ssl
          ParameterValue: 'true'
"#,
        }),
    },
};

static CHECK: ParamCheck = ParamCheck {
    name: "require_ssl",
    secure: |v| v.trim() == "true",
    absent: Some("clients may connect in plaintext (the parameter is off unless set)"),
    insecure: "clients may connect in plaintext",
    fix_value: "true",
    fix_title: "Require SSL",
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_redshift_parameter_group").collect::<Vec<_>>() {
        parameter_group::check_tf(ctx, res, &CHECK);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::Redshift::ClusterParameterGroup").collect::<Vec<_>>() {
        parameter_group::check_cfn_list(ctx, res, &CHECK);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_groups_without_require_ssl() {
        let tf = r#"variable "ssl" {}
resource "aws_redshift_parameter_group" "absent" {
  family = "redshift-1.0"
  parameter {
    name  = "enable_user_activity_logging"
    value = "true"
  }
}
resource "aws_redshift_parameter_group" "off" {
  parameter {
    name  = "require_ssl"
    value = false
  }
}
resource "aws_redshift_parameter_group" "on" {
  parameter {
    name  = "require_ssl"
    value = "TRUE"
  }
}
resource "aws_redshift_parameter_group" "unknown" {
  parameter {
    name  = "require_ssl"
    value = var.ssl
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 12]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_require_ssl() {
        let yaml = "Resources:\n  A:\n    Type: AWS::Redshift::ClusterParameterGroup\n    Properties:\n      Parameters:\n        - ParameterName: enable_user_activity_logging\n          ParameterValue: 'true'\n  B:\n    Type: AWS::Redshift::ClusterParameterGroup\n    Properties:\n      Parameters:\n        - ParameterName: require_ssl\n          ParameterValue: true\n  C:\n    Type: AWS::Redshift::ClusterParameterGroup\n    Properties:\n      Description: none\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 14]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
