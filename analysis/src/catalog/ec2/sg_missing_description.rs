use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "sg-missing-description",
    title: "Security group has no description",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "EC2",
    why: "Security groups outlive the people who created them; without a stated purpose nobody dares remove or \
          tighten one, so stale openings accumulate.",
    aws_side: "AWS stores the description. Documenting the group's intent is the customer's.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["cb3f5ed6-0d18-40de-a93d-b3538db31e8c"],
        trivy: &["AVD-AWS-0099", "aws-ec2-add-description-to-security-group"],
    },
    related: Related {
        checkov: &["CKV_AWS_23"],
        kics: &[],
        trivy: &[],
        how: "Checkov's check fails a group without a description or with any rule without one; onus splits it in \
              two rules (`sg-rule-missing-description` for the rules).",
    },
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_security_group"],
            modules: &[("security-group", "description", true)],
            path: "description",
            example: r#"resource "aws_security_group" "app" {
  name   = "app"
  vpc_id = aws_vpc.main.id
}"#,
            fixed: r#"resource "aws_security_group" "app" {
  name   = "app"
  vpc_id = aws_vpc.main.id
  description = "<purpose of this group>"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::EC2::SecurityGroup"],
            path: "GroupDescription",
            example: r#"Resources:
  App:
    Type: AWS::EC2::SecurityGroup
    Properties:
      VpcId: !Ref Vpc
"#,
            fixed: r#"Resources:
  App:
    Type: AWS::EC2::SecurityGroup
    Properties:
      VpcId: !Ref Vpc
      GroupDescription: '<purpose of this group>'
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Present { placeholder: "<purpose of this group>" },
        absent: Some("nobody reading it later knows what it is for (Terraform writes \"Managed by Terraform\")"),
        insecure: "nobody reading it later knows what it is for",
        fix: "Describe what the group is for in `description` (changing it replaces the group). In CloudFormation: \
              `GroupDescription`.",
        fix_title: "Describe the group (placeholder to replace)",
    },
};

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_groups_without_description() {
        let tf = r#"resource "aws_security_group" "absent" {
  name = "a"
}
resource "aws_security_group" "empty" {
  description = " "
}
resource "aws_security_group" "described" {
  description = "Allow TLS inbound traffic"
}
module "sg" {
  source = "terraform-aws-modules/security-group/aws"
}
module "described" {
  source      = "terraform-aws-modules/security-group/aws"
  description = var.purpose
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 5, 10]);
        assert_eq!(check_fixes(&RULE, tf), 3);
        let yaml = "Resources:\n  A:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: ''\n  B:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: ssh\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
