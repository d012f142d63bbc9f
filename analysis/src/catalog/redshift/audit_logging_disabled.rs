use crate::cloudformation::check::CfnContext;
use crate::fix::{Edit, Fix};
use crate::kit::redshift::CLUSTER;
use crate::kit::setting::set_cfn_path;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "redshift-audit-logging-disabled",
    title: "Redshift cluster does not keep audit logs",
    severity: Severity::Medium,
    row: Row::Compliance,
    service: "Redshift",
    why: "Redshift's connection, user and user-activity logs are the only record of who logged in to the warehouse \
          and which queries they ran. Without them, a leaked credential exporting tables with `UNLOAD` leaves no \
          trace, and most audit frameworks (PCI DSS 10, Security Hub Redshift.4) fail.",
    aws_side: "AWS writes the logs to S3 or CloudWatch when the customer turns audit logging on; turning it on, and \
               the `enable_user_activity_logging` parameter for query text, is the customer's duty.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["15ffbacc-fa42-4f6f-a57d-2feac7365caa", "3de2d4ff-fe53-4fc9-95d3-2f8a69bf90d6"],
        trivy: &[],
    },
    related: Related {
        checkov: &["CKV_AWS_71"],
        kics: &[],
        trivy: &[],
        how: "Checkov reads only the cluster's `logging` block (in CloudFormation, a `BucketName`), so it flags \
              clusters logged by an `aws_redshift_logging` resource or to CloudWatch.",
    },
    matcher: &Custom {
        what: "Flags `aws_redshift_cluster` without a `logging` block with `enable = true` and without an \
               `aws_redshift_logging` resource naming it; in CloudFormation, `AWS::Redshift::Cluster` without \
               `LoggingProperties` that name a `BucketName` or the CloudWatch destination.",
        fix: "Add an `aws_redshift_logging` resource (provider 5 and later) sending the connection, user and \
              user-activity logs to CloudWatch or S3; in CloudFormation, `LoggingProperties`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &[CLUSTER],
            check,
            example: r#"resource "aws_redshift_cluster" "dw" {
  cluster_identifier = "dw"
  node_type          = "ra3.xlplus"
}"#,
            fixed_example: r#"resource "aws_redshift_cluster" "dw" {
  cluster_identifier = "dw"
  node_type          = "ra3.xlplus"
}

resource "aws_redshift_logging" "dw" {
  cluster_identifier   = aws_redshift_cluster.dw.id
  log_destination_type = "cloudwatch"
  log_exports          = ["connectionlog", "userlog", "useractivitylog"]
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Redshift::Cluster"],
            check: check_cfn,
            example: r#"Resources:
  Warehouse:
    Type: AWS::Redshift::Cluster
    Properties:
      NodeType: ra3.xlplus
      ClusterType: single-node
"#,
            fixed_example: r#"Resources:
  Warehouse:
    Type: AWS::Redshift::Cluster
    Properties:
      NodeType: ra3.xlplus
      ClusterType: single-node
      LoggingProperties:
        LogDestinationType: cloudwatch
        LogExports:
        - connectionlog
        - userlog
        - useractivitylog
"#,
        }),
    },
};

