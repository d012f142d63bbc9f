use crate::cloudformation::check::CfnContext;
use crate::kit::network::{cfn_narrow_world_fix, cfn_sg_rules};
use crate::kit::network::{ingress_rules, is_world_cidr, narrow_world_fix};
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::format_number;

pub static RULE: Rule = Rule {
    id: "sg-sensitive-port-open-to-world",
    title: "Security group exposes a database or admin port to the internet",
    severity: Severity::High,
    row: Row::NetworkSecurity,
    service: "EC2",
    why: "These services were built for trusted networks: many have weak or no authentication by default and a \
          long history of remote exploits. Search engines such as Shodan index them continuously, and exposed \
          databases and Docker daemons are found and abused within hours.",
    aws_side: "AWS protects the network fabric and filters traffic exactly as your security groups say. Which \
               ports of your resources are reachable from the internet is the customer's decision.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_277"],
        kics: &[
            "381c3f2a-ef6f-4eff-99f7-b169cda3422c",
            "494b03d3-bf40-4464-8524-7c56ad0700ed",
            "cdbb0467-2957-4a77-9992-7b55b29df7b7",
            "78055456-f670-4d2e-94d5-392d1cf4f5e4",
            "54c417bf-c762-48b9-9d31-b3d87047e3f0",
        ],
        trivy: &["AVD-AWS-0107", "aws-ec2-no-public-ingress-sgr"],
        how: "Checkov's CKV_AWS_24 and CKV_AWS_25 each cover one port (22, 3389), CKV_AWS_277 only rules open to all \
              protocols and ports, and Trivy's AVD-AWS-0107 only SSH, RDP or all-protocol rules; this rule flags \
              world ingress to any of 61 sensitive ports (MySQL's 3306 passes all four). KICS's Terraform Sensitive \
              Port Is Exposed To Entire Network (381c3f2a) checks its own list of ports, which is not this rule's 61; \
              its CloudFormation EC2 Sensitive Port Is Publicly Exposed (494b03d3) checks that list too, only on \
              `CidrIp` (not `::/0`), and misses all-protocol rules that leave the ports out. KICS's CloudFormation \
              Security Groups With Exhibited Admin Ports (cdbb0467) fails world ingress whose `FromPort`-`ToPort` \
              range covers one of ten ports (20, 21, 22, 23, 115, 137, 138, 139, 2049, 3389) whatever the protocol, \
              in a group's inline rules and the ingress resources whose `GroupId` is a `Ref` to it; it misses \
              all-protocol rules that leave the ports out, and 115 and 2049 are not among this rule's ports. Its \
              ELB Sensitive Port Is Exposed To Entire Network (78055456) judges only the groups of the template's \
              load balancers, against its own TCP and UDP port lists. Its Terraform SQL Analysis Services Port 2383 \
              Is Publicly Accessible (54c417bf) fails an `aws_security_group`'s inline `tcp` ingress from \
              `0.0.0.0/0` covering 2383 or written `0`-`0` (port 0 alone for TCP); not UDP, all-protocol, IPv6 or \
              rule resources, which this rule flags (2383 is among its ports).",
    },
    matcher: &Custom {
        what: "Flags security group ingress rules open to `0.0.0.0/0` or `::/0` (TCP, UDP or all protocols) whose \
               port range covers a well-known sensitive service: remote administration (SSH, Telnet, RDP, VNC, \
               WinRM), file sharing (FTP, SMB, NetBIOS), directory services (LDAP), databases and caches (MySQL, \
               PostgreSQL, SQL Server, Oracle, MongoDB, Redis, Memcached, Cassandra, Elasticsearch), Docker and \
               Hadoop APIs, and similar.",
        fix: "Restrict the source to the ranges that need the service, or reach it through a VPN, a bastion, \
              Session Manager port forwarding, a load balancer or PrivateLink.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &[
                "aws_security_group",
                "aws_default_security_group",
                "aws_security_group_rule",
                "aws_vpc_security_group_ingress_rule",
            ],
            check,
            example: r#"resource "aws_security_group" "db" {
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}"#,
            fixed_example: r#"resource "aws_security_group" "db" {
  ingress {
    from_port   = 5432
    to_port     = 5432
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
          FromPort: 5432
          ToPort: 5432
          CidrIp: 0.0.0.0/0
"#,
            fixed_example: r#"Resources:
  Web:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 5432
          ToPort: 5432
          CidrIp: 10.0.0.0/8
"#,
        }),
    },
};

