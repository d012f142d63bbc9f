use crate::cloudformation::check::CfnContext;
use crate::kit::db_security_group::{self, prefix, Source};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "rds-security-group-broad-cidr",
    title: "Security group of an RDS database admits a range of 256 addresses or more",
    severity: Severity::Medium,
    row: Row::NetworkSecurity,
    service: "RDS",
    why: "A database should accept connections from the handful of application hosts that need it. A /24 or wider \
          source lets every machine in that range (other teams' workloads, VPN users, a compromised build agent) \
          attempt logins, so one compromised host anywhere in the range reaches the data.",
    aws_side: "AWS enforces the rules; sizing them to the clients that need access is the customer's duty.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["4f615f3e-fb9c-4fad-8b70-2e9f781806ce", "0104165b-02d5-426f-abc9-91fb48189899"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags ingress ranges of 256 addresses or more (IPv4 /1 to /24, IPv6 /1 to /120) in \
               `aws_db_security_group` and in the EC2 security groups an RDS instance, cluster or module lists in \
               `vpc_security_group_ids`; in CloudFormation, in `AWS::RDS::DBSecurityGroup` and in the \
               `AWS::EC2::SecurityGroup` an RDS instance or cluster names. The whole internet (`/0`) is \
               `rds-security-group-open-to-world`'s; security group sources are not judged.",
        fix: "Admit the application tier by its security group, or by ranges no wider than the hosts that connect \
              (a /25 or narrower).",
        has_fix: false,
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
    cidr = "10.0.0.0/16"
  }
}"#,
            fixed_example: r#"resource "aws_db_security_group" "db" {
  name = "db"

  ingress {
    cidr = "10.0.3.0/28"
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
        - CIDRIP: 10.0.0.0/16
"#,
            fixed_example: r#"Resources:
  DbAccess:
    Type: AWS::RDS::DBSecurityGroup
    Properties:
      GroupDescription: database access
      DBSecurityGroupIngress:
        - CIDRIP: 10.0.3.0/28
"#,
        }),
    },
};

/// The number of addresses of a range too broad for a database (`2^n`, n >= 8), not counting the whole internet.
fn broad(cidr: &str) -> Option<u32> {
    let (len, v6) = prefix(cidr)?;
    let bits = if v6 { 128 } else { 32 };
    (len >= 1 && bits - len >= 8).then_some(bits - len)
}

fn message(at: &str, source: &Source, bits: u32) -> String {
    let whose = if source.serves.is_empty() { String::new() } else { format!(", {},", source.serves) };
    let size = if bits < 64 { format!("{} addresses", 1u64 << bits) } else { format!("2^{bits} addresses") };
    format!("`{at}`{whose} admits `{}` ({size}): every host in that range can try to log in", source.cidr)
}

fn check(ctx: &mut TfContext) {
    for s in db_security_group::tf_sources(ctx) {
        let Some(bits) = broad(&s.source.cidr) else { continue };
        let text = message(&s.resource.address(), &s.source, bits);
        ctx.report(s.resource, s.source.range, text);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for s in db_security_group::cfn_sources(ctx) {
        let Some(bits) = broad(&s.source.cidr) else { continue };
        let text = message(s.resource.logical_id, &s.source, bits);
        ctx.report(s.resource, s.source.range, text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_ranges_of_a_24_or_wider() {
        // KICS: /24 fails, /25 passes.
        let tf = r#"resource "aws_db_security_group" "wide" {
  ingress {
    cidr = "10.0.0.0/24"
  }
}
resource "aws_db_security_group" "narrow" {
  ingress {
    cidr = "10.0.0.0/25"
  }
  ingress {
    cidr = "0.0.0.0/0"
  }
}
resource "aws_rds_cluster" "db" {
  vpc_security_group_ids = [aws_security_group.db.id]
}
resource "aws_security_group" "db" {
  ingress {
    from_port   = 3306
    to_port     = 3306
    protocol    = "tcp"
    cidr_blocks = ["172.16.0.0/12"]
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 22]);
    }

    #[test]
    fn cloudformation_broad_ranges() {
        // KICS: a single-map `DBSecurityGroupIngress` with a /23; an EC2 group with an IPv6 /64; a /28 and a bare
        // address pass.
        let yaml = "Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      DBSecurityGroups:\n        - Ref: Ec2Group\n        - Ref: Classic\n  Classic:\n    Type: AWS::RDS::DBSecurityGroup\n    Properties:\n      DBSecurityGroupIngress:\n        CIDRIP: 1.2.3.4/23\n  Ec2Group:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupIngress:\n        - CidrIpv6: 2001:db8:a::123/64\n        - CidrIp: 1.2.3.4/28\n        - CidrIpv6: 2001:0db8:85a3:0000:0000:8a2e:0370:7334\n";
        assert_eq!(cfn_lines(&RULE, yaml), [12, 17]);
    }
}
