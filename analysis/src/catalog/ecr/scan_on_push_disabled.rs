use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::NodeKind;
use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "ecr-scan-on-push-disabled",
    title: "ECR repository does not scan images on push",
    severity: Severity::Low,
    row: Row::OsPatching,
    service: "ECR",
    why: "Container images bundle an operating system and libraries that collect known vulnerabilities. Without \
          scanning on push, vulnerable images are deployed without anyone being told, and nothing prompts the \
          team to rebuild them with patched packages.",
    aws_side: "AWS provides the registry and the scanners (basic, or enhanced with Amazon Inspector). Turning \
               scanning on, reading the findings and rebuilding the images are the customer's duty: \
               repositories do not scan unless configured to.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_163"],
        kics: &["9630336b-3fed-4096-8173-b9afdfe346a7", "9025b2b3-e554-4842-ba87-db7aeec36d35"],
        trivy: &["AVD-AWS-0030", "aws-ecr-enable-image-scans"],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags ECR repositories without `image_scanning_configuration { scan_on_push = true }` (or the \
               `terraform-aws-modules/ecr` input `repository_image_scan_on_push = false`), unless an \
               `aws_ecr_registry_scanning_configuration` rule covers the repository.",
        fix: "Add `image_scanning_configuration { scan_on_push = true }`, or configure registry-wide scanning with \
              `aws_ecr_registry_scanning_configuration` (enhanced scanning rescans continuously).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ecr_repository", "aws_ecr_registry_scanning_configuration"],
            check,
            example: r#"resource "aws_ecr_repository" "app" {
  name = "app"
}"#,
            fixed_example: r#"resource "aws_ecr_repository" "app" {
  name = "app"
  image_scanning_configuration {
    scan_on_push = true
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ECR::Repository", "AWS::ECR::RegistryScanningConfiguration"],
            check: check_cfn,
            example: r#"Resources:
  App:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: app
"#,
            fixed_example: r#"Resources:
  App:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: app
      ImageScanningConfiguration:
        ScanOnPush: true
"#,
        }),
    },
};

/// Whether an `AWS::ECR::RegistryScanningConfiguration` of the template scans the repository named `name`
/// (when known) on push or continuously.
fn cfn_registry_scans(ctx: &CfnContext, name: Option<&str>) -> bool {
    ctx.resources("AWS::ECR::RegistryScanningConfiguration").any(|reg| {
        let Some((_, Value::List(rules))) = ctx.prop(reg, "Rules") else {
            // Unknown rules may cover the repository.
            return ctx.prop(reg, "Rules").is_some_and(|(_, v)| !v.is_known());
        };
        rules.iter().any(|rule| {
            if rule.get("ScanFrequency").as_str().is_some_and(|f| f.eq_ignore_ascii_case("MANUAL")) {
                return false;
            }
            rule.get("RepositoryFilters").one_or_many().iter().any(|filter| match filter.get("Filter").as_str() {
                Some(pattern) => pattern == "*" || name.is_some_and(|n| wildcard_match(pattern, n)),
                // An unknown filter may cover the repository.
                None => !filter.get("Filter").is_known(),
            })
        })
    })
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ECR::Repository").collect::<Vec<_>>() {
        let name = ctx.prop(res, "RepositoryName").and_then(|(_, v)| v.as_str().map(str::to_string));
        if cfn_registry_scans(ctx, name.as_deref()) {
            continue;
        }
        let id = res.logical_id;
        let Some((config, _)) = ctx.prop(res, "ImageScanningConfiguration") else {
            let fix = Fix::new(
                "Scan images on push",
                vec![cfn_edit::set_property(
                    ctx.template,
                    res,
                    "ImageScanningConfiguration",
                    &json!({"ScanOnPush": true}),
                )],
            );
            let range = ctx.header(res);
            ctx.report(res, range, format!("`{id}` does not scan images on push")).fixes.push(fix);
            continue;
        };
        if !(matches!(config.kind, NodeKind::Map(_)) && config.intrinsic().is_none()) {
            continue;
        }
        let fix =
            Fix::new("Scan images on push", vec![cfn_edit::set_key(ctx.template, config, "ScanOnPush", &json!(true))]);
        match ctx.prop(res, "ImageScanningConfiguration.ScanOnPush") {
            None => {
                let range = ctx.prop_range(res, "ImageScanningConfiguration").unwrap_or(config.range);
                let message = format!("`{id}` does not set `ScanOnPush`, so images are not scanned on push");
                ctx.report(res, range, message).fixes.push(fix);
            }
            Some((node, v)) if v.as_bool() == Some(false) => {
                let range = ctx.prop_range(res, "ImageScanningConfiguration.ScanOnPush").unwrap_or(node.range);
                ctx.report(res, range, format!("`{id}` turns image scanning on push off")).fixes.push(fix);
            }
            Some(_) => {}
        }
    }
}