/// Well-known ports of services that must not face the internet (KICS's list, without the web ports 80/443).
pub const SENSITIVE_PORTS: &[(u16, &str)] = &[
    (20, "FTP data"),
    (21, "FTP"),
    (22, "SSH"),
    (23, "Telnet"),
    (25, "SMTP"),
    (53, "DNS"),
    (110, "POP3"),
    (135, "MSRPC"),
    (137, "NetBIOS name service"),
    (138, "NetBIOS datagram"),
    (139, "NetBIOS session"),
    (161, "SNMP"),
    (389, "LDAP"),
    (445, "SMB"),
    (636, "LDAPS"),
    (1433, "SQL Server"),
    (1434, "SQL Server browser"),
    (1521, "Oracle"),
    (1522, "Oracle"),
    (2375, "Docker API"),
    (2376, "Docker API (TLS)"),
    (2382, "SQL Server Analysis Services"),
    (2383, "SQL Server Analysis Services"),
    (2483, "Oracle"),
    (2484, "Oracle (TLS)"),
    (3000, "Grafana / dev servers"),
    (3020, "CIFS"),
    (3306, "MySQL"),
    (3389, "RDP"),
    (4333, "mSQL"),
    (4505, "SaltStack"),
    (4506, "SaltStack"),
    (5432, "PostgreSQL"),
    (5500, "VNC"),
    (5601, "Kibana"),
    (5900, "VNC"),
    (5985, "WinRM"),
    (6379, "Redis"),
    (7000, "Cassandra"),
    (7001, "Cassandra"),
    (7199, "Cassandra JMX"),
    (8000, "HTTP admin"),
    (8020, "HDFS NameNode"),
    (8080, "HTTP proxy / admin"),
    (8140, "Puppet"),
    (8888, "HTTP admin"),
    (9000, "Hadoop / admin consoles"),
    (9042, "Cassandra"),
    (9090, "Prometheus / admin consoles"),
    (9160, "Cassandra Thrift"),
    (9200, "Elasticsearch"),
    (9300, "Elasticsearch transport"),
    (11211, "Memcached"),
    (11214, "Memcached (TLS)"),
    (11215, "Memcached (TLS)"),
    (27017, "MongoDB"),
    (27018, "MongoDB"),
    (50070, "HDFS web UI"),
    (50470, "HDFS web UI (TLS)"),
    (61620, "Cassandra OpsCenter"),
    (61621, "Cassandra OpsCenter"),
];

/// The world, including the bare `/0` some configurations write for it (an invalid CIDR, but its intent is
/// unmistakable).
fn is_world(cidr: &str) -> bool {
    is_world_cidr(cidr) || cidr.trim() == "/0"
}

fn check_cfn(ctx: &mut CfnContext) {
    for rule in cfn_sg_rules(ctx, false) {
        let open: Vec<&(u16, &str)> = SENSITIVE_PORTS.iter().filter(|(p, _)| rule.opens_port(*p as f64)).collect();
        let Some((first_port, first_name)) = open.first() else { continue };
        let Some((cidr, _, range)) = rule.world() else { continue };
        let what = match open.len() {
            1 => format!("{first_name} (port {first_port})"),
            n => format!(
                "{first_name} (port {first_port}) and {} other sensitive port(s)",
                format_number((n - 1) as f64)
            ),
        };
        let message = format!("`{}` exposes {what} to {cidr}", rule.resource.logical_id);
        let fix = cfn_narrow_world_fix(ctx, &rule);
        ctx.report(rule.resource, range, message).fixes.extend(fix);
    }
}

fn check(ctx: &mut TfContext) {
    for ingress in ingress_rules(ctx) {
        let open: Vec<&(u16, &str)> = SENSITIVE_PORTS.iter().filter(|(p, _)| ingress.opens_port(*p as f64)).collect();
        let Some((first_port, first_name)) = open.first() else { continue };
        let Some((cidr, range)) = ingress.cidrs.iter().find(|(c, _)| is_world(c)) else { continue };
        let what = match open.len() {
            1 => format!("{first_name} (port {first_port})"),
            n => format!(
                "{first_name} (port {first_port}) and {} other sensitive port(s)",
                format_number((n - 1) as f64)
            ),
        };
        let message = format!("`{}` exposes {what} to {cidr}", ingress.resource.address());
        let fix = narrow_world_fix(ctx, &ingress);
        ctx.report(ingress.resource, *range, message).fixes.extend(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_sensitive_ranges_from_the_internet() {
        let text = r#"resource "aws_security_group" "a" {
  ingress {
    from_port   = 2200
    to_port     = 2500
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 445
    to_port     = 500
    protocol    = "udp"
    cidr_blocks = ["10.68.0.0", "0.0.0.0/0"]
  }
  ingress {
    from_port   = 20
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["/0"]
  }
}
module "sg" {
  source              = "terraform-aws-modules/security-group/aws"
  ingress_cidr_blocks = ["0.0.0.0/0"]
  ingress_rules       = ["redis-tcp"]
}
"#;
        assert_eq!(lines(&RULE, text), vec![6, 12, 18, 24]);
        assert_eq!(check_fixes(&RULE, text), 2);
    }

    #[test]
    fn reads_a_bare_minus_one_as_all_protocols() {
        let text = r#"resource "aws_security_group_rule" "all" {
  type        = "ingress"
  protocol    = -1
  from_port   = 0
  to_port     = 0
  cidr_blocks = ["0.0.0.0/0"]
}
"#;
        assert_eq!(lines(&RULE, text), vec![6]);
    }

    #[test]
    fn ignores_other_ports_ranges_and_unknowns() {
        let text = r#"resource "aws_security_group" "a" {
  ingress {
    from_port   = 2384
    to_port     = 2386
    protocol    = "tcp"
    cidr_blocks = ["/0"]
  }
  ingress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["1.2.3.4/5", "0.0.0.0/12", aws_vpc.main.cidr_block]
  }
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "icmp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
"#;
        assert!(lines(&RULE, text).is_empty());
    }

    #[test]
    fn cloudformation_inline_and_rule_resources() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupIngress:\n        - {IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIp: 0.0.0.0/0}\n        - {IpProtocol: tcp, FromPort: 1433, ToPort: 1434, CidrIp: 10.0.0.1/0}\n        - {IpProtocol: tcp, FromPort: 6379, ToPort: 6379, CidrIp: 10.0.0.0/8}\n  B:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      IpProtocol: '-1'\n      CidrIpv6: ::/0\n";
        assert_eq!(cfn_lines(&RULE, yaml), [7, 13]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
