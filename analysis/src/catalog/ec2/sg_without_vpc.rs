use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "sg-without-vpc",
    title: "Security group is created without a VPC (lands in the default VPC)",
    severity: Severity::Low,
    row: Row::NetworkSecurity,
    service: "EC2",
    why: "A group without a VPC is created in the region's default VPC, so whatever uses it is placed in the \
          all-public default network rather than the workload's own segmented VPC.",
    aws_side: "AWS picks the default VPC when none is named. Naming the VPC is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["493d9591-6249-47bf-8dc0-5c10161cc558"], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_security_group"],
            modules: &[("security-group", "vpc_id", true)],
            path: "vpc_id",
            example: r#"resource "aws_security_group" "app" {
  name        = "app"
  description = "App servers"
}"#,
            fixed: r#"resource "aws_security_group" "app" {
  name        = "app"
  description = "App servers"
  vpc_id = "<vpc-id>"
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::EC2::SecurityGroup"],
            path: "VpcId",
            example: r#"Resources:
  App:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: App servers
"#,
            fixed: r#"Resources:
  App:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: App servers
      VpcId: '<vpc-id>'
"#,
            ..Cfn::DEFAULT
        }),
        want: Want::Present { placeholder: "<vpc-id>" },
        absent: Some("it is created in the region's default VPC"),
        insecure: "it is created in the region's default VPC",
        fix: "Set `vpc_id` to the workload's VPC (`aws_vpc.<name>.id`). In CloudFormation: `VpcId`.",
        fix_title: "Name the VPC (placeholder to replace)",
    },
};

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_groups_without_a_vpc() {
        let tf = r#"resource "aws_security_group" "absent" {
  name = "a"
}
resource "aws_security_group" "empty" {
  vpc_id = ""
}
resource "aws_security_group" "vpc" {
  vpc_id = aws_vpc.main.id
}
module "sg" {
  source = "terraform-aws-modules/security-group/aws"
  name   = "m"
}
module "sg_vpc" {
  source = "terraform-aws-modules/security-group/aws"
  vpc_id = module.vpc.vpc_id
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 5, 10]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn cloudformation_groups_without_vpc() {
        let yaml = "Resources:\n  A:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupName: a\n      GroupDescription: ssh\n  B:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: ssh\n      VpcId: !Ref Vpc\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
