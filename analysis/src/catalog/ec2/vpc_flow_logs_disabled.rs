use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{is_registry_module, Resource, TfContext};
use crate::terraform::edit;
use crate::terraform::model::{Expr, ExprKind, Step};

pub static RULE: Rule = Rule {
    id: "vpc-flow-logs-disabled",
    title: "VPC has no flow logs",
    severity: Severity::Medium,
    row: Row::Compliance,
    service: "VPC",
    why: "Flow logs are the record of who talked to what inside the network. Without them there is no way to \
          investigate an intrusion, see data leaving, or prove to an auditor (PCI DSS, SOC 2, CIS 3.9) that \
          network traffic is monitored; they cannot be produced after the fact.",
    aws_side: "AWS can capture IP traffic metadata for every interface of a VPC and deliver it to CloudWatch \
               Logs, S3 or Firehose, but captures nothing until the customer creates a flow log. Turning it on, \
               retaining and reviewing the logs is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV2_AWS_11"],
        kics: &["f6d299d2-21eb-41cc-b1e1-fe12d857500b"],
        trivy: &["AVD-AWS-0178", "aws-ec2-require-vpc-flow-logs-for-all-vpcs"],
    },
    related: Related {
        checkov: &[],
        kics: &["f83121ea-03da-434f-9277-9cd247ab3047"],
        trivy: &[],
        how: "KICS's VPC FlowLogs Disabled (f83121ea) fails every `aws_flow_log` without `vpc_id`, one attached to a \
              subnet, interface or transit gateway included, which this rule passes.",
    },
    matcher: &Custom {
        what: "Flags `aws_vpc` and `aws_default_vpc` resources that no `aws_flow_log` of the configuration attaches \
               to, `aws_flow_log` resources attached to nothing (no VPC, subnet, interface or transit gateway), and \
               VPC registry module calls without `enable_flow_log = true` (the module's default is off).",
        fix: "Add an `aws_flow_log` with `vpc_id` set to the VPC (traffic_type `ALL`, delivered to CloudWatch Logs \
              or S3), or set `enable_flow_log = true` on the VPC module.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_vpc", "aws_default_vpc", "aws_flow_log"],
            check,
            example: r#"resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}"#,
            fixed_example: r#"resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_flow_log" "main" {
  vpc_id          = aws_vpc.main.id
  traffic_type    = "ALL"
  log_destination = aws_s3_bucket.flow_logs.arn
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::VPC", "AWS::EC2::FlowLog"],
            check: check_cfn,
            example: r#"Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
"#,
            fixed_example: r#"Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  VpcFlowLog:
    Type: AWS::EC2::FlowLog
    Properties:
      ResourceId: !Ref Vpc
      ResourceType: VPC
      TrafficType: ALL
      LogDestinationType: s3
      LogDestination: arn:aws:s3:::my-flow-logs
"#,
        }),
    },
};

const ATTACHMENTS: [&str; 5] = ["vpc_id", "subnet_id", "eni_id", "transit_gateway_id", "transit_gateway_attachment_id"];

/// Whether `expr` refers to `vpc`, directly or through a `local`.
fn refers_to_vpc(ctx: &TfContext, expr: &Expr, vpc: Resource, depth: usize) -> bool {
    if ctx.refers_to(expr, vpc, &[]) {
        return true;
    }
    match &expr.kind {
        ExprKind::Traversal(root, steps) if root == "local" && depth < 8 => match steps.first() {
            Some(Step::Attr(name)) => {
                ctx.module.scope.local_expr(name).is_some_and(|e| refers_to_vpc(ctx, e, vpc, depth + 1))
            }
            _ => false,
        },
        _ => false,
    }
}

/// VPCs that no `AWS::EC2::FlowLog` of the template attaches to (`ResourceId: !Ref Vpc`). A `ResourceId`
/// written as the VPC's bare logical id (a reference without its `Ref`: the stack would fail) is read as the
/// intended attachment, not as a missing flow log.
fn check_cfn(ctx: &mut CfnContext) {
    let logs: Vec<_> = ctx.resources("AWS::EC2::FlowLog").collect();
    for vpc in ctx.resources("AWS::EC2::VPC").collect::<Vec<_>>() {
        let covered = logs.iter().any(|log| {
            let ids = log.properties.and_then(|p| p.get("ResourceId").or_else(|| p.get("ResourceIds")));
            let attaches =
                |n: &crate::cloudformation::tree::Node| ctx.refers_to(n, vpc) || n.as_str() == Some(vpc.logical_id);
            ids.is_some_and(|n| attaches(n) || n.items().iter().any(attaches))
        });
        if covered {
            continue;
        }
        let fix = ctx.template.root.get("Resources").map(|resources| {
            let log = serde_json::json!({
                "Type": "AWS::EC2::FlowLog",
                "Properties": {
                    "ResourceId": {"Ref": vpc.logical_id},
                    "ResourceType": "VPC",
                    "TrafficType": "ALL",
                    "LogDestinationType": "s3",
                    "LogDestination": "arn:aws:s3:::TODO-your-flow-log-bucket",
                }
            });
            let edit = cfn_edit::set_key(ctx.template, resources, &format!("{}FlowLog", vpc.logical_id), &log);
            Fix::unsafe_("Add a flow log for this VPC (choose its destination)", vec![edit])
        });
        let range = ctx.header(vpc);
        let message = format!("`{}` has no flow log", vpc.logical_id);
        ctx.report(vpc, range, message).fixes.extend(fix);
    }
}

