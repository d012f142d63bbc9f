use crate::cloudformation::check::CfnContext;
use crate::kit::network::{cfn_narrow_world_fix, cfn_sg_rules};
use crate::kit::network::{field_strings, ingress_rules, is_world_cidr, narrow_world_field_fix, narrow_world_fix};
use crate::kit::network::{Ingress, Protocol};
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{is_registry_module, Resource, TfContext};

pub static RULE: Rule = Rule {
    id: "sg-ingress-open-to-world",
    title: "Security group accepts traffic from the whole internet",
    severity: Severity::Medium,
    row: Row::NetworkSecurity,
    service: "EC2",
    why: "Every port reachable from the internet is scanned within minutes. A database, cache, admin console or \
          internal API that answers on such a port is one weak password or unpatched bug away from a breach, \
          and security groups are the only thing standing in front of it.",
    aws_side: "AWS filters traffic exactly as the security group says and protects its own network fabric. \
               Which sources may reach which ports of your resources is the customer's decision.",
    equivalents: Equivalents { checkov: &[], kics: &[], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_277"],
        kics: &[
            "4728cd65-a20c-49da-8b31-9c08b423e4db",
            "590d878b-abdc-428f-895a-e2b68a0e1998",
            "829ce3b8-065c-41a3-ad57-e0accfea82d2",
            "adcd0082-e90b-4b63-862b-21899f6e6a48",
            "e415f8d3-fc2b-4f52-88ab-1129e8c8d3f5",
        ],
        trivy: &["AVD-AWS-0107", "aws-ec2-no-public-ingress-sgr"],
        how: "Checkov's CKV_AWS_277 flags only rules open to all protocols and ports, and Trivy's AVD-AWS-0107 only \
              SSH, RDP or all-protocol rules; this rule flags world ingress to any port but TCP 80 and 443 (TCP 3306 \
              open to the world passes both). KICS's Terraform Unrestricted Security Group Ingress (4728cd65) fails \
              world ingress on every port, TCP 80 and 443 included, which this rule passes. KICS's Unknown Port \
              Exposed To Internet (590d878b, 829ce3b8) fails world ingress only on ports missing from its own list \
              of known ports (TCP 3306 or 22 open to the world passes it), only in a group's inline rules, and in \
              Terraform only IPv4 sources and the rule's `from_port`. Its CloudFormation Security Groups With Meta IP \
              (adcd0082) fails a resource whose `SecurityGroupIngress` has an entry from `0.0.0.0/0`, one with \
              `FromPort: 0` and one with `ToPort: 65535`, not necessarily the same entry, whatever the protocol; \
              not `::/0` nor ingress resources. Its Fully Open Ingress (e415f8d3) fails only ingress resources from \
              `0.0.0.0/0` with `ToPort: 0` (whatever their `FromPort`) on a group of a template that also declares an \
              ECS cluster and service.",
    },
    matcher: &Custom {
        what: "Flags security group ingress rules whose source is `0.0.0.0/0` or `::/0`, on any port except public \
               web traffic (TCP 80 and 443 only), and security-group module calls whose shared \
               `ingress_cidr_blocks` / `ingress_ipv6_cidr_blocks` are the whole internet.",
        fix: "Restrict the source to the ranges that need access (VPC CIDR, VPN, partner ranges, another security \
              group), or put the service behind a load balancer or PrivateLink.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &[
                "aws_security_group",
                "aws_default_security_group",
                "aws_security_group_rule",
                "aws_vpc_security_group_ingress_rule",
            ],
            check,
            example: r#"resource "aws_security_group_rule" "mysql" {
  type              = "ingress"
  from_port         = 3306
  to_port           = 3306
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.db.id
}"#,
            fixed_example: r#"resource "aws_security_group_rule" "mysql" {
  type              = "ingress"
  from_port         = 3306
  to_port           = 3306
  protocol          = "tcp"
  cidr_blocks       = ["10.0.0.0/16"]
  security_group_id = aws_security_group.db.id
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"],
            check: check_cfn,
            example: r#"Resources:
  Web:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 3306
          ToPort: 3306
          CidrIp: 0.0.0.0/0
"#,
            fixed_example: r#"Resources:
  Web:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 3306
          ToPort: 3306
          CidrIp: 10.0.0.0/16
"#,
        }),
    },
};

/// Public web traffic: TCP, and every port of the range is 80 or 443.
fn web_only(ingress: &Ingress) -> bool {
    ingress.protocol == Some(Protocol::Tcp)
        && matches!((ingress.from_port, ingress.to_port),
            (Some(f), Some(t)) if (f == 80.0 && t == 80.0) || (f == 443.0 && t == 443.0))
}

