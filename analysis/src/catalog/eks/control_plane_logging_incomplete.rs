use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::NodeKind;
use crate::fix::Fix;
use crate::kit::eks;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "eks-control-plane-logging-incomplete",
    title: "EKS control-plane logs are not all enabled",
    severity: Severity::Medium,
    row: Row::Compliance,
    service: "EKS",
    why: "The control-plane logs are the only record of who called the Kubernetes API, how IAM identities were \
          mapped to Kubernetes users, and what the scheduler and controllers did. Without them an incident in \
          the cluster cannot be investigated, and audits (CIS EKS 2.1.1, PCI DSS 10) fail.",
    aws_side: "AWS runs the control plane and ships its logs to CloudWatch Logs when asked; none are sent by \
               default. Choosing the log types, their retention and who reads them is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_37"],
        kics: &["37304d3f-f852-40b8-ae3f-725e87a7cedf", "66f130d9-b81d-4e8e-9b08-da74b9c891df"],
        trivy: &["AVD-AWS-0038", "aws-eks-enable-control-plane-logging"],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_eks_cluster` resources whose `enabled_cluster_log_types` is absent or misses one of `api`, \
               `audit`, `authenticator`, `controllerManager`, `scheduler`; for `terraform-aws-modules/eks`, the \
               module's default (`audit`, `api`, `authenticator`) or an explicit incomplete list.",
        fix: "Set `enabled_cluster_log_types = [\"api\", \"audit\", \"authenticator\", \"controllerManager\", \
              \"scheduler\"]` and give the `/aws/eks/<cluster>/cluster` log group a retention period.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_eks_cluster"],
            check,
            example: r#"resource "aws_eks_cluster" "main" {
  name                      = "main"
  role_arn                  = aws_iam_role.cluster.arn
  enabled_cluster_log_types = ["api", "audit"]
}"#,
            fixed_example: r#"resource "aws_eks_cluster" "main" {
  name                      = "main"
  role_arn                  = aws_iam_role.cluster.arn
  enabled_cluster_log_types = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &[eks::CFN_CLUSTER],
            check: check_cfn,
            example: r#"Resources:
  Main:
    Type: AWS::EKS::Cluster
    Properties:
      Name: main
      RoleArn: !GetAtt ClusterRole.Arn
      Logging:
        ClusterLogging:
          EnabledTypes:
            - Type: api
            - Type: audit
"#,
            fixed_example: r#"Resources:
  Main:
    Type: AWS::EKS::Cluster
    Properties:
      Name: main
      RoleArn: !GetAtt ClusterRole.Arn
      Logging:
        ClusterLogging:
          EnabledTypes:
            - Type: api
            - Type: audit
            - Type: authenticator
            - Type: controllerManager
            - Type: scheduler
"#,
        }),
    },
};

/// `EnabledTypes` as templates write it: `[{Type: api}, ...]`.
fn cfn_all_types() -> serde_json::Value {
    serde_json::Value::Array(ALL.iter().map(|t| json!({"Type": t})).collect())
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources(eks::CFN_CLUSTER).collect::<Vec<_>>() {
        let id = res.logical_id;
        // The deepest part of `Logging.ClusterLogging.EnabledTypes` that is written, and what to set in it.
        let logging = ctx.prop(res, "Logging");
        let cluster_logging = ctx.prop(res, "Logging.ClusterLogging");
        let types = ctx.prop(res, "Logging.ClusterLogging.EnabledTypes");
        let is_map =
            |n: &crate::cloudformation::tree::Node| (matches!(n.kind, NodeKind::Map(_)) && n.intrinsic().is_none());
        let (edit, range, enabled) = match (logging, cluster_logging, types) {
            (None, _, _) => (
                cfn_edit::set_property(
                    ctx.template,
                    res,
                    "Logging",
                    &json!({"ClusterLogging": {"EnabledTypes": cfn_all_types()}}),
                ),
                ctx.header(res),
                Vec::new(),
            ),
            (Some((l, _)), None, _) if is_map(l) => (
                cfn_edit::set_key(ctx.template, l, "ClusterLogging", &json!({"EnabledTypes": cfn_all_types()})),
                ctx.prop_range(res, "Logging").unwrap_or(l.range),
                Vec::new(),
            ),
            (_, Some((c, _)), None) if is_map(c) => (
                cfn_edit::set_key(ctx.template, c, "EnabledTypes", &cfn_all_types()),
                ctx.prop_range(res, "Logging.ClusterLogging").unwrap_or(c.range),
                Vec::new(),
            ),
            (_, _, Some((t, v))) => {
                let items = v.one_or_many();
                if !v.is_known() || items.iter().any(|i| !i.get("Type").is_known()) {
                    continue;
                }
                let enabled: Vec<String> =
                    items.iter().filter_map(|i| i.get("Type").as_str().map(str::to_string)).collect();
                let range = ctx.prop_range(res, "Logging.ClusterLogging.EnabledTypes").unwrap_or(t.range);
                (cfn_edit::replace_value(ctx.template, t, &cfn_all_types()), range, enabled)
            }
            // Unknown values.
            _ => continue,
        };
        let missing: Vec<&str> = ALL.iter().filter(|t| !enabled.iter().any(|e| e == *t)).copied().collect();
        if missing.is_empty() {
            continue;
        }
        let message = if enabled.is_empty() {
            format!("`{id}` sends no control-plane logs")
        } else {
            format!("`{id}` does not send the control-plane logs {}", missing.join(", "))
        };
        ctx.report(res, range, message).fixes.push(Fix::new("Enable all control-plane logs", vec![edit]));
    }
}

