use crate::cloudformation::check::CfnContext;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "simpledb-domain-used",
    title: "SimpleDB domain is declared (no encryption at rest or resource policies)",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "SimpleDB",
    why: "SimpleDB is a legacy service without KMS encryption at rest, resource policies or point-in-time recovery: \
          data stored there cannot meet current encryption requirements.",
    aws_side: "AWS still runs SimpleDB but does not extend it; choosing a service with current controls (DynamoDB) \
               is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["6ea57c8b-f9c0-4ec7-bae3-bd75a9dee27d"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags SimpleDB domains: `aws_simpledb_domain` and `AWS::SDB::Domain` resources.",
        fix: "Move the data to DynamoDB (encrypted with a customer-managed key, with point-in-time recovery).",
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
  attribute {
    name = "id"
    type = "S"
  }
  point_in_time_recovery {
    enabled = true
  }
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
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
      KeySchema: [{AttributeName: id, KeyType: HASH}]
"#,
        }),
    },
};

const WHAT: &str = "is a SimpleDB domain: the service has no encryption at rest with your keys, and no resource \
                    policies";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_simpledb_domain").collect::<Vec<_>>() {
        ctx.report(res, res.block.header, format!("`{}` {WHAT}", res.address()));
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::SDB::Domain").collect::<Vec<_>>() {
        let range = ctx.header(res);
        ctx.report(res, range, format!("`{}` {WHAT}", res.logical_id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_simpledb_domains() {
        assert_eq!(lines(&RULE, "resource \"aws_simpledb_domain\" \"d\" {\n  name = \"d\"\n}\n"), [1]);
        let yaml = "Resources:\n  HostedZone:\n    Type: AWS::Route53::HostedZone\n    Properties:\n      Name: z\n  SBDDomain:\n    Type: AWS::SDB::Domain\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6]);
    }
}