fn check(ctx: &mut TfContext) {
    let flow_logs: Vec<Resource> = ctx.all_resources("aws_flow_log").collect();
    let vpcs: Vec<Resource> = ctx.resources("aws_vpc").chain(ctx.resources("aws_default_vpc")).collect();
    for vpc in vpcs {
        let covered =
            flow_logs.iter().any(|f| f.block.attr("vpc_id").is_some_and(|a| refers_to_vpc(ctx, &a.expr, vpc, 0)));
        if covered {
            continue;
        }
        let file = ctx.file(vpc);
        let companion = format!(
            "resource \"aws_flow_log\" \"{name}\" {{\n  vpc_id          = {ty}.{name}.id\n  traffic_type    = \"ALL\"\n  log_destination = aws_s3_bucket.flow_logs.arn # TODO: your log bucket or log group\n}}",
            name = vpc.name(),
            ty = vpc.ty(),
        );
        let fix = Fix::unsafe_("Add a flow log for this VPC", vec![edit::insert_after(file, vpc.block, &companion)]);
        let message = format!("`{}` has no flow log", vpc.address());
        ctx.report_with_fix(vpc, vpc.block.header, message, fix);
    }
    for log in ctx.resources("aws_flow_log") {
        if ATTACHMENTS.iter().any(|a| log.block.attr(a).is_some()) {
            continue;
        }
        let message = format!("`{}` is attached to no VPC, subnet, interface or transit gateway", log.address());
        ctx.report(log, log.block.header, message);
    }
    let modules: Vec<Resource> = ctx.blocks("module").filter(|r| is_registry_module(r.block, "vpc")).collect();
    for res in modules {
        let file = ctx.file(res);
        let fix = Fix::unsafe_(
            "Turn the module's flow log on (choose its destination)",
            vec![edit::set_attribute(file, res.block, "enable_flow_log", "true")],
        );
        match ctx.attr(res.block, "enable_flow_log") {
            None => {
                let message = format!("`{}` does not set `enable_flow_log`, so the VPC has no flow log", res.address());
                ctx.report_with_fix(res, res.block.header, message, fix);
            }
            Some((attr, v)) if v.as_bool() == Some(false) => {
                ctx.report_with_fix(res, attr.range, format!("`{}` turns the VPC flow log off", res.address()), fix);
            }
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_uncovered_vpcs_dangling_logs_and_modules() {
        let text = r#"resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_flow_log" "other" {
  traffic_type = "ALL"
  vpc_id       = aws_vpc.missing.id
}
resource "aws_flow_log" "dangling" {
  traffic_type = "ALL"
}
module "vpc" {
  source          = "terraform-aws-modules/vpc/aws"
  enable_flow_log = false
}
module "vpc2" {
  source = "terraform-aws-modules/vpc/aws"
}
"#;
        assert_eq!(lines(&RULE, text), vec![1, 8, 13, 15]);
        assert_eq!(check_fixes(&RULE, text), 3);
    }

    #[test]
    fn covered_vpcs_are_fine() {
        let text = r#"locals {
  vpc = aws_vpc.b.id
}
resource "aws_vpc" "a" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_vpc" "b" {
  cidr_block = "10.1.0.0/16"
}
resource "aws_flow_log" "a" {
  vpc_id       = aws_vpc.a.id
  traffic_type = "ALL"
}
resource "aws_flow_log" "b" {
  vpc_id       = local.vpc
  traffic_type = "ALL"
}
resource "aws_flow_log" "s" {
  subnet_id = var.subnet
}
module "vpc" {
  source          = "terraform-aws-modules/vpc/aws"
  enable_flow_log = true
}
"#;
        assert!(lines(&RULE, text).is_empty());
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n  B:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.1.0.0/16}\n  C:\n    Type: AWS::EC2::VPC\n  LogC:\n    Type: AWS::EC2::FlowLog\n    Properties: {ResourceIds: [C]}\n  Log:\n    Type: AWS::EC2::FlowLog\n    Properties:\n      ResourceId: !Ref B\n      ResourceType: VPC\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
        let json = "{\n  \"Resources\": {\n    \"A\": {\n      \"Type\": \"AWS::EC2::VPC\"\n    }\n  }\n}\n";
        assert_eq!(cfn_lines(&RULE, json), [3]);
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
