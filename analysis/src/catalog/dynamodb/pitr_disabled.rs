use crate::cloudformation::check::CfnContext;
use crate::fix::{Edit, Fix};
use crate::kit::setting::{check_cfn_bool, CfnBoolCheck};
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::terraform::view::Config;

pub static RULE: Rule = Rule {
    id: "dynamodb-pitr-disabled",
    title: "DynamoDB table without point-in-time recovery",
    severity: Severity::Medium,
    row: Row::BusinessContinuity,
    service: "DynamoDB",
    why: "Point-in-time recovery keeps continuous backups for 35 days, so a table can be restored to any second \
          before a bad deploy, a runaway script or a malicious delete. Without it, only on-demand backups you \
          remembered to take can bring the data back.",
    aws_side: "AWS replicates the table across Availability Zones and runs the continuous backups, but only \
               when the customer turns point-in-time recovery on. Deciding what must be recoverable is the \
               customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_28"],
        kics: &["741f1291-47ac-4a85-a07b-3d32a9d6bd3e"],
        trivy: &["AVD-AWS-0024", "aws-dynamodb-enable-recovery"],
    },
    related: Related {
        checkov: &[],
        kics: &["0f04217d-488f-4e7a-bec8-f16159686cd6"],
        trivy: &[],
        how: "KICS's CloudFormation DynamoDB Table Point In Time Recovery Disabled (0f04217d) passes a \
              `PointInTimeRecoverySpecification` that leaves `PointInTimeRecoveryEnabled` out (recovery stays off), \
              which this rule flags.",
    },
    matcher: &Custom {
        what: "Flags `aws_dynamodb_table` resources without a `point_in_time_recovery` block, or whose block does not \
               set `enabled = true` (the default is off).",
        fix: "Add `point_in_time_recovery { enabled = true }` to the table.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_dynamodb_table"],
            check,
            example: r#"resource "aws_dynamodb_table" "orders" {
  name         = "orders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }
}"#,
            fixed_example: r#"resource "aws_dynamodb_table" "orders" {
  name         = "orders"
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
            resource_types: &["AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable"],
            check: check_cfn,
            example: r#"Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      KeySchema:
        - AttributeName: id
          KeyType: HASH
      AttributeDefinitions:
        - AttributeName: id
          AttributeType: S
"#,
            fixed_example: r#"Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      KeySchema:
        - AttributeName: id
          KeyType: HASH
      AttributeDefinitions:
        - AttributeName: id
          AttributeType: S
      PointInTimeRecoverySpecification:
        PointInTimeRecoveryEnabled: true
"#,
        }),
    },
};

const BLOCK: &str = "point_in_time_recovery";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_dynamodb_table").collect::<Vec<_>>() {
        let file = ctx.file(res);
        let address = res.address();
        let Some(cfg) = ctx.nested(res.config(), BLOCK).into_iter().next() else {
            let edit = edit::insert_in_block(file, res.block, &format!("{BLOCK} {{\n  enabled = true\n}}"));
            let message =
                format!("`{address}` has no point-in-time recovery: deleted or corrupted items cannot be restored");
            ctx.report_with_fix(res, res.block.header, message, Fix::new("Turn on point-in-time recovery", vec![edit]));
            continue;
        };
        if cfg.is_dynamic() {
            continue;
        }
        match cfg.attr("enabled") {
            Some(field) if ctx.value(field).as_bool() == Some(false) => {
                let fix = Fix::new(
                    "Turn on point-in-time recovery",
                    vec![Edit { range: field.expr.range, text: "true".into() }],
                );
                ctx.report_with_fix(res, field.range, format!("`{address}` turns point-in-time recovery off"), fix);
            }
            Some(_) => {}
            None => {
                let (range, edit) = match cfg {
                    Config::Block(b) => (b.header, Some(edit::insert_in_block(file, b, "enabled = true"))),
                    Config::Object(e) => (e.range, None),
                };
                let message = format!("`{address}` configures point-in-time recovery without enabling it");
                let fixes = edit.map(|e| Fix::new("Turn on point-in-time recovery", vec![e]));
                ctx.report(res, range, message).fixes.extend(fixes);
            }
        }
    }
}

static CFN_CHECK: CfnBoolCheck = CfnBoolCheck {
    prop: "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled",
    secure: true,
    absent_insecure: true,
    absent: "has no point-in-time recovery (`PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled` is not \
             set): deleted or corrupted items cannot be restored",
    insecure: "turns point-in-time recovery off",
    fix: "Turn on point-in-time recovery",
};

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::DynamoDB::Table").collect::<Vec<_>>() {
        check_cfn_bool(ctx, res, &CFN_CHECK);
    }
    // SAM's simple table has no point-in-time recovery setting: only a full `AWS::DynamoDB::Table` can have it.
    for res in ctx.resources("AWS::Serverless::SimpleTable").collect::<Vec<_>>() {
        let message = format!(
            "`{}` is an `AWS::Serverless::SimpleTable`, which cannot turn on point-in-time recovery: deleted or \
             corrupted items cannot be restored (use an `AWS::DynamoDB::Table` with \
             `PointInTimeRecoverySpecification`)",
            res.logical_id
        );
        let range = ctx.header(res);
        ctx.report(res, range, message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_tables_without_pitr() {
        let tf = r#"resource "aws_dynamodb_table" "a" {
  name = "a"
  ttl {
    enabled = false
  }
}
resource "aws_dynamodb_table" "b" {
  point_in_time_recovery {
    enabled = false
  }
}
resource "aws_dynamodb_table" "c" {
  point_in_time_recovery {
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 9, 13]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn enabled_and_unknown_are_not_flagged() {
        let tf = r#"variable "pitr" {}
resource "aws_dynamodb_table" "a" {
  point_in_time_recovery {
    enabled = true
  }
}
resource "aws_dynamodb_table" "b" {
  point_in_time_recovery {
    enabled = var.pitr
  }
}
resource "aws_dynamodb_table" "c" {
  dynamic "point_in_time_recovery" {
    for_each = [1]
    content {
      enabled = true
    }
  }
}
"#;
        assert!(lines(&RULE, tf).is_empty());
    }

    #[test]
    fn cloudformation_tables_without_pitr() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      TableName: a\n  B:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      PointInTimeRecoverySpecification:\n        PointInTimeRecoveryEnabled: false\n  C:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      PointInTimeRecoverySpecification: {}\n  D:\n    Type: AWS::Serverless::SimpleTable\n  E:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      PointInTimeRecoverySpecification:\n        PointInTimeRecoveryEnabled: !Ref Pitr\n  F:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      PointInTimeRecoverySpecification:\n        PointInTimeRecoveryEnabled: true\nParameters:\n  Pitr:\n    Type: String\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2, 10, 11, 15]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 3);
        let json = r#"{"Resources": {"A": {"Type": "AWS::DynamoDB::Table", "Properties": {"PointInTimeRecoverySpecification": {}}}}}"#;
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
