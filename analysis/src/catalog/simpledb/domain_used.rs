use crate::cloudformation::check::CfnContext;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "simpledb-domain-used",
    title: "SimpleDB domain is declared (a legacy service without encryption or resource controls)",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "SimpleDB",
    why: "SimpleDB offers no customer-managed encryption, no resource policies, no VPC endpoints, no backups and no \
          point-in-time recovery, and AWS no longer onboards new customers to it. Data kept there cannot be given \
          the controls expected of a data store today.",
    aws_side: "AWS still runs SimpleDB for existing customers; choosing a data store that supports the controls the \
               data needs is the customer's duty.",
    equivalents: Equivalents { checkov: &[], kics: &["6ea57c8b-f9c0-4ec7-bae3-bd75a9dee27d"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags every `aws_simpledb_domain`; in CloudFormation, every `AWS::SDB::Domain`.",
        fix: "Move the data to DynamoDB (encryption with a customer-managed key, point-in-time recovery, IAM \
              conditions and VPC endpoints) and remove the domain.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_simpledb_domain"],
            check,
            example: r#"resource "aws_simpledb_domain" "users" {
  name = "users"
}"#,
            fixed_example: r#"resource "aws_dynamodb_table" "users" {
  name         = "users"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::SDB::Domain"],
            check: check_cfn,
            example: r#"Resources:
  Users:
    Type: AWS::SDB::Domain
    Properties:
      Description: users
"#,
            fixed_example: r#"Resources:
  Users:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
"#,
        }),
    },
};

const WHY: &str = "SimpleDB has no customer-managed encryption, backups or resource policies";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_simpledb_domain").collect::<Vec<_>>() {
        ctx.report(res, res.block.header, format!("`{}` is a SimpleDB domain: {WHY}", res.address()));
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::SDB::Domain").collect::<Vec<_>>() {
        let range = ctx.header(res);
        ctx.report(res, range, format!("`{}` is a SimpleDB domain: {WHY}", res.logical_id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_every_domain() {
        let tf = "resource \"aws_simpledb_domain\" \"users\" {\n  name = \"users\"\n}\nresource \"aws_dynamodb_table\" \"t\" {\n  name = \"t\"\n}\n";
        assert_eq!(lines(&RULE, tf), [1]);
    }

    #[test]
    fn cloudformation_domains() {
        // KICS: a domain next to a Route 53 hosted zone; the zone alone passes.
        let yaml = "Resources:\n  Zone:\n    Type: AWS::Route53::HostedZone\n    Properties:\n      Name: example.com\n  Domain:\n    Type: AWS::SDB::Domain\n    Properties:\n      Description: d\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6]);
    }
}
