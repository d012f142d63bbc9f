use crate::cloudformation::check::CfnContext;
use crate::fix::Fix;
use crate::kit::network::{cfn_sg_rules, egress_rules, ingress_rules, Ingress};
use crate::kit::setting::set_cfn_item_key;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "sg-rule-missing-description",
    title: "Security group rule has no description",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "EC2",
    why: "A rule without a stated reason is a rule nobody can safely remove; reviewers and incident responders need \
          to know which system needs each opening, or stale openings accumulate.",
    aws_side: "AWS stores each rule's description. Documenting why the traffic is allowed is the customer's.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["68eb4bf3-f9bf-463d-b5cf-e029bb446d2e", "5e6c9c68-8a82-408e-8749-ddad78cbb9c5"],
        trivy: &["AVD-AWS-0124", "aws-ec2-add-description-to-security-group-rule"],
    },
    related: Related {
        checkov: &["CKV_AWS_23"],
        kics: &[],
        trivy: &[],
        how: "Checkov's check also requires the group's own description (onus: `sg-missing-description`).",
    },
    matcher: &Custom {
        what: "Flags security group rules without a `description` (or with an empty one): inline `ingress` and \
               `egress` blocks, `aws_security_group_rule`, `aws_vpc_security_group_ingress_rule` / \
               `_egress_rule`, the security-group module's `ingress_with_*` / `egress_with_*` entries, and \
               CloudFormation's `SecurityGroupIngress` / `SecurityGroupEgress` entries and resources.",
        fix: "Say in each rule's `description` which system needs the traffic and why.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &[
                "aws_security_group",
                "aws_default_security_group",
                "aws_security_group_rule",
                "aws_vpc_security_group_ingress_rule",
                "aws_vpc_security_group_egress_rule",
            ],
            check,
            example: r#"resource "aws_security_group_rule" "https" {
  type              = "ingress"
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  cidr_blocks       = ["10.0.0.0/16"]
  security_group_id = aws_security_group.app.id
}"#,
            fixed_example: r#"resource "aws_security_group_rule" "https" {
  type              = "ingress"
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  cidr_blocks       = ["10.0.0.0/16"]
  security_group_id = aws_security_group.app.id
  description = "<why this traffic is allowed>"
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &[
                "AWS::EC2::SecurityGroup",
                "AWS::EC2::SecurityGroupIngress",
                "AWS::EC2::SecurityGroupEgress",
            ],
            check: check_cfn,
            example: r#"Resources:
  Https:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !Ref App
      IpProtocol: tcp
      FromPort: 443
      ToPort: 443
      CidrIp: 10.0.0.0/16
"#,
            fixed_example: r#"Resources:
  Https:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !Ref App
      IpProtocol: tcp
      FromPort: 443
      ToPort: 443
      CidrIp: 10.0.0.0/16
      Description: '<why this traffic is allowed>'
"#,
        }),
    },
};

const PLACEHOLDER: &str = "<why this traffic is allowed>";
const FIX: &str = "Describe the rule (placeholder to replace)";

fn check(ctx: &mut TfContext) {
    let rules: Vec<(&str, Ingress)> = ingress_rules(ctx)
        .into_iter()
        .map(|r| ("ingress", r))
        .chain(egress_rules(ctx).into_iter().map(|r| ("egress", r)))
        .collect();
    for (direction, rule) in rules {
        // The security-group module describes its named rules itself.
        if rule.resource.is_module() && rule.config.range() == rule.resource.block.range {
            continue;
        }
        let described = match ctx.field(rule.config, "description") {
            Some((_, v)) => v.as_str().is_none_or(|s| !s.trim().is_empty()),
            None => false,
        };
        if described {
            continue;
        }
        let range = match ctx.field(rule.config, "description") {
            Some((f, _)) => f.range,
            None => rule.config.header(),
        };
        let is_resource = rule.config.range() == rule.resource.block.range;
        let message = if is_resource {
            format!("`{}` has no description saying why the traffic is allowed", rule.resource.address())
        } else {
            format!(
                "`{}` has an {direction} rule without a description saying why it is allowed",
                rule.resource.address()
            )
        };
        let file = ctx.file(rule.resource);
        let fix = rule.config.block().map(|b| {
            let edit = match ctx.field(rule.config, "description") {
                Some((f, _)) => crate::fix::Edit { range: f.expr.range, text: format!("\"{PLACEHOLDER}\"") },
                None => edit::set_attribute(file, b, "description", &format!("\"{PLACEHOLDER}\"")),
            };
            Fix::unsafe_(FIX, vec![edit])
        });
        ctx.report(rule.resource, range, message).fixes.extend(fix);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    let rules = cfn_sg_rules(ctx, false).into_iter().map(|r| ("ingress", r));
    let rules: Vec<_> = rules.chain(cfn_sg_rules(ctx, true).into_iter().map(|r| ("egress", r))).collect();
    for (direction, rule) in rules {
        let description = rule.node.get("Description").map(|n| ctx.eval(n));
        let described = description.as_ref().is_some_and(|v| v.as_str().is_none_or(|s| !s.trim().is_empty()));
        if described {
            continue;
        }
        let inline = rule.resource.ty == "AWS::EC2::SecurityGroup";
        let message = if inline {
            format!(
                "`{}` has an {direction} rule without a description saying why it is allowed",
                rule.resource.logical_id
            )
        } else {
            format!("`{}` has no description saying why the traffic is allowed", rule.resource.logical_id)
        };
        let range = if inline { rule.node.range } else { ctx.header(rule.resource) };
        let edit = set_cfn_item_key(ctx.template, rule.node, "Description", &json!(PLACEHOLDER));
        ctx.report(rule.resource, range, message).fixes.push(Fix::unsafe_(FIX, vec![edit]));
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_rules_without_description() {
        let tf = r#"resource "aws_security_group" "a" {
  description = "group"
  ingress {
    from_port = 443
    to_port   = 443
    protocol  = "tcp"
  }
  egress {
    description = ""
    protocol    = "-1"
  }
  ingress {
    description = "TLS from VPC"
    protocol    = "tcp"
  }
}
resource "aws_security_group_rule" "b" {
  type     = "ingress"
  protocol = "tcp"
}
resource "aws_vpc_security_group_egress_rule" "c" {
  description = var.why
}
module "sg" {
  source                   = "terraform-aws-modules/security-group/aws"
  ingress_rules            = ["ssh-tcp"]
  ingress_with_cidr_blocks = [{ from_port = 22, to_port = 22, protocol = "tcp", cidr_blocks = "10.0.0.0/8" }]
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 17, 27, 9]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn cloudformation_rules_without_description() {
        let yaml = "Resources:\n  A:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n        - IpProtocol: tcp\n          Description: ssh\n      SecurityGroupEgress:\n        - IpProtocol: tcp\n          Description: ''\n  B:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      IpProtocol: tcp\n  C:\n    Type: AWS::EC2::SecurityGroupEgress\n    Properties:\n      IpProtocol: tcp\n      Description: https out\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6, 14, 12]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 3);
    }
}
