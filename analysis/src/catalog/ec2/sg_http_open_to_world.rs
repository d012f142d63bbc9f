use crate::cloudformation::check::CfnContext;
use crate::kit::network::{cfn_narrow_world_fix, cfn_sg_rules, ingress_rules, narrow_world_fix, Protocol};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "sg-http-open-to-world",
    title: "Security group opens plain HTTP (port 80) to the whole internet",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "EC2",
    why: "Port 80 carries HTTP in clear text, so whatever is served on it (session cookies, credentials in forms, \
          API tokens) can be read or altered on the way; opening it to the world also exposes the web server to \
          every scanner. Public sites should listen on 443, with port 80 at most on a load balancer that only \
          redirects.",
    aws_side: "AWS filters packets as the security group says. Whether plain HTTP is reachable from the internet \
               is the customer's decision.",
    equivalents: Equivalents { checkov: &[], kics: &["ddfc4eaa-af23-409f-b96c-bf5c45dc4daa"], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_260"],
        kics: &["ffac8a12-322e-42c1-b9b9-81ff85c39ef7", "4a1e6b34-1008-4e61-a5f2-1f7c276f8d14"],
        trivy: &[],
        how: "Checkov and KICS flag any world-open range that covers port 80; onus flags here the rules that open \
              exactly TCP 80, the web exemption of `sg-ingress-open-to-world`, which flags the wider ranges.",
    },
    matcher: &Custom {
        what: "Flags security group ingress rules that open TCP port 80 alone to `0.0.0.0/0` or `::/0` (inline \
               blocks, rule resources, the security-group module's `http-80-tcp` rule; CloudFormation \
               `SecurityGroupIngress`). Wider world-open ranges are `sg-ingress-open-to-world`'s.",
        fix: "Serve HTTPS on 443 and close port 80, or keep it only on a load balancer whose listener redirects to \
              HTTPS (then suppress the finding there).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &[
                "aws_security_group",
                "aws_default_security_group",
                "aws_security_group_rule",
                "aws_vpc_security_group_ingress_rule",
            ],
            check,
            example: r#"resource "aws_security_group" "web" {
  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}"#,
            fixed_example: r#"resource "aws_security_group" "web" {
  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
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
          FromPort: 80
          ToPort: 80
          CidrIp: 0.0.0.0/0
"#,
            fixed_example: r#"Resources:
  Web:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 80
          ToPort: 80
          CidrIp: 10.0.0.0/8
"#,
        }),
    },
};

const HINT: &str = "redirect-only on a load balancer is fine (suppress it there), otherwise serve HTTPS on 443";

fn check(ctx: &mut TfContext) {
    for ingress in ingress_rules(ctx) {
        let http_only =
            ingress.protocol == Some(Protocol::Tcp) && ingress.from_port == Some(80.0) && ingress.to_port == Some(80.0);
        let Some((cidr, range)) = ingress.world_source().filter(|_| http_only) else { continue };
        let message = format!("`{}` serves plain HTTP (port 80) to {cidr}: {HINT}", ingress.resource.address());
        let fix = narrow_world_fix(ctx, &ingress);
        ctx.report(ingress.resource, range, message).fixes.extend(fix);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for rule in cfn_sg_rules(ctx, false) {
        let http_only =
            rule.protocol == Some(Protocol::Tcp) && rule.from_port == Some(80.0) && rule.to_port == Some(80.0);
        let Some((cidr, _, range)) = rule.world().filter(|_| http_only) else { continue };
        let message = format!("`{}` serves plain HTTP (port 80) to {cidr}: {HINT}", rule.resource.logical_id);
        let fix = cfn_narrow_world_fix(ctx, &rule);
        ctx.report(rule.resource, range, message).fixes.extend(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_port_80_alone_from_the_world() {
        let tf = r#"resource "aws_security_group" "a" {
  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 78
    to_port     = 91
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.2/0"]
  }
}
module "web" {
  source              = "terraform-aws-modules/security-group/aws"
  ingress_cidr_blocks = ["0.0.0.0/0"]
  ingress_rules       = ["https-443-tcp", "http-80-tcp"]
}
"#;
        // The wider range is sg-ingress-open-to-world's.
        assert_eq!(lines(&RULE, tf), [6, 24]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }

    #[test]
    fn cloudformation_port_80() {
        let yaml = "Resources:\n  A:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupIngress:\n        - {IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIp: 0.0.0.0/0}\n        - {IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIp: 192.168.0.0/16}\n  B:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties: {IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIpv6: ::/0}\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6, 10]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
