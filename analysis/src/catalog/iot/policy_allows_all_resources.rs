use crate::cloudformation::check::CfnContext;
use crate::policy::Policy;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "iot-policy-allows-all-resources",
    title: "IoT policy applies to every resource",
    severity: Severity::Medium,
    row: Row::AccessRestriction,
    service: "IoT",
    why: "`iot:Connect` or `iot:Publish` on `*` lets one device impersonate any client id or publish to any topic, \
          the command topics of other devices included.",
    aws_side: "AWS IoT enforces the policy attached to each certificate; scoping it per device is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["be5b230d-4371-4a28-a441-85dc760e2aa3"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags IoT policies (`aws_iot_policy`, `AWS::IoT::Policy`) with an `Allow` statement whose `Resource` \
               is `*` (ARN patterns such as `arn:aws:iot:*:*:topic/*` are not judged).",
        fix: "Scope each statement to the device's own client id and topics, with policy variables such as \
              `${iot:Connection.Thing.ThingName}`.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_iot_policy"],
            check,
            example: r#"resource "aws_iot_policy" "device" {
  name = "device"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "iot:Connect", Resource = "*" }]
  })
}"#,
            fixed_example: r#"resource "aws_iot_policy" "device" {
  name = "device"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "iot:Connect", Resource = "arn:aws:iot:eu-west-1:123456789012:client/$${iot:Connection.Thing.ThingName}" }]
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
            Action: iot:Connect
            Resource: '*'
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

fn every_resource(policy: &Policy) -> bool {
    policy.statements.iter().any(|s| s.allow && s.resources.iter().any(|r| r == "*"))
}

const WHAT: &str = "allows its actions on every resource: a device with it can use any client id and topic";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_iot_policy").collect::<Vec<_>>() {
        let Some(attr) = res.block.attr("policy") else { continue };
        if ctx.policy(&attr.expr).is_some_and(|p| every_resource(&p)) {
            ctx.report(res, attr.range, format!("`{}` {WHAT}", res.address()));
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::IoT::Policy").collect::<Vec<_>>() {
        let Some((node, _)) = ctx.prop(res, "PolicyDocument") else { continue };
        if ctx.policy(node).is_some_and(|p| every_resource(&p)) {
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
    fn flags_star_resources() {
        let tf = r#"resource "aws_iot_policy" "star" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["iot:Connect"], Resource = ["*"] }] })
}
resource "aws_iot_policy" "pattern" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["iot:Publish"], Resource = "arn:aws:iot:*:*:topic/*" }] })
}
resource "aws_iot_policy" "deny" {
  policy = jsonencode({ Statement = [{ Effect = "Deny", Action = ["iot:Publish"], Resource = "*" }] })
}
resource "aws_iot_policy" "unknown" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["iot:Publish"], Resource = var.topics }] })
}
"#;
        assert_eq!(lines(&RULE, tf), [2]);
        let (example, fixed) = crate::kit::testing::cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &example), [5]);
        assert!(cfn_lines(&RULE, &fixed).is_empty());
    }
}