/// ECR's wildcard filter: `*` matches any run of characters.
fn wildcard_match(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, rest)) => {
            let Some(tail) = name.strip_prefix(head) else { return false };
            (0..=tail.len()).filter(|i| tail.is_char_boundary(*i)).any(|i| wildcard_match(rest, &tail[i..]))
        }
    }
}

/// Whether a registry scanning configuration covers the repository (named `name`, when known).
fn registry_scans(ctx: &TfContext, name: Option<&str>) -> bool {
    ctx.all_resources("aws_ecr_registry_scanning_configuration").any(|reg| {
        ctx.nested(reg.config(), "rule").iter().any(|rule| {
            ctx.nested(rule, "repository_filter").iter().any(|filter| {
                let Some(field) = filter.attr("filter") else { return false };
                match ctx.value(field).as_str() {
                    Some(pattern) => pattern == "*" || name.is_some_and(|n| wildcard_match(pattern, n)),
                    // An unknown filter may cover the repository: not a finding.
                    None => true,
                }
            })
        })
    })
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources_like("aws_ecr_repository", "ecr").collect::<Vec<_>>() {
        let name_attr = if res.is_module() { "repository_name" } else { "name" };
        let name = ctx.attr(res.block, name_attr).and_then(|(_, v)| v.as_str().map(str::to_string));
        if registry_scans(ctx, name.as_deref()) {
            continue;
        }
        if res.is_module() {
            check_module(ctx, res);
            continue;
        }
        let file = ctx.file(res);
        let address = res.address();
        let Some(scan) = ctx.block_of(res.block, "image_scanning_configuration") else {
            let fix = Fix::new(
                "Scan images on push",
                vec![edit::insert_in_block(
                    file,
                    res.block,
                    "image_scanning_configuration {\n  scan_on_push = true\n}",
                )],
            );
            let message = format!("`{address}` does not scan images on push");
            ctx.report_with_fix(res, res.block.header, message, fix);
            continue;
        };
        let fix = Fix::new("Scan images on push", vec![edit::set_attribute(file, scan, "scan_on_push", "true")]);
        match ctx.attr(scan, "scan_on_push") {
            None => ctx.report_with_fix(
                res,
                scan.header,
                format!("`{address}` does not set `scan_on_push`, so images are not scanned on push"),
                fix,
            ),
            Some((attr, v)) if v.as_bool() == Some(false) => {
                ctx.report_with_fix(res, attr.range, format!("`{address}` turns image scanning on push off"), fix)
            }
            Some(_) => {}
        }
    }
}

