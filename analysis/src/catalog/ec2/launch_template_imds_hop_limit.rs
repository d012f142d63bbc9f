use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "launch-template-imds-hop-limit",
    title: "Launch template lets the metadata service answer beyond the instance (hop limit above 1)",
    severity: Severity::Low,
    row: Row::AccessRestriction,
    service: "EC2",
    why: "With a hop limit above 1, the metadata service's responses, IMDSv2 tokens included, survive the extra \
          network hop into containers and other network namespaces on the host, so any container or pod can read \
          the instance role's credentials. A limit of 1 confines them to the host itself.",
    aws_side: "AWS runs the metadata service. How far its responses travel is a per-instance setting the customer \
               chooses.",
    equivalents: Equivalents { checkov: &["CKV_AWS_341"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_launch_template", "aws_launch_configuration"],
            path: "metadata_options.http_put_response_hop_limit",
            example: r#"resource "aws_launch_template" "nodes" {
  name = "nodes"
  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 3
  }
}"#,
            fixed: r#"resource "aws_launch_template" "nodes" {
  name = "nodes"
  metadata_options {
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::EC2::LaunchTemplate"],
            path: "LaunchTemplateData.MetadataOptions.HttpPutResponseHopLimit",
            example: r#"Resources:
  Nodes:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        MetadataOptions:
          HttpTokens: required
          HttpPutResponseHopLimit: 3
"#,
            fixed: r#"Resources:
  Nodes:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        MetadataOptions:
          HttpTokens: required
          HttpPutResponseHopLimit: 1
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::AtMost(1.0),
        absent: None,
        insecure: "containers on the instance can reach the metadata service and read the role's credentials",
        fix_title: "Keep metadata responses on the instance (hop limit 1)",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_hop_limits_above_one() {
        let tf = r#"resource "aws_launch_template" "two" {
  metadata_options {
    http_put_response_hop_limit = "2"
  }
}
resource "aws_launch_template" "one" {
  metadata_options {
    http_put_response_hop_limit = 1
  }
}
resource "aws_launch_template" "absent" {
  metadata_options {
    http_tokens = "required"
  }
}
resource "aws_launch_template" "none" {
  name = "x"
}
resource "aws_launch_configuration" "lc" {
  metadata_options {
    http_put_response_hop_limit = 64
  }
}
resource "aws_launch_template" "unknown" {
  metadata_options {
    http_put_response_hop_limit = var.hops
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [3, 21]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_hop_limits() {
        let yaml = "Resources:\n  A:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n      LaunchTemplateData:\n        MetadataOptions:\n          HttpPutResponseHopLimit: 2\n  B:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n      LaunchTemplateData: {}\n";
        assert_eq!(cfn_lines(&RULE, yaml), [7]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
