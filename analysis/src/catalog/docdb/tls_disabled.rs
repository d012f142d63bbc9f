use crate::cloudformation::check::CfnContext;
use crate::kit::parameter_group::{self, ParamCheck};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "docdb-tls-disabled",
    title: "DocumentDB cluster parameter group turns TLS off",
    severity: Severity::High,
    row: Row::ManagedServiceConfig,
    service: "DocumentDB",
    why: "With `tls = disabled` the cluster accepts only plaintext connections, so credentials and every document \
          read or written cross the network in the clear.",
    aws_side: "AWS enables TLS by default; turning it off is a customer choice, and so is keeping it on.",
    equivalents: Equivalents { checkov: &["CKV_AWS_90"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_docdb_cluster_parameter_group` whose `tls` parameter is `disabled`; in CloudFormation, \
               `AWS::DocDB::DBClusterParameterGroup` whose `Parameters.tls` is `disabled`. Left out, TLS is on.",
        fix: "Set the `tls` parameter to `enabled` (or `tls1.2+`, `tls1.3+`), then reboot the instances.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_docdb_cluster_parameter_group"],
            check,
            example: r#"resource "aws_docdb_cluster_parameter_group" "docs" {
  family = "docdb5.0"
  parameter {
    name  = "tls"
    value = "disabled"
  }
}"#,
            fixed_example: r#"resource "aws_docdb_cluster_parameter_group" "docs" {
  family = "docdb5.0"
  parameter {
    name  = "tls"
    value = "enabled"
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::DocDB::DBClusterParameterGroup"],
            check: check_cfn,
            example: r#"Resources:
  Params:
    Type: AWS::DocDB::DBClusterParameterGroup
    Properties:
      Family: docdb5.0
      Description: docs
      Parameters:
        tls: disabled
"#,
            fixed_example: r#"Resources:
  Params:
    Type: AWS::DocDB::DBClusterParameterGroup
    Properties:
      Family: docdb5.0
      Description: docs
      Parameters:
        tls: enabled
"#,
        }),
    },
};

static CHECK: ParamCheck = ParamCheck {
    name: "tls",
    secure: |v| v.trim() != "disabled",
    absent: None,
    insecure: "the cluster accepts only plaintext connections",
    fix_value: "enabled",
    fix_title: "Turn TLS on (reboot the instances)",
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_docdb_cluster_parameter_group").collect::<Vec<_>>() {
        parameter_group::check_tf(ctx, res, &CHECK);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::DocDB::DBClusterParameterGroup").collect::<Vec<_>>() {
        parameter_group::check_cfn_map(ctx, res, &CHECK);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_tls_disabled_only() {
        let tf = r#"variable "tls" {}
resource "aws_docdb_cluster_parameter_group" "off" {
  parameter {
    name  = "tls"
    value = "disabled"
  }
}
resource "aws_docdb_cluster_parameter_group" "absent" {
  family = "docdb5.0"
}
resource "aws_docdb_cluster_parameter_group" "strict" {
  parameter {
    name  = "tls"
    value = "tls1.3+"
  }
}
resource "aws_docdb_cluster_parameter_group" "unknown" {
  parameter {
    name  = "tls"
    value = var.tls
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [5]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }

    #[test]
    fn cloudformation_tls() {
        let yaml = "{\"Resources\": {\"P\": {\"Type\": \"AWS::DocDB::DBClusterParameterGroup\", \"Properties\": {\"Parameters\": {\"tls\": \"disabled\"}}}, \"Q\": {\"Type\": \"AWS::DocDB::DBClusterParameterGroup\", \"Properties\": {\"Family\": \"docdb5.0\"}}}}";
        assert_eq!(cfn_lines(&RULE, yaml), [1]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