/// `terraform-aws-modules/ecr` scans on push unless `repository_image_scan_on_push = false`.
fn check_module(ctx: &mut TfContext, res: Resource) {
    let Some((attr, v)) = ctx.attr(res.block, "repository_image_scan_on_push") else { return };
    if v.as_bool() == Some(false) {
        let file = ctx.file(res);
        let fix = Fix::new(
            "Scan images on push",
            vec![edit::set_attribute(file, res.block, "repository_image_scan_on_push", "true")],
        );
        ctx.report_with_fix(res, attr.range, format!("`{}` turns image scanning on push off", res.address()), fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines, run, run_cfn};

    #[test]
    fn flags_repositories_without_scanning() {
        let text = r#"
resource "aws_ecr_repository" "absent" {
  name                 = "img_p_2"
  image_tag_mutability = "MUTABLE"
}
resource "aws_ecr_repository" "off" {
  name = "img_p_1"
  image_scanning_configuration {
    scan_on_push = false
  }
}
resource "aws_ecr_repository" "empty_block" {
  name = "x"
  image_scanning_configuration {}
}
resource "aws_ecr_repository" "on" {
  name = "bar"
  image_scanning_configuration {
    scan_on_push = true
  }
}
resource "aws_ecr_repository" "unknown" {
  image_scanning_configuration {
    scan_on_push = var.scan
  }
}
module "ecr_off" {
  source                       = "terraform-aws-modules/ecr/aws"
  repository_name              = "m"
  repository_image_scan_on_push = false
}
module "ecr_default" {
  source          = "terraform-aws-modules/ecr/aws"
  repository_name = "m"
}
"#;
        assert_eq!(lines(&RULE, text), [2, 9, 14, 30]);
        assert_eq!(check_fixes(&RULE, text), 4);
    }

    #[test]
    fn registry_scanning_covers_matching_repositories() {
        let registry = |filter: &str| {
            format!(
                r#"
resource "aws_ecr_registry_scanning_configuration" "r" {{
  scan_type = "ENHANCED"
  rule {{
    scan_frequency = "CONTINUOUS_SCAN"
    repository_filter {{
      filter      = "{filter}"
      filter_type = "WILDCARD"
    }}
  }}
}}
resource "aws_ecr_repository" "prod_app" {{
  name = "prod-app"
}}
"#
            )
        };
        assert!(run(&RULE, &registry("*")).is_empty());
        assert!(run(&RULE, &registry("prod-*")).is_empty());
        assert_eq!(run(&RULE, &registry("dev-*")).len(), 1);
        assert!(wildcard_match("a*c*", "abxcd") && !wildcard_match("a*c", "abd"));
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = r#"Resources:
  Absent:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: a
  Off:
    Type: AWS::ECR::Repository
    Properties:
      ImageScanningConfiguration:
        ScanOnPush: "false"
  On:
    Type: AWS::ECR::Repository
    Properties:
      ImageScanningConfiguration: {ScanOnPush: true}
  Unknown:
    Type: AWS::ECR::Repository
    Properties:
      ImageScanningConfiguration: {ScanOnPush: !Ref Scan}
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [2, 10]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
        let json = r#"{"Resources": {"R": {"Type": "AWS::ECR::Repository", "Properties": {"RepositoryName": "r"}}}}"#;
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
        let registry = |filter: &str, frequency: &str| {
            format!(
                "Resources:\n  Reg:\n    Type: AWS::ECR::RegistryScanningConfiguration\n    Properties:\n      ScanType: ENHANCED\n      Rules:\n        - ScanFrequency: {frequency}\n          RepositoryFilters:\n            - {{Filter: '{filter}', FilterType: WILDCARD}}\n  App:\n    Type: AWS::ECR::Repository\n    Properties:\n      RepositoryName: prod-app\n"
            )
        };
        assert!(run_cfn(&RULE, &registry("*", "CONTINUOUS_SCAN")).is_empty());
        assert!(run_cfn(&RULE, &registry("prod-*", "SCAN_ON_PUSH")).is_empty());
        assert_eq!(run_cfn(&RULE, &registry("dev-*", "SCAN_ON_PUSH")).len(), 1);
        assert_eq!(run_cfn(&RULE, &registry("*", "MANUAL")).len(), 1);
    }
}
