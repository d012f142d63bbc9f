use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "lambda-not-in-vpc",
    title: "Lambda function is not attached to a VPC",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "Lambda",
    why: "Outside a VPC a function can reach any internet host, so exfiltration from compromised code cannot be \
          limited by security groups, network ACLs or egress filtering. Many functions need no VPC: suppress the \
          finding there.",
    aws_side: "AWS isolates functions from each other; network placement and egress control are the customer's.",
    equivalents: Equivalents { checkov: &["CKV_AWS_117"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_lambda_function` without `vpc_config` (or with empty `subnet_ids`); in CloudFormation, \
               `AWS::Lambda::Function` without `VpcConfig.SubnetIds`.",
        fix: "Attach the function to private subnets (`vpc_config { subnet_ids, security_group_ids }`) whose egress \
              you control; its role then needs `AWSLambdaVPCAccessExecutionRole`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_lambda_function"],
            check,
            example: r#"resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.worker.arn
}"#,
            fixed_example: r#"resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.worker.arn

  vpc_config {
    subnet_ids         = var.private_subnet_ids
    security_group_ids = [aws_security_group.worker.id]
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Lambda::Function"],
            check: check_cfn,
            example: r#"Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
"#,
            fixed_example: r#"Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      VpcConfig:
        SubnetIds: !Ref PrivateSubnets
        SecurityGroupIds: [!Ref WorkerGroup]
"#,
        }),
    },
};

const FIX: &str = "Attach the function to private subnets (placeholders to replace)";

fn empty(v: &Value) -> bool {
    v.as_list().is_some_and(|l| l.is_empty())
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_lambda_function").collect::<Vec<_>>() {
        let configs = ctx.nested(res.config(), "vpc_config");
        if configs.is_empty() {
            if res.block.attr("vpc_config").is_none() {
                let text = "vpc_config {\n  subnet_ids         = [\"<private-subnet-id>\"]\n  security_group_ids = [\"<security-group-id>\"]\n}";
                let fix = Fix::unsafe_(FIX, vec![edit::insert_in_block(ctx.file(res), res.block, text)]);
                let message =
                    format!("`{}` is not attached to a VPC, so its egress cannot be controlled", res.address());
                ctx.report_with_fix(res, res.block.header, message, fix);
            }
            continue;
        }
        for config in configs {
            if let Some((field, v)) = ctx.field(config, "subnet_ids") {
                if empty(&v) {
                    let message = format!(
                        "`{}` sets empty `vpc_config.subnet_ids`, so it is not attached to a VPC",
                        res.address()
                    );
                    ctx.report(res, field.range, message);
                }
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::Lambda::Function").collect::<Vec<_>>() {
        match ctx.prop(res, "VpcConfig.SubnetIds") {
            Some((node, v)) if empty(&v) => {
                let range = ctx.prop_range(res, "VpcConfig.SubnetIds").unwrap_or(node.range);
                ctx.report(
                    res,
                    range,
                    format!("`{}` sets empty `VpcConfig.SubnetIds`, so it is not attached to a VPC", res.logical_id),
                );
            }
            Some((_, v)) if v != Value::Null => {}
            _ => {
                if ctx.prop(res, "VpcConfig").is_some_and(|(n, _)| n.intrinsic().is_some()) {
                    continue;
                }
                let range = ctx.header(res);
                let value = json!({"SubnetIds": ["<private-subnet-id>"], "SecurityGroupIds": ["<security-group-id>"]});
                let fix = Fix::unsafe_(FIX, vec![cfn_edit::set_property(ctx.template, res, "VpcConfig", &value)]);
                let message =
                    format!("`{}` is not attached to a VPC, so its egress cannot be controlled", res.logical_id);
                ctx.report(res, range, message).fixes.push(fix);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn functions_outside_vpcs() {
        let tf = "resource \"aws_lambda_function\" \"a\" {\n}\nresource \"aws_lambda_function\" \"b\" {\n  vpc_config {\n    subnet_ids = []\n  }\n}\nresource \"aws_lambda_function\" \"c\" {\n  vpc_config {\n    subnet_ids = var.subnets\n  }\n}\n";
        assert_eq!(lines(&RULE, tf), [1, 5]);
        assert_eq!(crate::kit::testing::check_fixes(&RULE, tf), 1);
        let yaml = "Resources:\n  A:\n    Type: AWS::Lambda::Function\n  B:\n    Type: AWS::Lambda::Function\n    Properties:\n      VpcConfig:\n        SubnetIds: [a]\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
    }
}
