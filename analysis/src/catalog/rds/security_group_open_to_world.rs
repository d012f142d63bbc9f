use crate::cloudformation::check::CfnContext;
use crate::fix::{Edit, Fix};
use crate::kit::db_security_group::{self, Source};
use crate::kit::network::{cfn_is_world_cidr, is_world_cidr, narrow_world_field_fix};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "rds-security-group-open-to-world",
    title: "Security group of an RDS database accepts traffic from the whole internet",
    severity: Severity::Critical,
    row: Row::NetworkSecurity,
    service: "RDS",
    why: "A database security group open to `0.0.0.0/0` lets anyone on the internet reach the engine's login, on \
          every port the group covers. Databases are brute-forced and exploited within hours of exposure; the only \
          thing left between the data and the attacker is the password.",
    aws_side: "AWS enforces the security group rules the customer writes; which sources may reach the database is \
               the customer's decision.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &[
            "1e0ef61b-ad85-4518-a3d3-85eaad164885",
            "f0d8781f-99bf-4958-9917-d39283b168a0",
            "9564406d-e761-4e61-b8d7-5926e3ab8e79",
        ],
        trivy: &[],
    },
    related: Related {
        checkov: &[],
        kics: &[],
        trivy: &["AVD-AWS-0081", "aws-rds-no-classic-resources"],
        how: "Trivy flags every DB security group, open or not, as an EC2-Classic resource.",
    },
    matcher: &Custom {
        what: "Flags ingress from `0.0.0.0/0` or `::/0`, on any port, in `aws_db_security_group` and in the EC2 \
               security groups (inline rules and rule resources) an `aws_db_instance`, `aws_rds_cluster` or rds / \
               rds-aurora module lists in `vpc_security_group_ids`; in CloudFormation, in \
               `AWS::RDS::DBSecurityGroup` and in the `AWS::EC2::SecurityGroup` an `AWS::RDS::DBInstance` or \
               `AWS::RDS::DBCluster` names. Egress is not judged.",
        fix: "Admit only the application tier: its security group (`security_groups`, `SourceSecurityGroupId`) or \
              its private ranges.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &[
                "aws_db_security_group",
                "aws_security_group",
                "aws_security_group_rule",
                "aws_vpc_security_group_ingress_rule",
            ],
            check,
            example: r#"resource "aws_db_security_group" "db" {
  name = "db"

  ingress {
    cidr = "0.0.0.0/0"
  }
}"#,
            fixed_example: r#"resource "aws_db_security_group" "db" {
  name = "db"

  ingress {
    cidr = "10.0.0.0/8"
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::RDS::DBSecurityGroup", "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"],
            check: check_cfn,
            example: r#"Resources:
  DbAccess:
    Type: AWS::RDS::DBSecurityGroup
    Properties:
      GroupDescription: database access
      DBSecurityGroupIngress:
        - CIDRIP: 0.0.0.0/0
"#,
            fixed_example: r#"Resources:
  DbAccess:
    Type: AWS::RDS::DBSecurityGroup
    Properties:
      GroupDescription: database access
      DBSecurityGroupIngress:
        - CIDRIP: 10.0.0.0/8
"#,
        }),
    },
};

fn message(at: &str, source: &Source) -> String {
    let whose = if source.serves.is_empty() { String::new() } else { format!(", {},", source.serves) };
    format!("`{at}`{whose} admits `{}`: anyone on the internet can reach the database", source.cidr)
}

fn check(ctx: &mut TfContext) {
    for s in db_security_group::tf_sources(ctx) {
        if !is_world_cidr(&s.source.cidr) {
            continue;
        }
        let fix = s.field.and_then(|f| narrow_world_field_fix(ctx, s.resource, f));
        let text = message(&s.resource.address(), &s.source);
        ctx.report(s.resource, s.source.range, text).fixes.extend(fix);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for s in db_security_group::cfn_sources(ctx) {
        if !cfn_is_world_cidr(&s.source.cidr) {
            continue;
        }
        let fix = (s.node.intrinsic().is_none()).then(|| {
            let private = if s.source.cidr.contains(':') { "fd00::/8" } else { "10.0.0.0/8" };
            let edit: Edit =
                crate::cloudformation::edit::replace_value(ctx.template, s.node, &serde_json::json!(private));
            Fix::unsafe_("Allow only private ranges (review the range)", vec![edit])
        });
        let text = message(s.resource.logical_id, &s.source);
        ctx.report(s.resource, s.source.range, text).fixes.extend(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_world_open_database_groups() {
        // KICS: a DB security group with `0.0.0.0/0` among private ranges.
        let tf = r#"resource "aws_db_security_group" "open" {
  ingress {
    cidr = "10.0.0.0/8"
  }
  ingress {
    cidr = "0.0.0.0/0"
  }
}
resource "aws_db_security_group" "private" {
  ingress {
    cidr = "10.0.0.0/25"
  }
}
resource "aws_db_instance" "db" {
  vpc_security_group_ids = [aws_security_group.db.id]
}
resource "aws_security_group" "db" {
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "aws_security_group_rule" "db_v6" {
  type              = "ingress"
  security_group_id = aws_security_group.db.id
  from_port         = 5432
  to_port           = 5432
  protocol          = "tcp"
  ipv6_cidr_blocks  = ["::/0"]
}
resource "aws_security_group" "web" {
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [6, 22, 31]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn cloudformation_world_open_database_groups() {
        // KICS: an EC2 group on port 80 named by the instance (its egress is not judged); a DB security group.
        let yaml = "Resources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupIngress:\n      - IpProtocol: tcp\n        FromPort: 80\n        ToPort: 80\n        CidrIp: 0.0.0.0/0\n      SecurityGroupEgress:\n      - CidrIp: 0.0.0.0/0\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      VPCSecurityGroups:\n      - !GetAtt Sg.GroupId\n      DBSecurityGroups:\n      - !Ref Classic\n  Classic:\n    Type: AWS::RDS::DBSecurityGroup\n    Properties:\n      DBSecurityGroupIngress:\n        CIDRIP: 0.0.0.0/0\n  Other:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupIngress:\n      - CidrIpv6: ::/0\n";
        assert_eq!(cfn_lines(&RULE, yaml), [23, 9]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
