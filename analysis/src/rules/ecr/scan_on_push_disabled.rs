use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rules::{Equivalents, Rule, Severity};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;

pub static RULE: Rule = Rule {
    id: "ecr-scan-on-push-disabled",
    title: "ECR repository does not scan images on push",
    severity: Severity::Low,
    row: Row::OsPatching,
    service: "ECR",
    what: "Flags ECR repositories without `image_scanning_configuration { scan_on_push = true }` (or the \
           `terraform-aws-modules/ecr` input `repository_image_scan_on_push = false`), unless an \
           `aws_ecr_registry_scanning_configuration` rule covers the repository.",
    why: "Container images bundle an operating system and libraries that collect known vulnerabilities. Without \
          scanning on push, vulnerable images are deployed without anyone being told, and nothing prompts the \
          team to rebuild them with patched packages.",
    aws_side: "AWS provides the registry and the scanners (basic, or enhanced with Amazon Inspector). Turning \
               scanning on, reading the findings and rebuilding the images are the customer's duty: \
               repositories do not scan unless configured to.",
    fix: "Add `image_scanning_configuration { scan_on_push = true }`, or configure registry-wide scanning with \
          `aws_ecr_registry_scanning_configuration` (enhanced scanning rescans continuously).",
    example: r#"resource "aws_ecr_repository" "app" {
  name = "app"
}"#,
    fixed_example: r#"resource "aws_ecr_repository" "app" {
  name = "app"
  image_scanning_configuration {
    scan_on_push = true
  }
}"#,
    equivalents: Equivalents {
        checkov: &["CKV_AWS_163"],
        kics: &["9630336b-3fed-4096-8173-b9afdfe346a7"],
        trivy: &["AVD-AWS-0030", "aws-ecr-enable-image-scans"],
    },
    resource_types: &["aws_ecr_repository", "aws_ecr_registry_scanning_configuration"],
    terraform: Some(check),
    cloudformation: None,
    has_fix: true,
};

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
    ctx.resources("aws_ecr_registry_scanning_configuration").any(|reg| {
        reg.config().nested("rule").iter().any(|rule| {
            rule.nested("repository_filter").iter().any(|filter| {
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
        let Some(scan) = res.block.block("image_scanning_configuration") else {
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
    use crate::rules::testing::{check_fixes, lines, run};

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
}
