use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{is_registry_module, Resource, TfContext};
use crate::terraform::edit;

pub static RULE: Rule = Rule {
    id: "ec2-imdsv1-enabled",
    title: "Instance metadata service accepts IMDSv1 (no session token)",
    severity: Severity::High,
    row: Row::OsPatching,
    service: "EC2",
    why: "IMDSv1 answers any plain HTTP GET from the instance. A server-side request forgery bug, an open proxy \
          or a misconfigured reverse proxy in the application is then enough to read the instance role's \
          temporary credentials, as in the 2019 Capital One breach. IMDSv2's session token defeats these \
          attacks.",
    aws_side: "AWS runs the metadata service and offers IMDSv2, but keeps IMDSv1 available unless the instance, \
               its AMI (`ImdsSupport = v2.0`) or the account default requires tokens. Requiring them, and \
               keeping the software on the instance compatible, is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_79"],
        kics: &[],
        trivy: &[
            "AVD-AWS-0028",
            "aws-ec2-enforce-http-token-imds",
            "AVD-AWS-0130",
            "aws-ec2-enforce-launch-config-http-token-imds",
        ],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_instance`, `aws_launch_template` and `aws_launch_configuration` resources whose metadata \
               service is enabled without `http_tokens = \"required\"`: `metadata_options` absent, `http_tokens` \
               absent or `\"optional\"`. Absent values are not flagged when the configuration sets the account \
               default to required (`aws_ec2_instance_metadata_defaults`). Also module inputs that say `optional`.",
        fix: "Add `metadata_options { http_endpoint = \"enabled\"  http_tokens = \"required\" }` (with \
              `http_put_response_hop_limit = 1`, or 2 for containers), or set the account default with \
              `aws_ec2_instance_metadata_defaults`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_instance", "aws_launch_template", "aws_launch_configuration"],
            check,
            example: r#"resource "aws_instance" "web" {
  ami           = "ami-123456"
  instance_type = "t3.micro"
}"#,
            fixed_example: r#"resource "aws_instance" "web" {
  ami           = "ami-123456"
  instance_type = "t3.micro"

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }
}"#,
        }),
        cloudformation: None,
    },
};

const TYPES: [&str; 3] = ["aws_instance", "aws_launch_template", "aws_launch_configuration"];

/// Whether the configuration sets the region's default to require tokens.
fn account_requires_tokens(ctx: &TfContext) -> bool {
    ctx.all_resources("aws_ec2_instance_metadata_defaults")
        .any(|r| ctx.attr(r.block, "http_tokens").is_some_and(|(_, v)| v.as_str() == Some("required")))
}

fn check(ctx: &mut TfContext) {
    let defaults_required = account_requires_tokens(ctx);
    let mut targets: Vec<Resource> = TYPES.iter().flat_map(|ty| ctx.resources(ty)).collect();
    let modules: Vec<Resource> = ctx
        .blocks("module")
        .filter(|r| is_registry_module(r.block, "ec2-instance") || is_registry_module(r.block, "autoscaling"))
        .collect();
    targets.extend(modules);
    for res in targets {
        let file = ctx.file(res);
        let options = ctx.nested(res.config(), "metadata_options").into_iter().next();
        let Some(options) = options else {
            if defaults_required || res.is_module() {
                continue;
            }
            let block = "metadata_options {\n  http_endpoint = \"enabled\"\n  http_tokens   = \"required\"\n}";
            let fix = Fix::new("Require IMDSv2 tokens", vec![edit::insert_in_block(file, res.block, block)]);
            let message = format!("`{}` has no `metadata_options`, so IMDSv1 stays available", res.address());
            ctx.report_with_fix(res, res.block.header, message, fix);
            continue;
        };
        let get = |name: &str| options.attr(name).map(|f| ctx.value(f));
        if get("http_endpoint").is_some_and(|v| v.as_str() == Some("disabled")) {
            continue;
        }
        match options.attr("http_tokens") {
            None => {
                if defaults_required || res.is_module() {
                    continue;
                }
                let Some(block) = options.block() else { continue };
                let fix = Fix::new(
                    "Require IMDSv2 tokens",
                    vec![edit::set_attribute(file, block, "http_tokens", "\"required\"")],
                );
                let message = format!("`{}` does not set `http_tokens`, so IMDSv1 stays available", res.address());
                ctx.report_with_fix(res, options.header(), message, fix);
            }
            Some(field) => {
                if ctx.value(field).as_str() != Some("optional") {
                    continue;
                }
                let fix = Fix::new(
                    "Require IMDSv2 tokens",
                    vec![crate::fix::Edit { range: field.expr.range, text: "\"required\"".into() }],
                );
                let message = format!("`{}` allows IMDSv1 (`http_tokens = \"optional\"`)", res.address());
                ctx.report_with_fix(res, field.range, message, fix);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_absent_and_optional_tokens() {
        let text = r#"resource "aws_instance" "a" {
  ami = "ami-1"
}
resource "aws_launch_template" "b" {
  metadata_options {
    http_endpoint = "enabled"
  }
}
resource "aws_launch_configuration" "c" {
  metadata_options {
    http_tokens = "optional"
  }
}
module "ec2" {
  source           = "terraform-aws-modules/ec2-instance/aws"
  metadata_options = { http_tokens = "optional" }
}
"#;
        assert_eq!(lines(&RULE, text), vec![1, 5, 11, 16]);
        assert_eq!(check_fixes(&RULE, text), 4);
    }

    #[test]
    fn ignores_required_disabled_unknown_and_account_default() {
        let text = r#"resource "aws_instance" "a" {
  metadata_options {
    http_tokens = "required"
  }
}
resource "aws_instance" "b" {
  metadata_options {
    http_endpoint = "disabled"
  }
}
resource "aws_instance" "c" {
  metadata_options {
    http_tokens = var.tokens
  }
}
module "ec2" {
  source = "terraform-aws-modules/ec2-instance/aws"
}
"#;
        assert!(lines(&RULE, text).is_empty());
        let text = r#"resource "aws_ec2_instance_metadata_defaults" "d" {
  http_tokens = "required"
}
resource "aws_instance" "a" {
  ami = "ami-1"
}
"#;
        assert!(lines(&RULE, text).is_empty());
    }
}
