use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "ec2-detailed-monitoring-disabled",
    title: "EC2 instance has detailed (1-minute) monitoring turned off",
    severity: Severity::Low,
    row: Row::BusinessContinuity,
    service: "EC2",
    why: "Without detailed monitoring CloudWatch receives the instance's metrics every five minutes only, so alarms \
          on CPU, network or status checks fire late and auto scaling reacts late; short bursts (a crypto-miner, a \
          denial of service, a runaway process) can disappear between two samples.",
    aws_side: "AWS collects and stores the metrics. Choosing 1-minute resolution for an instance is the customer's \
               setting.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_126"],
        kics: &["23b70e32-032e-4fa6-ba5c-82f56b9980e6", "0264093f-6791-4475-af34-4b8102dcbcd0"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_instance"],
            modules: &[("ec2-instance", "monitoring", true)],
            path: "monitoring",
            example: r#"resource "aws_instance" "web" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
}"#,
            fixed: r#"resource "aws_instance" "web" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  monitoring = true
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::EC2::Instance"],
            path: "Monitoring",
            example: r#"Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
"#,
            fixed: r#"Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
      Monitoring: true
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Bool(true),
        absent: Some("CloudWatch receives its metrics every five minutes only"),
        insecure: "CloudWatch receives its metrics every five minutes only",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_instances_and_module_calls_without_detailed_monitoring() {
        let tf = r#"variable "on" {}
resource "aws_instance" "absent" {
  instance_type = "t3.micro"
}
resource "aws_instance" "off" {
  monitoring = false
}
resource "aws_instance" "on" {
  monitoring = true
}
resource "aws_instance" "unknown" {
  monitoring = var.on
}
module "ec2" {
  source  = "terraform-aws-modules/ec2-instance/aws"
  version = "~> 3.0"
}
module "ec2_off" {
  source     = "terraform-aws-modules/ec2-instance/aws"
  monitoring = false
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 6, 14, 20]);
        assert_eq!(check_fixes(&RULE, tf), 4);
    }

    #[test]
    fn cloudformation_absent_and_false() {
        let yaml = "Resources:\n  A:\n    Type: AWS::EC2::Instance\n    Properties:\n      Monitoring: false\n  B:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-1\n  C:\n    Type: AWS::EC2::Instance\n    Properties:\n      Monitoring: 'true'\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5, 6]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
