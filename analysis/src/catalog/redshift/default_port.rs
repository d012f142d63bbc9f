use crate::cloudformation::check::CfnContext;
use crate::kit::redshift::CLUSTER;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "redshift-default-port",
    title: "Redshift cluster listens on the default port 5439",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "Redshift",
    why: "Port 5439 identifies a Redshift endpoint to every scanner; moving it off the default takes the cluster out \
          of opportunistic sweeps and credential-stuffing bots that only try well-known ports.",
    aws_side: "AWS opens the port the customer chooses; network exposure and port choice are the customer's.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["41abc6cc-dde1-4217-83d3-fb5f0cc09d8f", "a478af30-8c3a-404d-aa64-0b673cee509a"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_redshift_cluster` whose `port` is 5439 or not set (the default is 5439); in \
               CloudFormation, `AWS::Redshift::Cluster` likewise with `Port`.",
        fix: "Set `port` to another port (1150 to 65535), and update the clients and security group rules that use \
              it.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &[CLUSTER],
            check,
            example: r#"resource "aws_redshift_cluster" "dw" {
  cluster_identifier = "dw"
  port               = 5439
}"#,
            fixed_example: r#"resource "aws_redshift_cluster" "dw" {
  cluster_identifier = "dw"
  port               = 5440
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
"#,
            fixed_example: r#"Resources:
  Warehouse:
    Type: AWS::Redshift::Cluster
    Properties:
      NodeType: ra3.xlplus
      Port: 5440
"#,
        }),
    },
};

const DEFAULT: f64 = 5439.0;
const WHY: &str = "the default port, which scanners probe first";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources(CLUSTER).collect::<Vec<_>>() {
        let address = res.address();
        match ctx.attr(res.block, "port") {
            None => ctx.report(
                res,
                res.block.header,
                format!("`{address}` does not set `port`, so it listens on 5439, {WHY}"),
            ),
            Some((attr, v)) if v.as_f64() == Some(DEFAULT) => {
                ctx.report(res, attr.range, format!("`{address}` listens on 5439, {WHY}"))
            }
            Some(_) => continue,
        };
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::Redshift::Cluster").collect::<Vec<_>>() {
        let id = res.logical_id;
        match ctx.prop(res, "Port") {
            None | Some((_, Value::Null)) => {
                let range = ctx.header(res);
                ctx.report(res, range, format!("`{id}` does not set `Port`, so it listens on 5439, {WHY}"));
            }
            Some((node, v)) if v.as_f64() == Some(DEFAULT) => {
                let range = ctx.prop_range(res, "Port").unwrap_or(node.range);
                ctx.report(res, range, format!("`{id}` listens on 5439, {WHY}"));
            }
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_the_default_port() {
        // KICS: absent and 5439 fail, 1150 passes.
        let tf = r#"variable "port" {}
resource "aws_redshift_cluster" "absent" {
  node_type = "dc2.large"
}
resource "aws_redshift_cluster" "default" {
  port = 5439
}
resource "aws_redshift_cluster" "moved" {
  port = 1150
}
resource "aws_redshift_cluster" "unknown" {
  port = var.port
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 6]);
    }

    #[test]
    fn cloudformation_default_port() {
        let yaml = "Resources:\n  A:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      NodeType: ds2.xlarge\n  B:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      Port: 5439\n  C:\n    Type: AWS::Redshift::Cluster\n    Properties:\n      Port: '1150'\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 9]);
    }
}
