use crate::cloudformation::check::CfnContext;
use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Matcher, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "ecs-service-public-ip",
    title: "ECS service assigns public IP addresses to its tasks",
    severity: Severity::Medium,
    row: Row::NetworkSecurity,
    service: "ECS",
    why: "Tasks with public IPs are directly addressable from the internet; their security group becomes the only \
          protection, and any port a container listens on is one rule away from exposure.",
    aws_side: "AWS attaches the address when asked. Keeping tasks private is the customer's.",
    equivalents: Equivalents { checkov: &["CKV_AWS_333"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags ECS services whose `network_configuration` sets `assign_public_ip = true` (CloudFormation \
               `NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp: ENABLED`).",
        fix: "Set `assign_public_ip = false` (`AssignPublicIp: DISABLED`) and run the tasks in private subnets, \
              reaching AWS services through a NAT gateway or VPC endpoints and clients through a load balancer.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ecs_service"],
            check,
            example: TF_EXAMPLE,
            fixed_example: TF_FIXED,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ECS::Service"],
            check: check_cfn,
            example: CFN_EXAMPLE,
            fixed_example: CFN_FIXED,
        }),
    },
};

const TF_EXAMPLE: &str = r#"resource "aws_ecs_service" "api" {
  name = "api"
  network_configuration {
    subnets          = aws_subnet.public[*].id
    assign_public_ip = true
  }
}"#;
const TF_FIXED: &str = r#"resource "aws_ecs_service" "api" {
  name = "api"
  network_configuration {
    subnets          = aws_subnet.public[*].id
    assign_public_ip = false
  }
}"#;
const CFN_EXAMPLE: &str = r#"Resources:
  Api:
    Type: AWS::ECS::Service
    Properties:
      NetworkConfiguration:
        AwsvpcConfiguration:
          Subnets: [!Ref PublicSubnet]
          AssignPublicIp: ENABLED
"#;
const CFN_FIXED: &str = r#"Resources:
  Api:
    Type: AWS::ECS::Service
    Properties:
      NetworkConfiguration:
        AwsvpcConfiguration:
          Subnets: [!Ref PublicSubnet]
          AssignPublicIp: DISABLED
"#;

const INSECURE: &str = "its tasks are directly addressable from the internet";
const FIX: &str = "Keep the tasks private";

/// The two formats write the setting differently (a boolean, an enumeration): one declaration each.
static TF_SETTING: Setting = Setting {
    terraform: Some(Tf {
        types: &["aws_ecs_service"],
        path: "network_configuration.assign_public_ip",
        example: TF_EXAMPLE,
        fixed: TF_FIXED,
        ..Tf::DEFAULT
    }),
    want: Want::Bool(false),
    insecure: INSECURE,
    fix_title: FIX,
    ..Setting::DEFAULT
};

static CFN_SETTING: Setting = Setting {
    cloudformation: Some(Cfn {
        types: &["AWS::ECS::Service"],
        path: "NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp",
        example: CFN_EXAMPLE,
        fixed: CFN_FIXED,
        ..Cfn::DEFAULT
    }),
    want: Want::NoneOf { insecure: &["ENABLED"], fix: "DISABLED" },
    insecure: INSECURE,
    fix_title: FIX,
    ..Setting::DEFAULT
};

fn check(ctx: &mut TfContext) {
    TF_SETTING.check_terraform(ctx);
}

fn check_cfn(ctx: &mut CfnContext) {
    CFN_SETTING.check_cloudformation(ctx);
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_example, cfn_lines, check_cfn_fixes, check_fixes, lines, tf_example};

    #[test]
    fn flags_public_task_addresses() {
        let (bad, good) = tf_example(&RULE);
        assert_eq!(lines(&RULE, &bad), [5]);
        assert_eq!(check_fixes(&RULE, &bad), 1);
        assert!(lines(&RULE, &good).is_empty());
        let unknown = bad.replace("assign_public_ip = true", "assign_public_ip = var.public");
        assert!(lines(&RULE, &unknown).is_empty());
        let (bad, good) = cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &bad), [8]);
        assert_eq!(check_cfn_fixes(&RULE, &bad), 1);
        assert!(cfn_lines(&RULE, &good).is_empty());
    }
}
