use crate::cloudformation::check::CfnContext;
use crate::policy::Policy;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "iot-policy-allows-all-actions",
    title: "IoT policy allows every action",
    severity: Severity::Medium,
    row: Row::AccessRestriction,
    service: "IoT",
    why: "A device certificate with `*` can publish and subscribe to every topic, update any thing shadow and act \
          as any client id: one stolen device key compromises the fleet's messaging.",
    aws_side: "AWS IoT enforces the policy attached to each certificate; scoping it per device is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["4d32780f-43a4-424a-a06d-943c543576a5"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags IoT policies (`aws_iot_policy`, `AWS::IoT::Policy`) with an `Allow` statement whose actions \
               include `*` or `iot:*`.",
        fix: "Allow the actions each device needs (`iot:Connect`, `iot:Publish`, `iot:Subscribe`, `iot:Receive`) on \
              its own client id and topics.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_iot_policy"],
            check,
            example: r#"resource "aws_iot_policy" "device" {
  name = "device"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "iot:*", Resource = "arn:aws:iot:eu-west-1:123456789012:client/device-1" }]
  })
}"#,
            fixed_example: r#"resource "aws_iot_policy" "device" {
  name = "device"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "iot:Connect", Resource = "arn:aws:iot:eu-west-1:123456789012:client/device-1" }]
  })
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::IoT::Policy"],
            check: check_cfn,
            example: r#"Resources:
  Device:
    Type: AWS::IoT::Policy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: '*'
            Resource: arn:aws:iot:us-east-1:123456789012:client/client
"#,
            fixed_example: r#"Resources:
  Device:
    Type: AWS::IoT::Policy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: iot:Connect
            Resource: arn:aws:iot:us-east-1:123456789012:client/client
"#,
        }),
    },
};

fn all_actions(policy: &Policy) -> bool {
    policy.statements.iter().any(|s| s.allow && s.actions.iter().any(|a| a == "*" || a.eq_ignore_ascii_case("iot:*")))
}

const WHAT: &str = "allows every IoT action: a device with it can act as any client on any topic";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_iot_policy").collect::<Vec<_>>() {
        let Some(attr) = res.block.attr("policy") else { continue };
        if ctx.policy(&attr.expr).is_some_and(|p| all_actions(&p)) {
            ctx.report(res, attr.range, format!("`{}` {WHAT}", res.address()));
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::IoT::Policy").collect::<Vec<_>>() {
        let Some((node, _)) = ctx.prop(res, "PolicyDocument") else { continue };
        if ctx.policy(node).is_some_and(|p| all_actions(&p)) {
            let range = ctx.prop_range(res, "PolicyDocument").unwrap_or(node.range);
            ctx.report(res, range, format!("`{}` {WHAT}", res.logical_id));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_wildcard_actions() {
        let tf = r#"resource "aws_iot_policy" "all" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["*"], Resource = "*" }] })
}
resource "aws_iot_policy" "connect" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["iot:Connect"], Resource = "*" }] })
}
resource "aws_iot_policy" "unknown" {
  policy = var.policy
}
"#;
        assert_eq!(lines(&RULE, tf), [2]);
        let yaml = "Resources:\n  P:\n    Type: AWS::IoT::Policy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - {Effect: Allow, Action: '*', Resource: [arn:aws:iot:us-east-1:1:client/c]}\n          - {Effect: Deny, Action: ['sqs:*'], NotResource: arn}\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
    }
}
