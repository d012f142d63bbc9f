use crate::fix::{Edit, Fix};
use crate::kit::setting::set_in_config;
use crate::responsibility::Row;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;

pub static RULE: Rule = Rule {
    id: "globalaccelerator-flow-logs-disabled",
    title: "Global Accelerator does not write flow logs",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "Global Accelerator",
    why: "Without flow logs there is no record of which clients reached the accelerator's static anycast addresses.",
    aws_side: "Global Accelerator writes flow logs to the customer's bucket when enabled. (CloudFormation has no \
               flow log properties for accelerators.)",
    equivalents: Equivalents { checkov: &["CKV_AWS_75"], kics: &["96e8183b-e985-457b-90cd-61c0503a3369"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_globalaccelerator_accelerator` without `attributes { flow_logs_enabled = true }`.",
        fix: "Set `attributes { flow_logs_enabled = true, flow_logs_s3_bucket = <bucket>, flow_logs_s3_prefix = \
              \"flow-logs/\" }`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_globalaccelerator_accelerator"],
            check,
            example: r#"resource "aws_globalaccelerator_accelerator" "edge" {
  name            = "edge"
  ip_address_type = "IPV4"
  enabled         = true
}"#,
            fixed_example: r#"resource "aws_globalaccelerator_accelerator" "edge" {
  name            = "edge"
  ip_address_type = "IPV4"
  enabled         = true
  attributes {
    flow_logs_enabled   = true
    flow_logs_s3_bucket = aws_s3_bucket.flow_logs.bucket
    flow_logs_s3_prefix = "flow-logs/"
  }
}"#,
        }),
        cloudformation: None,
    },
};

const FIX: &str = "Write flow logs to a bucket (choose it)";

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_globalaccelerator_accelerator").collect::<Vec<_>>() {
        let file = ctx.file(res);
        let address = res.address();
        let attributes = ctx.nested(res.config(), "attributes");
        if attributes.is_empty() {
            let text = "attributes {\n  flow_logs_enabled   = true\n  flow_logs_s3_bucket = \"<flow-logs-bucket>\"\n  flow_logs_s3_prefix = \"flow-logs/\"\n}";
            let fix = Fix::unsafe_(FIX, vec![edit::insert_in_block(file, res.block, text)]);
            ctx.report_with_fix(
                res,
                res.block.header,
                format!("`{address}` has no `attributes`, so it writes no flow logs"),
                fix,
            );
        }
        for config in attributes {
            let bucket = config.attr("flow_logs_s3_bucket").is_some();
            match ctx.field(config, "flow_logs_enabled") {
                None => {
                    let mut lines = vec!["flow_logs_enabled = true".to_string()];
                    if !bucket {
                        lines.push("flow_logs_s3_bucket = \"<flow-logs-bucket>\"".into());
                    }
                    let fix = config
                        .block()
                        .map(|b| Fix::unsafe_(FIX, vec![edit::insert_in_block(file, b, &lines.join("\n"))]));
                    ctx.report(
                        res,
                        config.header(),
                        format!("`{address}` does not set `attributes.flow_logs_enabled`, so it writes no flow logs"),
                    )
                    .fixes
                    .extend(fix);
                }
                Some((field, v)) if v.as_bool() == Some(false) => {
                    let mut edits = vec![Edit { range: field.expr.range, text: "true".into() }];
                    if !bucket {
                        edits.extend(set_in_config(file, config, "flow_logs_s3_bucket", "\"<flow-logs-bucket>\""));
                    }
                    ctx.report_with_fix(
                        res,
                        field.range,
                        format!("`{address}` turns flow logs off"),
                        Fix::unsafe_(FIX, edits),
                    );
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn accelerators_without_flow_logs() {
        let tf = "resource \"aws_globalaccelerator_accelerator\" \"a\" {\n}\nresource \"aws_globalaccelerator_accelerator\" \"b\" {\n  attributes {\n    flow_logs_s3_bucket = \"b\"\n  }\n}\nresource \"aws_globalaccelerator_accelerator\" \"c\" {\n  attributes {\n    flow_logs_enabled = false\n  }\n}\nresource \"aws_globalaccelerator_accelerator\" \"d\" {\n  attributes {\n    flow_logs_enabled   = true\n    flow_logs_s3_bucket = \"b\"\n  }\n}\n";
        assert_eq!(lines(&RULE, tf), [1, 4, 10]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }
}
