use crate::fix::{line_end, line_start, Edit, Fix};
use crate::responsibility::Row;
use crate::rules::{Equivalents, Rule, Severity};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::text::TextRange;

pub static RULE: Rule = Rule {
    id: "config-aggregator-not-all-regions",
    title: "AWS Config aggregator does not cover all regions",
    severity: Severity::Low,
    row: Row::AccountCompromise,
    service: "AWS Config",
    what: "Flags `aws_config_configuration_aggregator` sources (`account_aggregation_source`, \
           `organization_aggregation_source`) without `all_regions = true`, including those that list regions.",
    why: "An aggregator gives one view of the configuration and compliance of many accounts. One that lists \
          regions misses the others, including regions enabled later, and those are where unexpected resources \
          (an intruder's instances, a forgotten test stack) are least likely to be noticed.",
    aws_side: "AWS collects the configuration and compliance data of the accounts and regions an aggregator \
               names, and adds new regions automatically when it is set to all regions. Choosing that scope is \
               the customer's duty.",
    fix: "Set `all_regions = true` in the source block and remove its `regions` list.",
    example: r#"resource "aws_config_configuration_aggregator" "org" {
  name = "org"

  account_aggregation_source {
    account_ids = ["123456789012"]
    regions     = ["us-east-1", "eu-west-1"]
  }
}"#,
    fixed_example: r#"resource "aws_config_configuration_aggregator" "org" {
  name = "org"

  account_aggregation_source {
    account_ids = ["123456789012"]
    all_regions = true
  }
}"#,
    equivalents: Equivalents {
        checkov: &["CKV_AWS_121"],
        kics: &["ac5a0bc0-a54c-45aa-90c3-15f7703b9132"],
        trivy: &["AVD-AWS-0019", "aws-config-aggregate-all-regions"],
    },
    resource_types: &["aws_config_configuration_aggregator"],
    terraform: Some(check),
    cloudformation: None,
    has_fix: true,
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_config_configuration_aggregator").collect::<Vec<_>>() {
        let file = ctx.file(res);
        for kind in ["account_aggregation_source", "organization_aggregation_source"] {
            for source in res.block.blocks(kind) {
                let regions = source.attr("regions");
                let (range, message, mut edits) = match ctx.attr(source, "all_regions") {
                    None => {
                        // Writing `all_regions = true` in place of the region list keeps the block tidy.
                        let edits = match regions {
                            Some(r) => vec![Edit { range: r.range, text: "all_regions = true".into() }],
                            None => vec![edit::set_attribute(file, source, "all_regions", "true")],
                        };
                        (source.header, format!("`{}` aggregates only some regions", res.address()), edits)
                    }
                    Some((attr, value)) if value.as_bool() == Some(false) => (
                        attr.range,
                        format!("`{}` does not aggregate all regions", res.address()),
                        vec![edit::set_attribute(file, source, "all_regions", "true")],
                    ),
                    Some(_) => continue,
                };
                if let (Some(r), Some(_)) = (regions, source.attr("all_regions")) {
                    let src = &file.source;
                    let start = line_start(src, r.range.start);
                    let whole_line = src[start..r.range.start].trim().is_empty()
                        && src[r.range.end..line_end(src, r.range.end)].trim().is_empty();
                    let range = if whole_line { TextRange::new(start, line_end(src, r.range.end)) } else { r.range };
                    edits.push(Edit { range, text: String::new() });
                }
                ctx.report_with_fix(res, range, message, Fix::new("Aggregate all regions", edits));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{check_fixes, lines, run};

    #[test]
    fn flags_sources_without_all_regions() {
        let text = r#"resource "aws_config_configuration_aggregator" "listed" {
  account_aggregation_source {
    account_ids = ["123456789012"]
    regions     = ["us-east-2", "us-east-1"]
  }
}
resource "aws_config_configuration_aggregator" "off" {
  organization_aggregation_source {
    all_regions = false
    role_arn    = aws_iam_role.organization.arn
  }
}
resource "aws_config_configuration_aggregator" "both" {
  account_aggregation_source {
    account_ids = ["123456789012"]
    all_regions = false
    regions     = ["us-east-1"]
  }
}
resource "aws_config_configuration_aggregator" "on" {
  organization_aggregation_source {
    all_regions = true
    role_arn    = aws_iam_role.organization.arn
  }
}
resource "aws_config_configuration_aggregator" "unknown" {
  organization_aggregation_source {
    all_regions = var.all
  }
}
"#;
        assert_eq!(lines(&RULE, text), [2, 9, 16]);
        assert_eq!(check_fixes(&RULE, text), 3);
    }

    #[test]
    fn the_fix_replaces_the_region_list() {
        let found = run(&RULE, RULE.example);
        let fixed = found[0].fixes[0].apply(RULE.example);
        assert_eq!(fixed, RULE.fixed_example);
    }
}