const EXPORTS: &str = "[\"connectionlog\", \"userlog\", \"useractivitylog\"]";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources(CLUSTER).collect::<Vec<_>>() {
        if !ctx.companions(res, "aws_redshift_logging", "cluster_identifier", &["cluster_identifier"]).is_empty() {
            continue;
        }
        let address = res.address();
        let file = ctx.file(res);
        let logging = ctx.nested(res.config(), "logging");
        let Some(block) = logging.first() else {
            let companion = format!(
                "resource \"aws_redshift_logging\" \"{name}\" {{\n  cluster_identifier   = {address}.id\n  log_destination_type = \"cloudwatch\"\n  log_exports          = {EXPORTS}\n}}",
                name = res.name()
            );
            let fix = Fix::unsafe_(
                "Send the audit logs to CloudWatch",
                vec![edit::insert_after(file, res.block, &companion)],
            );
            let message = format!("`{address}` keeps no audit logs: no `logging` block and no `aws_redshift_logging`");
            ctx.report_with_fix(res, res.block.header, message, fix);
            continue;
        };
        match ctx.field(*block, "enable") {
            Some((_, v)) if v.as_bool() != Some(false) => {}
            found => {
                let found = found.map(|(f, _)| f);
                let message = format!("`{address}` turns audit logging off (`logging.enable` is not `true`)");
                let range = found.map_or(block.header(), |f| f.range);
                // Turn it on, sending to CloudWatch when no bucket is named.
                let fix = block.block().map(|b| {
                    let mut edits = vec![match found {
                        Some(f) => Edit { range: f.expr.range, text: "true".into() },
                        None => edit::insert_in_block(file, b, "enable = true"),
                    }];
                    if b.attr("bucket_name").is_none() && b.attr("log_destination_type").is_none() {
                        let more = format!("log_destination_type = \"cloudwatch\"\nlog_exports = {EXPORTS}");
                        edits.push(edit::insert_in_block(file, b, &more));
                    }
                    Fix::unsafe_("Turn audit logging on", edits)
                });
                ctx.report(res, range, message).fixes.extend(fix);
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::Redshift::Cluster").collect::<Vec<_>>() {
        let id = res.logical_id;
        let logged = match ctx.prop(res, "LoggingProperties") {
            None | Some((_, Value::Null)) => false,
            Some((_, Value::Map(m))) => {
                let bucket = m.get("BucketName").is_some_and(|b| *b != Value::Null);
                let destination = m.get("LogDestinationType").map(|d| d.as_str().map(str::to_ascii_lowercase));
                bucket
                    || match destination {
                        Some(Some(d)) => d == "cloudwatch" || d == "s3",
                        Some(None) => true,
                        None => false,
                    }
            }
            Some(_) => true,
        };
        if logged {
            continue;
        }
        let value = json!({
            "LogDestinationType": "cloudwatch",
            "LogExports": ["connectionlog", "userlog", "useractivitylog"],
        });
        let edit = set_cfn_path(ctx.template, res, "LoggingProperties", &value);
        let range = ctx.prop_range(res, "LoggingProperties").unwrap_or_else(|| ctx.header(res));
        let message =
            format!("`{id}` keeps no audit logs: its `LoggingProperties` name no bucket and no CloudWatch destination");
        ctx.report(res, range, message).fixes.push(Fix::new("Send the audit logs to CloudWatch", vec![edit]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_clusters_without_audit_logs() {
        // KICS: `logging { enable = false }` and no logging block fail; enabled with a bucket passes.
        let tf = r#"variable "on" {}
resource "aws_redshift_cluster" "off" {
  logging {
    enable = false
  }
}
resource "aws_redshift_cluster" "none" {
  cluster_identifier = "none"
}
resource "aws_redshift_cluster" "bucket" {
  logging {
    enable      = true
    bucket_name = "logs"
  }
}
resource "aws_redshift_cluster" "companion" {
  cluster_identifier = "companion"
}
resource "aws_redshift_logging" "companion" {
  cluster_identifier   = aws_redshift_cluster.companion.id
  log_destination_type = "cloudwatch"
  log_exports          = ["connectionlog"]
}
resource "aws_redshift_cluster" "by_name" {
  cluster_identifier = "by-name"
}
resource "aws_redshift_logging" "by_name" {
  cluster_identifier = "by-name"
  bucket_name        = "logs"
}
resource "aws_redshift_cluster" "unknown" {
  logging {
    enable = var.on
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [4, 7]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_logging_properties() {
        let yaml = "Resources:\n  A:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      NodeType: dc2.large\n  B:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      LoggingProperties:\n        BucketName: logs\n  C:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      LoggingProperties:\n        LogDestinationType: cloudwatch\n        LogExports: [userlog]\n  D:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      LoggingProperties: {}\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 20]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
