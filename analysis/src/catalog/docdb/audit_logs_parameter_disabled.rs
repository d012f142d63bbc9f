use crate::cloudformation::check::CfnContext;
use crate::kit::parameter_group::{self, ParamCheck};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "docdb-audit-logs-parameter-disabled",
    title: "DocumentDB cluster parameter group leaves audit logging off",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "DocumentDB",
    why: "Exporting the `audit` log type does nothing unless the parameter group turns auditing on: the cluster \
          then runs with no record of logins, failed authorizations or schema changes.",
    aws_side: "AWS records the events the customer selects with `audit_logs`; selecting them is the customer's duty.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_104"],
        kics: &[],
        trivy: &[],
        how: "Checkov's Terraform check accepts only values containing `enabled`, `ddl` or `all`, so it rejects \
              `dml_read` or `dml_write` alone, which do record events.",
    },
    matcher: &Custom {
        what: "Flags `aws_docdb_cluster_parameter_group` without an `audit_logs` parameter (the default is \
               `disabled`) or with `audit_logs` set to `disabled` or `none`; in CloudFormation, \
               `AWS::DocDB::DBClusterParameterGroup` likewise with `Parameters.audit_logs`.",
        fix: "Set the `audit_logs` parameter to `all` (or the event classes you need: `ddl`, `dml_read`, \
              `dml_write`), and export the `audit` log type from the cluster.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_docdb_cluster_parameter_group"],
            check,
            example: r#"resource "aws_docdb_cluster_parameter_group" "docs" {
  family = "docdb5.0"
}"#,
            fixed_example: r#"resource "aws_docdb_cluster_parameter_group" "docs" {
  family = "docdb5.0"
  parameter {
    name  = "audit_logs"
    value = "all"
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
        audit_logs: disabled
"#,
            fixed_example: r#"Resources:
  Params:
    Type: AWS::DocDB::DBClusterParameterGroup
    Properties:
      Family: docdb5.0
      Description: docs
      Parameters:
        audit_logs: all
"#,
        }),
    },
};

static CHECK: ParamCheck = ParamCheck {
    name: "audit_logs",
    secure: |v| !matches!(v.trim(), "disabled" | "none" | ""),
    absent: Some("audit logging is `disabled` by default, so no login or schema change is recorded"),
    insecure: "no login or schema change is recorded",
    fix_value: "all",
    fix_title: "Record every audit event",
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
    fn flags_groups_without_audit_logging() {
        let tf = r#"variable "audit" {}
resource "aws_docdb_cluster_parameter_group" "absent" {
  family = "docdb5.0"
  parameter {
    name  = "tls"
    value = "enabled"
  }
}
resource "aws_docdb_cluster_parameter_group" "disabled" {
  parameter {
    name  = "audit_logs"
    value = "disabled"
  }
}
resource "aws_docdb_cluster_parameter_group" "dml" {
  parameter {
    name  = "audit_logs"
    value = "dml_read,dml_write"
  }
}
resource "aws_docdb_cluster_parameter_group" "unknown" {
  parameter {
    name  = "audit_logs"
    value = var.audit
  }
}
resource "aws_docdb_cluster_parameter_group" "dynamic" {
  dynamic "parameter" {
    for_each = var.params
    content {
      name  = parameter.key
      value = parameter.value
    }
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 12]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_audit_parameter() {
        let yaml = "Resources:\n  A:\n    Type: AWS::DocDB::DBClusterParameterGroup\n    Properties:\n      Family: docdb5.0\n  B:\n    Type: AWS::DocDB::DBClusterParameterGroup\n    Properties:\n      Parameters:\n        audit_logs: none\n  C:\n    Type: AWS::DocDB::DBClusterParameterGroup\n    Properties:\n      Parameters:\n        audit_logs: ddl\n  D:\n    Type: AWS::DocDB::DBClusterParameterGroup\n    Properties:\n      Parameters:\n        tls: enabled\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 10, 16]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 3);
    }
}
