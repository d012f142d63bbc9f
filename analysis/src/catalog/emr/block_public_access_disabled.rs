use crate::kit::declared::{Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};

pub static RULE: Rule = Rule {
    id: "emr-block-public-access-disabled",
    title: "EMR block public access is turned off",
    severity: Severity::Medium,
    row: Row::NetworkSecurity,
    service: "EMR",
    why: "Block public access stops any EMR cluster of the region from starting with a security group open to the \
          internet (except on allowed ports such as 22); turning it off lets one careless cluster expose Hadoop, \
          Spark and Jupyter interfaces to the world.",
    aws_side: "AWS turns the guardrail on by default in most regions. Turning it off is the customer's choice.",
    equivalents: Equivalents { checkov: &["CKV_AWS_390"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_emr_block_public_access_configuration"],
            path: "block_public_security_group_rules",
            example: r#"resource "aws_emr_block_public_access_configuration" "this" {
  block_public_security_group_rules = false
}"#,
            fixed: r#"resource "aws_emr_block_public_access_configuration" "this" {
  block_public_security_group_rules = true
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: None,
        want: Want::Bool(true),
        absent: None,
        insecure: "any EMR cluster of the region may start with security groups open to the internet",
        fix_title: "Block public security group rules for EMR",
        ..Setting::DEFAULT
    },
};

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_block_public_access_off() {
        let tf = "resource \"aws_emr_block_public_access_configuration\" \"a\" {\n  block_public_security_group_rules = false\n}\nresource \"aws_emr_block_public_access_configuration\" \"b\" {\n  block_public_security_group_rules = true\n}\n";
        assert_eq!(lines(&RULE, tf), [2]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }
}