const ALL: [&str; 5] = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
const ALL_HCL: &str = r#"["api", "audit", "authenticator", "controllerManager", "scheduler"]"#;
/// What terraform-aws-modules/eks enables when the input is absent.
const MODULE_DEFAULT: [&str; 3] = ["audit", "api", "authenticator"];

fn check(ctx: &mut TfContext) {
    for res in eks::clusters(ctx) {
        let name = if res.is_module() {
            eks::module_input(res, "cluster_enabled_log_types", "enabled_log_types")
        } else {
            "enabled_cluster_log_types"
        };
        let file = ctx.file(res);
        let fix = Fix::new("Enable all control-plane logs", vec![edit::set_attribute(file, res.block, name, ALL_HCL)]);
        let address = res.address();
        let Some((attr, v)) = ctx.attr(res.block, name) else {
            let message = if res.is_module() {
                let missing: Vec<_> = ALL.iter().filter(|t| !MODULE_DEFAULT.contains(t)).copied().collect();
                format!("`{address}` keeps the module's default log types, without {}", missing.join(", "))
            } else {
                format!("`{address}` sends no control-plane logs (`{name}` is not set)")
            };
            ctx.report_with_fix(res, res.block.header, message, fix);
            continue;
        };
        if matches!(v, crate::value::Value::Null) {
            ctx.report_with_fix(res, attr.range, format!("`{address}` sends no control-plane logs"), fix);
            continue;
        }
        let items = v.one_or_many();
        if !v.is_known() || items.iter().any(|i| !i.is_known()) {
            continue;
        }
        let enabled: Vec<&str> = items.iter().filter_map(|i| i.as_str()).collect();
        let missing: Vec<&str> = ALL.iter().filter(|t| !enabled.contains(t)).copied().collect();
        if missing.is_empty() {
            continue;
        }
        let message = if enabled.is_empty() {
            format!("`{address}` sends no control-plane logs")
        } else {
            format!("`{address}` does not send the control-plane logs {}", missing.join(", "))
        };
        ctx.report_with_fix(res, attr.range, message, fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_missing_log_types() {
        let text = r#"
resource "aws_eks_cluster" "absent" {
  name = var.cluster_name
}
resource "aws_eks_cluster" "partial" {
  enabled_cluster_log_types = ["api", "audit"]
}
resource "aws_eks_cluster" "all" {
  enabled_cluster_log_types = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
}
resource "aws_eks_cluster" "empty" {
  enabled_cluster_log_types = []
}
resource "aws_eks_cluster" "unknown" {
  enabled_cluster_log_types = var.logs
}
resource "aws_cloudwatch_log_group" "logs" {
  name = "/aws/eks/x/cluster"
}
module "eks_default" {
  source  = "terraform-aws-modules/eks/aws"
  version = "~> 20.0"
}
module "eks_all" {
  source            = "terraform-aws-modules/eks/aws"
  enabled_log_types = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
}
"#;
        assert_eq!(lines(&RULE, text), [2, 6, 12, 20]);
        assert_eq!(check_fixes(&RULE, text), 4);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = r#"Resources:
  Absent:
    Type: AWS::EKS::Cluster
    Properties:
      Name: a
  Partial:
    Type: AWS::EKS::Cluster
    Properties:
      Logging:
        ClusterLogging:
          EnabledTypes:
            - Type: api
            - Type: audit
  Empty:
    Type: AWS::EKS::Cluster
    Properties:
      Logging: {ClusterLogging: {}}
  All:
    Type: AWS::EKS::Cluster
    Properties:
      Logging:
        ClusterLogging:
          EnabledTypes: [{Type: api}, {Type: audit}, {Type: authenticator}, {Type: controllerManager}, {Type: scheduler}]
  Unknown:
    Type: AWS::EKS::Cluster
    Properties:
      Logging: !Ref Logging
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [2, 11, 17]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 3);
        let json = r#"{"Resources": {"C": {"Type": "AWS::EKS::Cluster", "Properties": {"Logging": {}}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [1]);
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