fn check_cfn(ctx: &mut CfnContext) {
    for rule in cfn_sg_rules(ctx, false) {
        if rule.web_only() {
            continue;
        }
        let Some((cidr, _, range)) = rule.world() else { continue };
        let message = format!("`{}` accepts traffic from {cidr}", rule.resource.logical_id);
        let fix = cfn_narrow_world_fix(ctx, &rule);
        ctx.report(rule.resource, range, message).fixes.extend(fix);
    }
}

fn check(ctx: &mut TfContext) {
    let rules = ingress_rules(ctx);
    for ingress in &rules {
        // Module rules without their own ranges use the shared inputs, reported once below.
        if ingress.resource.is_module() && ingress.cidr_field.is_none() {
            continue;
        }
        if web_only(ingress) {
            continue;
        }
        let Some((cidr, range)) = ingress.world_source() else { continue };
        let message = format!("`{}` accepts traffic from {cidr}", ingress.resource.address());
        let fix = narrow_world_fix(ctx, ingress);
        ctx.report(ingress.resource, range, message).fixes.extend(fix);
    }
    let modules: Vec<Resource> =
        ctx.blocks("module").filter(|r| is_registry_module(r.block, "security-group")).collect();
    for res in modules {
        // The shared ranges apply to every named rule; when all of them are web ports the exposure is intended.
        let shared: Vec<&Ingress> =
            rules.iter().filter(|i| i.resource.block.range == res.block.range && i.cidr_field.is_none()).collect();
        if !shared.is_empty() && shared.iter().all(|i| web_only(i)) {
            continue;
        }
        for input in ["ingress_cidr_blocks", "ingress_ipv6_cidr_blocks"] {
            let Some(field) = res.config().attr(input) else { continue };
            let Some(cidr) = field_strings(ctx, Some(field)).into_iter().find(|c| is_world_cidr(c)) else { continue };
            let message = format!("`{}` opens its ingress rules to {cidr} (`{input}`)", res.address());
            let fix = narrow_world_field_fix(ctx, res, field);
            ctx.report(res, field.range, message).fixes.extend(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_world_sources_and_module_inputs() {
        let text = r#"resource "aws_security_group" "a" {
  ingress {
    from_port   = 3306
    to_port     = 3306
    protocol    = "tcp"
    cidr_blocks = ["1.0.0.0/0"]
  }
  ingress {
    from_port        = 3306
    to_port          = 3306
    protocol         = "tcp"
    ipv6_cidr_blocks = ["::/0"]
  }
}
module "sg" {
  source              = "terraform-aws-modules/security-group/aws"
  ingress_cidr_blocks = ["10.10.0.0/16", "0.0.0.0/0"]
}
resource "aws_vpc_security_group_ingress_rule" "r" {
  ip_protocol = "-1"
  cidr_ipv4   = "0.0.0.0/0"
}
"#;
        assert_eq!(lines(&RULE, text), vec![12, 21, 17]);
        assert_eq!(check_fixes(&RULE, text), 3);
    }

    #[test]
    fn ignores_web_ports_private_ranges_and_unknowns() {
        let text = r#"variable "cidr" {}
resource "aws_security_group" "a" {
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 3306
    to_port     = 3306
    protocol    = "tcp"
    cidr_blocks = ["0.0.2.0/0", var.cidr]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
module "web" {
  source              = "terraform-aws-modules/security-group/aws"
  ingress_cidr_blocks = ["0.0.0.0/0"]
  ingress_rules       = ["https-443-tcp", "http-80-tcp"]
}
module "private" {
  source                   = "terraform-aws-modules/security-group/aws"
  ingress_ipv6_cidr_blocks = ["fc00::/8"]
}
"#;
        assert!(lines(&RULE, text).is_empty());
    }

    #[test]
    fn cloudformation_inline_and_rule_resources() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupIngress:\n        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}\n        - {IpProtocol: tcp, FromPort: 8443, ToPort: 8443, CidrIp: 0.0.0.0/0}\n      SecurityGroupEgress:\n        - {IpProtocol: '-1', CidrIp: 0.0.0.0/0}\n  B:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties: {IpProtocol: tcp, FromPort: 0, ToPort: 65535, CidrIpv6: ::/0}\n";
        assert_eq!(cfn_lines(&RULE, yaml), [7, 12]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
