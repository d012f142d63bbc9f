use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::{Entry, Node, NodeKind, Style};
use crate::fix::{line_end, line_start, Edit, Fix};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::text::TextRange;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "config-aggregator-not-all-regions",
    title: "AWS Config aggregator does not cover all regions",
    severity: Severity::Low,
    row: Row::AccountCompromise,
    service: "AWS Config",
    why: "An aggregator gives one view of the configuration and compliance of many accounts. One that lists \
          regions misses the others, including regions enabled later, and those are where unexpected resources \
          (an intruder's instances, a forgotten test stack) are least likely to be noticed.",
    aws_side: "AWS collects the configuration and compliance data of the accounts and regions an aggregator \
               names, and adds new regions automatically when it is set to all regions. Choosing that scope is \
               the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_121"],
        kics: &["ac5a0bc0-a54c-45aa-90c3-15f7703b9132", "9f3cf08e-72a2-4eb1-8007-e3b1b0e10d4d"],
        trivy: &["AVD-AWS-0019", "aws-config-aggregate-all-regions"],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_config_configuration_aggregator` sources (`account_aggregation_source`, \
               `organization_aggregation_source`) without `all_regions = true`, including those that list regions.",
        fix: "Set `all_regions = true` in the source block and remove its `regions` list.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_config_configuration_aggregator"],
            check,
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
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Config::ConfigurationAggregator"],
            check: check_cfn,
            example: r#"Resources:
  Aggregator:
    Type: AWS::Config::ConfigurationAggregator
    Properties:
      AccountAggregationSources:
        - AccountIds: ['123456789012']
          AwsRegions: [us-east-1, eu-west-1]
"#,
            fixed_example: r#"Resources:
  Aggregator:
    Type: AWS::Config::ConfigurationAggregator
    Properties:
      AccountAggregationSources:
        - AccountIds: ['123456789012']
          AllAwsRegions: true
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::Config::ConfigurationAggregator").collect::<Vec<_>>() {
        let mut sources: Vec<&Node> = Vec::new();
        if let Some((node, _)) = ctx.prop(res, "AccountAggregationSources") {
            sources.extend(node.items());
        }
        if let Some((node, _)) = ctx.prop(res, "OrganizationAggregationSource") {
            sources.push(node);
        }
        for source in sources {
            if !matches!(source.kind, NodeKind::Map(_)) || source.intrinsic().is_some() {
                continue;
            }
            let regions = source.entry("AwsRegions");
            let (range, message, edits) = match source.entry("AllAwsRegions") {
                None => {
                    // `AllAwsRegions: true` takes the place of the region list.
                    let edit = match regions {
                        Some(r) => {
                            let key = if source.style == Style::Json { "\"AllAwsRegions\"" } else { "AllAwsRegions" };
                            Edit { range: r.range, text: format!("{key}: true") }
                        }
                        None => cfn_edit::set_key(ctx.template, source, "AllAwsRegions", &json!(true)),
                    };
                    let range = regions.map(|r| r.range).unwrap_or(source.range);
                    (range, format!("`{}` aggregates only some regions", res.logical_id), vec![edit])
                }
                Some(all) if ctx.eval(&all.value).as_bool() == Some(false) => {
                    let mut edits = vec![cfn_edit::replace_value(ctx.template, &all.value, &json!(true))];
                    edits.extend(regions.and_then(|r| remove_entry(&ctx.template.source, source, r)));
                    (all.range, format!("`{}` does not aggregate all regions", res.logical_id), edits)
                }
                Some(_) => continue,
            };
            ctx.report(res, range, message).fixes.push(Fix::new("Aggregate all regions", edits));
        }
    }
}

/// An edit that removes `entry` from the map `map` (with its line in block style, with its comma in flow
/// style and JSON); `None` where the entry shares its line with a list item's dash.
fn remove_entry(src: &str, map: &Node, entry: &Entry) -> Option<Edit> {
    let start = entry.key_range.start;
    if map.style == Style::Block {
        let line = line_start(src, start);
        if !src[line..start].trim().is_empty() {
            return None;
        }
        let end = line_end(src, entry.range.end.saturating_sub(1).max(start));
        return Some(Edit { range: TextRange::new(line, end), text: String::new() });
    }
    let before = src[..start].trim_end();
    if before.ends_with(',') {
        return Some(Edit { range: TextRange::new(before.len() - 1, entry.range.end), text: String::new() });
    }
    let after = &src[entry.range.end..];
    let trimmed = after.trim_start();
    if let Some(rest) = trimmed.strip_prefix(',') {
        let end = src.len() - rest.trim_start().len();
        return Some(Edit { range: TextRange::new(start, end), text: String::new() });
    }
    Some(Edit { range: TextRange::new(start, entry.range.end), text: String::new() })
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_config_configuration_aggregator").collect::<Vec<_>>() {
        let file = ctx.file(res);
        for kind in ["account_aggregation_source", "organization_aggregation_source"] {
            for source in ctx.blocks_of(res.block, kind) {
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
    use crate::kit::testing::{check_fixes, lines, run};

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
        let found = run(&RULE, &crate::kit::testing::tf_example(&RULE).0);
        let fixed = found[0].fixes[0].apply(&crate::kit::testing::tf_example(&RULE).0);
        assert_eq!(fixed, crate::kit::testing::tf_example(&RULE).1);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes, run_cfn};
        let yaml = "Resources:\n  A:\n    Type: AWS::Config::ConfigurationAggregator\n    Properties:\n      AccountAggregationSources:\n        - AccountIds: ['1']\n          AwsRegions:\n            - us-east-1\n        - AccountIds: ['2']\n          AllAwsRegions: true\n  B:\n    Type: AWS::Config::ConfigurationAggregator\n    Properties:\n      OrganizationAggregationSource:\n        RoleArn: arn\n        AwsRegions: [us-east-1]\n        AllAwsRegions: false\n  C:\n    Type: AWS::Config::ConfigurationAggregator\n    Properties:\n      OrganizationAggregationSource:\n        RoleArn: arn\n        AllAwsRegions: !Ref All\n";
        assert_eq!(cfn_lines(&RULE, yaml), [7, 17]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
        let fixed = run_cfn(&RULE, yaml)[1].fixes[0].apply(yaml);
        assert!(fixed.contains("        RoleArn: arn\n        AllAwsRegions: true\n  C:"), "{fixed}");
        let json = r#"{"Resources": {"A": {"Type": "AWS::Config::ConfigurationAggregator", "Properties": {
  "OrganizationAggregationSource": {"AwsRegions": ["us-east-1"], "AllAwsRegions": false, "RoleArn": "arn"}}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [2]);
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
        let fixed = run_cfn(&RULE, json)[0].fixes[0].apply(json);
        assert!(fixed.contains(r#"{"AllAwsRegions": true, "RoleArn": "arn"}"#), "{fixed}");
    }

    #[test]
    fn the_cloudformation_fix_replaces_the_region_list() {
        let m = crate::kit::testing::cfn_example(&RULE);
        let found = crate::kit::testing::run_cfn(&RULE, &m.0);
        assert_eq!(found[0].fixes[0].apply(&m.0), m.1);
    }
}
