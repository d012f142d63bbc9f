use crate::fix::{Edit, Fix};
use crate::responsibility::Row;
use crate::rules::{Equivalents, Rule, Severity};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::terraform::view::Config;

pub static RULE: Rule = Rule {
    id: "dynamodb-pitr-disabled",
    title: "DynamoDB table without point-in-time recovery",
    severity: Severity::Medium,
    row: Row::BusinessContinuity,
    service: "DynamoDB",
    what: "Flags `aws_dynamodb_table` resources without a `point_in_time_recovery` block, or whose block does not \
           set `enabled = true` (the default is off).",
    why: "Point-in-time recovery keeps continuous backups for 35 days, so a table can be restored to any second \
          before a bad deploy, a runaway script or a malicious delete. Without it, only on-demand backups you \
          remembered to take can bring the data back.",
    aws_side: "AWS replicates the table across Availability Zones and runs the continuous backups, but only \
               when the customer turns point-in-time recovery on. Deciding what must be recoverable is the \
               customer's duty.",
    fix: "Add `point_in_time_recovery { enabled = true }` to the table.",
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
    equivalents: Equivalents {
        checkov: &["CKV_AWS_28"],
        kics: &["741f1291-47ac-4a85-a07b-3d32a9d6bd3e"],
        trivy: &["AVD-AWS-0024", "aws-dynamodb-enable-recovery"],
    },
    resource_types: &["aws_dynamodb_table"],
    terraform: Some(check),
    cloudformation: None,
    has_fix: true,
};

const BLOCK: &str = "point_in_time_recovery";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_dynamodb_table").collect::<Vec<_>>() {
        let file = ctx.file(res);
        let address = res.address();
        let Some(cfg) = res.config().nested(BLOCK).into_iter().next() else {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{check_fixes, lines};

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
}
